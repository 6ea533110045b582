// Decodes one resource instance's body onto SageMaker's Create request, member by member, from the API model: a
// structure is a block, a list of structures a repeated block, a map or a list of scalars an attribute. Besides the
// request: the job name, tags, lifecycle, depends_on, and where each value was written (for diagnostics).
import { didYouMean, Diagnostics, suggestFrom, type SourceRange } from '../diagnostics/index.js'
import { literalItem, literalItemKey, traversalPath, type Attribute, type Block, type Body, type Expr } from '../config/ast.js'
import { exprAddress, formatAddress, type InstanceKey } from '../config/address.js'
import { Evaluator, POISON, type Scope } from '../config/eval.js'
import type { ResourceDecl } from '../config/module.js'
import { checkBodyShape, jobFamily, RESOURCE_TYPES } from '../config/module.js'
import { Unknown, containsSensitive, isObject, isUnknown, markSensitive, unmark, unmarkDeep, newObject, toBoolValue, toNumberValue, toNumeric, toStringValue, typeName, type Value } from '../config/value.js'
import { isWhole, toBigInt, toDouble } from '../config/number.js'
import { sumOfUnits } from '../util/duration.js'
import { isScalar, shape, structure, WARM_START_TYPES, WIRE_BITS, WIRE_RANGE } from './api.js'
import { memberName, spelledMembers } from './terraform.js'
import { apiPathKey, type ApiObject, type ApiValue, type JobName, type JobResource, type SourceEntry, type WarmStartType } from './types.js'
import { JOB_KINDS, type JobKind } from './kinds.js'

type MemberKind = 'block' | 'blocks' | 'attribute'

function memberKind(shapeName: string): MemberKind {
  const s = shape(shapeName)
  if (s.type === 'structure') return 'block'
  if (s.type === 'list' && shape(s.member.shape).type === 'structure') return 'blocks'
  return 'attribute'
}

/** `retune_every` values: a positive whole number of s, m, h or d, or a sum of them (`1d12h`), in seconds. */
export function parseRetuneInterval(text: string): number | undefined {
  const seconds = sumOfUnits(text, { s: 1, m: 60, h: 3600, d: 86_400 })
  return seconds ? seconds : undefined
}

/** Members sageform writes its own way at the top of a resource: the job name and the tags. */
const MANAGED_MEMBERS = new Set(['TrainingJobName', 'HyperParameterTuningJobName', 'Tags'])
const RESOURCE_ARGUMENTS = ['name', 'name_prefix', 'tags', 'warm_start_from_previous']

/** A provider resource has the provider's arguments instead of sageform's: its name argument, tags and its own. */
function resourceArguments(kind: JobKind): readonly string[] {
  return kind.spelling === 'native' ? RESOURCE_ARGUMENTS : [kind.nameArgument, 'tags', ...Object.keys(kind.providerOnly)]
}

export class ResourceDecoder {
  private readonly sources = new Map<string, SourceEntry>()
  private readonly incomplete = new Set<string>()
  private readonly sensitivePaths = new Set<string>()

  constructor(
    private readonly decl: ResourceDecl,
    /** The instance's address: the resource's, or with its key (`type.name[0]`, `type.name["key"]`). */
    private readonly address: string,
    private readonly instanceKey: InstanceKey | undefined,
    private readonly evaluator: Evaluator,
    private readonly scope: Scope,
    private readonly diags: Diagnostics,
    /** Every declared resource, by address. */
    private readonly knownResources: ReadonlyMap<string, ResourceDecl>,
  ) {}

  private get kind(): JobKind {
    return JOB_KINDS[this.decl.type]
  }

  private error(summary: string, detail: string, range: SourceRange, attribute?: string, hint?: string): undefined {
    this.diags.error(summary, { detail, range, attribute, hint, address: this.address })
    return undefined
  }

  decode(): JobResource {
    const kind = this.kind
    const args = resourceArguments(kind)
    const special = new Map(this.decl.body.attributes.filter((a) => args.includes(a.name)).map((a) => [a.name, a]))
    this.ignoreProviderOnly(kind)
    const request = this.structure(
      {
        ...this.decl.body,
        attributes: this.decl.body.attributes.filter((a) => !args.includes(a.name)),
        blocks: this.decl.body.blocks.filter((b) => !Object.hasOwn(kind.providerOnly, b.type)),
      },
      kind.requestShape,
      [],
      '',
    )
    return {
      address: this.address,
      ...(this.instanceKey !== undefined ? { instanceKey: this.instanceKey } : {}),
      kind,
      label: this.decl.label,
      name: kind.spelling === 'native' ? this.jobName(special.get('name'), special.get('name_prefix')) : this.pinnedName(kind, special.get(kind.nameArgument)),
      request,
      tags: this.tags(special.get('tags')),
      lifecycle: this.lifecycle(),
      ...this.warmStartFromPrevious(special.get('warm_start_from_previous'), request),
      dependsOn: this.explicitDependencies(),
      sources: this.sources,
      incomplete: this.incomplete,
      sensitivePaths: this.sensitivePaths,
      range: this.decl.block.headerRange,
    }
  }

  /** The provider's resources always pin the job name, as its schema requires. */
  private pinnedName(kind: JobKind, attr: Attribute | undefined): JobName {
    if (attr) return this.jobName(attr, undefined)
    const range = this.decl.block.headerRange
    this.error('Missing required argument', `The argument "${kind.nameArgument}" is required: ${this.decl.type} pins the ${kind.noun} name.`, range, kind.nameArgument, `Add ${kind.nameArgument} = "...".`)
    return { kind: 'exact', value: POISON, range }
  }

  /** One warning per provider-only argument; an explicit false asks for what sageform does anyway, so it is quiet. */
  private ignoreProviderOnly(kind: JobKind): void {
    const written = [
      ...this.decl.body.attributes.map((a) => ({ name: a.name, range: a.nameRange, off: a.expr.kind === 'literal' && a.expr.value === false })),
      ...this.decl.body.blocks.map((b) => ({ name: b.type, range: b.typeRange, off: false })),
    ]
    for (const { name, range, off } of written) {
      if (off || !Object.hasOwn(kind.providerOnly, name)) continue
      this.diags.warning('Argument ignored', { detail: `"${name}" is ignored: ${kind.providerOnly[name]}`, range, address: this.address, attribute: name })
    }
  }

  private jobName(name: Attribute | undefined, prefix: Attribute | undefined): JobName {
    if (name && prefix) {
      this.error('Conflicting arguments', '"name" and "name_prefix" cannot both be set: name pins the job name, name_prefix lets sageform add a suffix per spec.', prefix.nameRange, 'name_prefix')
    }
    const chosen = name ?? prefix
    if (!chosen) {
      // Labels are HCL identifiers and may hold underscores, which job names may not: use dashes instead.
      return { kind: 'prefix', value: this.decl.label.replace(/_/g, '-'), range: this.decl.block.labels[1]!.range, fromLabel: true }
    }
    const marked = this.evaluator.evaluate(chosen.expr, this.scope)
    if (containsSensitive(marked)) {
      this.error('Sensitive job name', `"${chosen.name}" is derived from a sensitive value, but a job name is printed by every command and listed by SageMaker to anyone who can list jobs.`, chosen.expr.range, chosen.name, 'Build the name from values that are not secret.')
      return { kind: chosen === name ? 'exact' : 'prefix', value: POISON, range: chosen.expr.range }
    }
    const value = unmarkDeep(marked)
    const text = isUnknown(value) ? value : toStringValue(value)
    if (text === undefined) {
      this.error('Incorrect attribute value type', `"${chosen.name}" must be a string; got ${typeName(value)}.`, chosen.expr.range, chosen.name)
      return { kind: chosen === name ? 'exact' : 'prefix', value: POISON, range: chosen.expr.range }
    }
    return { kind: chosen === name ? 'exact' : 'prefix', value: text, range: chosen.expr.range }
  }

  private tags(attr: Attribute | undefined): Record<string, string | Unknown> {
    const out: Record<string, string | Unknown> = {}
    if (!attr) return out
    // Tags are shown and recorded like the request: where the marks were is kept as `Tags` / `Tags.<key>` paths.
    const marks: Array<Array<string | number>> = []
    const value = unmarkDeep(this.evaluator.evaluate(attr.expr, this.scope), marks)
    // A marked map hides its keys too, so the keys are not written into paths where someone might show them.
    for (const at of marks.some((m) => m.length === 0) ? [[]] : marks) this.sensitivePaths.add(apiPathKey(['Tags', ...at]))
    if (isUnknown(value)) return out
    if (!isObject(value)) {
      this.error('Incorrect attribute value type', `"tags" must be a map of strings, like { team = "ml" }; got ${typeName(value)}.`, attr.expr.range, 'tags')
      return out
    }
    for (const [key, v] of Object.entries(value)) {
      const range = literalItem(attr.expr, key)?.range ?? attr.expr.range
      const text = isUnknown(v) ? v : toStringValue(v)
      if (text === undefined) this.error('Incorrect attribute value type', `Tag "${key}" must be a string; got ${typeName(v)}.`, range, `tags.${key}`)
      else {
        out[key] = text
        this.sources.set(apiPathKey(['Tags', key]), { range, manifestPath: `tags.${key}` })
        this.sources.set(apiPathKey(['TagKeys', key]), { range: literalItemKey(attr.expr, key)?.range ?? range, manifestPath: `tags.${key}` })
      }
    }
    this.sources.set('Tags', { range: attr.expr.range, manifestPath: 'tags' })
    return out
  }

  /** depends_on holds bare resource addresses; anything else is a mistake worth a precise message. */
  private explicitDependencies(): string[] {
    const attr = this.decl.dependsOn
    if (!attr) return []
    const hint = 'Write depends_on = [sagemaker_training_job.other], without quotes or attributes.'
    if (attr.expr.kind !== 'tuple') {
      this.error('Invalid depends_on', '"depends_on" must be a list of resource addresses.', attr.expr.range, 'depends_on', hint)
      return []
    }
    const out: string[] = []
    for (const item of attr.expr.items) {
      const target = exprAddress(item)
      if (!target || !(RESOURCE_TYPES as readonly string[]).includes(target.type)) {
        this.error('Invalid depends_on reference', 'Each item must be a resource address, like sagemaker_training_job.prep, or an instance address, like sagemaker_training_job.prep[0].', item.range, 'depends_on', hint)
        continue
      }
      const base = `${target.type}.${target.name}`
      if (base === this.decl.address) this.error('Self-referential depends_on', `${base} cannot depend on itself.`, item.range, 'depends_on')
      else if (!this.knownResources.has(base)) {
        const suggestion = didYouMean(target.name, [...this.knownResources.keys()].filter((a) => a.startsWith(`${target.type}.`)).map((a) => a.slice(target.type.length + 1)))
        this.error('Reference to undeclared resource', `A resource "${target.type}" "${target.name}" has not been declared.`, item.range, 'depends_on', suggestion ? `Did you mean "${suggestion}"?` : undefined)
      } else out.push(formatAddress(target))
    }
    return out
  }

  private lifecycle(): JobResource['lifecycle'] {
    const lifecycle = this.decl.lifecycle
    const out: JobResource['lifecycle'] = { preventDestroy: false, ignoreChanges: [] }
    if (!lifecycle) return out
    if (lifecycle.preventDestroy) {
      // Lifecycle settings shape the plan itself, so like Terraform's they must be literal, not computed.
      const value = lifecycle.preventDestroy.expr.kind === 'literal' ? lifecycle.preventDestroy.expr.value : undefined
      if (typeof value !== 'boolean') this.error('Invalid lifecycle setting', '"prevent_destroy" must be the literal true or false.', lifecycle.preventDestroy.expr.range, 'lifecycle.prevent_destroy')
      else out.preventDestroy = value
    }
    if (lifecycle.retuneEvery) out.retuneEverySeconds = this.retuneEvery(lifecycle.retuneEvery)
    if (lifecycle.keepGenerations) out.keepGenerations = this.keepGenerations(lifecycle.keepGenerations)
    const ignore = lifecycle.ignoreChanges
    if (ignore) {
      const items = ignore.expr.kind === 'tuple' ? ignore.expr.items : undefined
      if (!items) {
        this.error('Invalid lifecycle setting', '"ignore_changes" must be a list of attribute paths, like [hyper_parameters, tags].', ignore.expr.range, 'lifecycle.ignore_changes')
        return out
      }
      for (const item of items) {
        const path = item.kind === 'literal' && typeof item.value === 'string' ? item.value.split('.') : traversalPath(item)
        const checked = path && this.checkManifestPath(path, item.range)
        if (checked) out.ignoreChanges.push(checked)
      }
    }
    return out
  }

  private retuneEvery(attr: Attribute): number | undefined {
    const value = unmarkDeep(this.evaluator.evaluate(attr.expr, this.scope))
    if (isUnknown(value)) return undefined
    const seconds = typeof value === 'string' ? parseRetuneInterval(value) : undefined
    if (seconds === undefined) {
      return this.error('Invalid lifecycle setting', `"retune_every" must be a duration such as "30s", "12h" or "7d" (units s, m, h, d); got ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)}.`, attr.expr.range, 'lifecycle.retune_every')
    }
    if (this.decl.body.attributes.some((a) => a.name === 'name')) {
      return this.error('Invalid lifecycle setting', 'A re-tuned resource starts a new job every generation, and a pinned "name" can belong to one job only.', attr.expr.range, 'lifecycle.retune_every', 'Use name_prefix instead of name: sageform adds a suffix per generation.')
    }
    return seconds
  }

  private keepGenerations(attr: Attribute): number | undefined {
    const value = unmarkDeep(this.evaluator.evaluate(attr.expr, this.scope))
    if (isUnknown(value)) return undefined
    const count = toNumberValue(value)
    if (count === undefined || !Number.isInteger(count) || count < 1) {
      return this.error('Invalid lifecycle setting', `"keep_generations" must be a whole number of at least 1 (the current generation counts); got ${count ?? typeName(value)}.`, attr.expr.range, 'lifecycle.keep_generations')
    }
    return count
  }

  /**
   * warm_start_from_previous lets the planner fill in the parents, so the manifest gives at most the warm start type
   * (`warm_start_config { warm_start_type = "TransferLearning" }`) and never parent jobs of its own.
   */
  private warmStartFromPrevious(attr: Attribute | undefined, request: ApiObject): Pick<JobResource, 'warmStartFromPrevious'> {
    if (!attr) return {}
    const value = unmarkDeep(this.evaluator.evaluate(attr.expr, this.scope))
    const enabled = isUnknown(value) ? undefined : toBoolValue(value)
    if (enabled === undefined) {
      this.error('Incorrect attribute value type', `"warm_start_from_previous" must be true or false, known before apply; got ${isUnknown(value) ? 'a value known only after apply' : typeName(value)}.`, attr.expr.range, 'warm_start_from_previous')
      return {}
    }
    if (jobFamily(this.decl.type) !== 'tuning') {
      this.error('Unsupported argument', 'Only hyperparameter tuning jobs can warm-start from earlier jobs.', attr.nameRange, 'warm_start_from_previous')
      return {}
    }
    if (!enabled) return {}
    const config = request.WarmStartConfig as ApiObject | undefined
    delete request.WarmStartConfig
    if (config?.ParentHyperParameterTuningJobs !== undefined) {
      this.error('Conflicting arguments', 'With warm_start_from_previous = true, sageform chooses the parent jobs (the previous generations, newest first); the manifest cannot name parents as well.', this.sources.get('WarmStartConfig.ParentHyperParameterTuningJobs')?.range ?? attr.nameRange, 'warm_start_config.parent_hyper_parameter_tuning_jobs', 'Remove the parent_hyper_parameter_tuning_jobs blocks, or warm_start_from_previous.')
    }
    const type = config?.WarmStartType ?? 'IdenticalDataAndAlgorithm'
    if (type instanceof Unknown || !WARM_START_TYPES.includes(type as string)) {
      if (!(type instanceof Unknown && type === POISON)) {
        this.error('Invalid value', `"warm_start_type" must be one of ${WARM_START_TYPES.join(', ')}, known before apply.`, this.sources.get('WarmStartConfig.WarmStartType')?.range ?? attr.expr.range, 'warm_start_config.warm_start_type', typeof type === 'string' ? suggestFrom(type, WARM_START_TYPES) : undefined)
      }
      return {}
    }
    return { warmStartFromPrevious: { type: type as WarmStartType } }
  }

  /** Resolves `a.b.c` / `a[0].b` (manifest spelling) against the request shape; reports the first unknown step. */
  private checkManifestPath(path: string[], range: SourceRange): string | undefined {
    const text = path.join('.')
    if (path[0] === 'tags' || path[0] === 'all') return path.length <= 2 && (path[0] === 'tags' || path.length === 1) ? text : this.error('Invalid ignore_changes path', `"${text}" goes deeper than ${path[0]} allows.`, range, 'lifecycle.ignore_changes')
    if (resourceArguments(this.kind).includes(path[0]!)) {
      return this.error('Invalid ignore_changes path', `"${path[0]}" cannot be ignored: the job name follows the spec, and tags are ignored with "tags".`, range, 'lifecycle.ignore_changes')
    }
    let shapeName: string = this.kind.requestShape
    let indexable = false
    for (const step of path) {
      if (/^\d+$/.test(step)) {
        if (!indexable) return this.error('Invalid ignore_changes path', `"${text}": only a repeated block or a list can be indexed, not the part before [${step}].`, range, 'lifecycle.ignore_changes')
        indexable = false
        continue
      }
      const s = shape(shapeName)
      if (s.type === 'map') return text
      if (s.type !== 'structure') return this.error('Invalid ignore_changes path', `"${text}" goes inside a value that has no attributes.`, range, 'lifecycle.ignore_changes')
      const member = spelledMembers(shapeName, this.kind.spelling).get(step)
      if (!member || MANAGED_MEMBERS.has(member)) {
        const suggestion = didYouMean(step, spelledMembers(shapeName, this.kind.spelling).keys())
        return this.error('Invalid ignore_changes path', `"${text}" does not name an argument of ${this.decl.type}: no "${step}" here.`, range, 'lifecycle.ignore_changes', suggestion ? `Did you mean "${suggestion}"?` : undefined)
      }
      const memberShape = structure(shapeName).members[member]!.shape
      const ms = shape(memberShape)
      indexable = ms.type === 'list'
      shapeName = ms.type === 'list' && !isScalar(shape(ms.member.shape)) ? ms.member.shape : memberShape
    }
    return text
  }

  private structure(body: Body, shapeName: string, apiPath: Array<string | number>, manifestPath: string, scope: Scope = this.scope): ApiObject {
    const members = spelledMembers(shapeName, this.kind.spelling)
    const out: ApiObject = {}
    const isTop = apiPath.length === 0
    const known = (name: string) => {
      const member = members.get(name)
      return member && !(isTop && MANAGED_MEMBERS.has(member)) ? member : undefined
    }
    const candidates = () => [...members.keys()].filter((m) => known(m)).concat(isTop ? resourceArguments(this.kind) : [])
    // Names from the other spelling are a likely mix-up when moving between sageform's blocks and the provider's.
    const unknownHint = (name: string) => {
      const other = spelledMembers(shapeName, this.kind.spelling === 'native' ? 'provider' : 'native').get(name)
      const suggestion = other && known(memberName(shapeName, other, this.kind.spelling)) ? memberName(shapeName, other, this.kind.spelling) : didYouMean(name, candidates())
      return suggestion ? `Did you mean "${suggestion}"?${other ? ` That is how ${this.decl.type} spells "${name}".` : ''}` : undefined
    }
    const where = (name: string) => (manifestPath ? `${manifestPath}.${name}` : name)
    const seen = new Map<string, SourceRange>()
    const duplicate = (name: string, range: SourceRange) => {
      const first = seen.get(name)
      if (first) {
        this.error(`Duplicate ${name}`, `"${name}" was already set at line ${first.start.line}; it can appear once here.`, range, where(name))
        return true
      }
      seen.set(name, range)
      return false
    }
    for (const attr of body.attributes) {
      const member = known(attr.name)
      if (!member) {
        this.incomplete.add(apiPathKey(apiPath))
        this.error('Unsupported argument', `An argument named "${attr.name}" is not expected ${manifestPath ? `in ${manifestPath}` : 'here'}.`, attr.nameRange, where(attr.name), unknownHint(attr.name))
        continue
      }
      const memberShape = structure(shapeName).members[member]!.shape
      if (memberKind(memberShape) !== 'attribute') {
        this.error('Unsupported argument', `"${attr.name}" is a block, not an argument.`, attr.nameRange, where(attr.name), `Write it as a block: ${attr.name} { ... }`)
        out[member] = POISON
        continue
      }
      if (duplicate(attr.name, attr.nameRange)) continue
      const path = [...apiPath, member]
      this.sources.set(apiPathKey(path), { range: attr.expr.range, manifestPath: where(attr.name) })
      const value = this.toApi(this.evaluator.evaluate(attr.expr, scope), memberShape, path, where(attr.name), attr.expr)
      if (value !== undefined) out[member] = value
    }
    const repeated = new Map<string, ApiObject[]>()
    const { blocks, unknown } = this.expandDynamic(body.blocks, scope, manifestPath)
    for (const { block, scope: blockScope } of blocks) {
      const member = known(block.type)
      if (!member) {
        this.incomplete.add(apiPathKey(apiPath))
        this.error('Unsupported block type', `Blocks of type "${block.type}" are not expected ${manifestPath ? `in ${manifestPath}` : 'here'}.`, block.typeRange, where(block.type), unknownHint(block.type))
        continue
      }
      const memberShape = structure(shapeName).members[member]!.shape
      const kind = memberKind(memberShape)
      if (kind === 'attribute') {
        this.error('Unsupported block type', `"${block.type}" is an argument, not a block.`, block.typeRange, where(block.type), `Write it as ${block.type} = ...`)
        out[member] = POISON
        continue
      }
      if (block.labels.length > 0) {
        this.error('Extraneous label', `A ${block.type} block takes no labels.`, block.labels[0]!.range, where(block.type))
        continue
      }
      if (kind === 'block') {
        if (duplicate(block.type, block.typeRange)) continue
        const path = [...apiPath, member]
        this.sources.set(apiPathKey(path), { range: block.headerRange, manifestPath: where(block.type) })
        out[member] = this.structure(block.body, memberShape, path, where(block.type), blockScope)
      } else {
        const list = repeated.get(member) ?? []
        repeated.set(member, list)
        const path = [...apiPath, member, list.length]
        const mp = `${where(block.type)}[${list.length}]`
        this.sources.set(apiPathKey(path), { range: block.headerRange, manifestPath: mp })
        if (list.length === 0) this.sources.set(apiPathKey([...apiPath, member]), { range: block.headerRange, manifestPath: where(block.type) })
        const s = shape(memberShape)
        list.push(this.structure(block.body, s.type === 'list' ? s.member.shape : memberShape, path, mp, blockScope))
      }
    }
    for (const [member, list] of repeated) out[member] = list
    // A dynamic block over a collection known only after apply makes the whole member unknown, as in Terraform.
    for (const [type, value] of unknown) {
      const member = known(type)
      if (member) out[member] = value
    }
    // Where "missing X" errors point: the block header, or for the resource itself its header.
    if (!this.sources.has(apiPathKey(apiPath))) this.sources.set(apiPathKey(apiPath), { range: this.decl.block.headerRange, manifestPath })
    return out
  }

  /**
   * `dynamic "type" { for_each, iterator, content {} }` → one `type` block per element, each evaluated with the
   * iterator (`type.key`, `type.value`, or the iterator's name) in scope. Static blocks keep their place.
   */
  private expandDynamic(blocks: Block[], scope: Scope, manifestPath: string): { blocks: Array<{ block: Block; scope: Scope }>; unknown: Map<string, Unknown> } {
    const out: Array<{ block: Block; scope: Scope }> = []
    const unknown = new Map<string, Unknown>()
    const where = (name: string) => (manifestPath ? `${manifestPath}.${name}` : name)
    for (const block of blocks) {
      if (block.type !== 'dynamic') {
        out.push({ block, scope })
        continue
      }
      if (block.labels.length !== 1) {
        this.error('Invalid dynamic block', `A dynamic block takes one label, the type of the blocks it generates; found ${block.labels.length}.`, block.headerRange, where('dynamic'), 'Write dynamic "input_data_config" { for_each = ..., content { ... } }.')
        continue
      }
      const type = block.labels[0]!.value
      const attrs = checkBodyShape(block.body, `a dynamic "${type}" block`, { attributes: ['for_each', 'iterator'], blocks: ['content'] }, this.diags, this.address)
      const contents = block.body.blocks.filter((b) => b.type === 'content')
      const forEach = attrs.get('for_each')
      if (!forEach) this.error('Missing required argument', 'The argument "for_each" is required, but no definition was found.', block.headerRange, where(type))
      if (contents.length !== 1) {
        this.error(contents.length === 0 ? 'Missing required block' : 'Duplicate content block', `A dynamic block needs exactly one nested block of type "content" to describe the body of each generated block; found ${contents.length}.`, contents[1]?.typeRange ?? block.headerRange, where(type))
      }
      const iteratorAttr = attrs.get('iterator')
      const iterator = iteratorAttr ? (iteratorAttr.expr.kind === 'variable' ? iteratorAttr.expr.name : undefined) : type
      if (iterator === undefined) this.error('Invalid dynamic iterator name', 'Dynamic iterator must be a single variable name.', iteratorAttr!.expr.range, where(type))
      const content = contents[0]
      if (!forEach || !content || iterator === undefined) continue
      // A dynamic block's elements keep their marks into the blocks they generate; a marked collection marks them all.
      const [given, marked] = unmark(this.evaluator.evaluate(forEach.expr, scope))
      const collection = marked ? markElements(given) : given
      if (collection === POISON) continue
      if (isUnknown(collection)) {
        unknown.set(type, collection)
        continue
      }
      let pairs: Array<[Value, Value]>
      if (Array.isArray(collection)) pairs = collection.map((v, i) => [i, v])
      else if (isObject(collection)) pairs = Object.keys(collection).sort().map((k) => [k, collection[k]!])
      else {
        const detail = collection === null ? 'Cannot use a null value in for_each.' : `Cannot use a ${typeName(collection)} value in for_each. An iterable collection is required.`
        this.error('Invalid dynamic for_each value', detail, forEach.expr.range, where(type))
        continue
      }
      for (const [key, value] of pairs) {
        const generated: Block = { type, labels: [], body: content.body, typeRange: block.labels[0]!.range, headerRange: content.headerRange, range: content.range }
        out.push({ block: generated, scope: { ...scope, roots: new Map([...scope.roots, [iterator, newObject([['key', key], ['value', value]])]]) } })
      }
    }
    return { blocks: out, unknown }
  }

  /**
   * An integer or long member's value, never rounded: a whole number a double cannot hold is an error where the member
   * is an int32 or outside int64; a long beyond ±2^53 travels as its decimal digits (the client sends them as a JSON
   * number). Fractions go on as doubles for the shape check to report.
   */
  private wholeNumber(value: Value, type: 'integer' | 'long', marked: boolean, range: SourceRange, manifestPath: string): ApiValue | undefined {
    const n = toNumeric(value)
    if (n === undefined) return undefined
    if (!isWhole(n)) return toDouble(n)
    const exact = toBigInt(n)
    const [min, max] = WIRE_RANGE[type]
    if (exact < min || exact > max) {
      const shown = marked ? '' : ` ${exact}`
      this.error(`Invalid value for ${manifestPath}`, `The value${shown} is outside the range of a ${WIRE_BITS[type]}-bit integer, which SageMaker takes here: from ${min} to ${max}.`, range, manifestPath)
      return POISON
    }
    return Number.isSafeInteger(toDouble(n)) && typeof n === 'number' ? n : exact.toString()
  }

  /** Converts an evaluated value to the member's API type with HCL's safe conversions (numbers to strings, ...). */
  private toApi(given: Value, shapeName: string, path: Array<string | number>, manifestPath: string, expr: Expr | undefined): ApiValue | undefined {
    // The request carries plain values; where the marks were is kept for whoever shows the request.
    const [value, marked] = unmark(given)
    if (marked) this.sensitivePaths.add(apiPathKey(path))
    if (value === null) return undefined
    if (isUnknown(value)) return value
    const range = expr?.range ?? this.sources.get(apiPathKey(path))?.range ?? this.decl.block.headerRange
    if (expr) this.sources.set(apiPathKey(path), { range, manifestPath })
    const s = shape(shapeName)
    // A value of the wrong type is still there: POISON keeps "missing required" checks from piling on.
    const mismatch = (wanted: string): ApiValue => {
      this.error('Incorrect attribute value type', `Inappropriate value for "${manifestPath}": ${wanted} is required, got ${typeName(value)}.`, range, manifestPath)
      return POISON
    }
    switch (s.type) {
      case 'list': {
        if (!Array.isArray(value)) return mismatch('a list')
        const items: ApiValue[] = []
        value.forEach((item, i) => {
          const converted = this.toApi(item, s.member.shape, [...path, i], `${manifestPath}[${i}]`, literalItem(expr, i))
          if (converted !== undefined) items.push(converted)
        })
        return items
      }
      case 'map': {
        if (!isObject(value)) return mismatch('a map')
        const out: ApiObject = {}
        for (const [k, v] of Object.entries(value)) {
          const converted = this.toApi(v, s.value.shape, [...path, k], `${manifestPath}.${k}`, literalItem(expr, k))
          if (converted !== undefined) out[k] = converted
        }
        return out
      }
      case 'string':
        return toStringValue(value) ?? mismatch('a string')
      case 'integer':
      case 'long':
        return this.wholeNumber(value, s.type, marked, range, manifestPath) ?? mismatch('a number')
      case 'float':
      case 'double':
        return toNumberValue(value) ?? mismatch('a number')
      case 'boolean':
        return toBoolValue(value) ?? mismatch('a bool')
      default:
        return mismatch(`a ${s.type}`)
    }
  }
}

/** The elements of a marked collection, each marked. */
function markElements(collection: Value): Value {
  if (Array.isArray(collection)) return collection.map((v) => markSensitive(v))
  if (isObject(collection)) return newObject(Object.keys(collection).map((k) => [k, markSensitive(collection[k]!)]))
  return collection
}
