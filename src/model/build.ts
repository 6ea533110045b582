// Builds the typed model from a decoded configuration: evaluates locals, resources and outputs in dependency order
// and maps each resource body onto SageMaker's Create request, member by member, from the API model. A structure is
// a block, a list of structures a repeated block, a map or a list of scalars an attribute.
import { didYouMean, Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import { subExpressions, traversalPath, type Attribute, type Block, type Body, type Expr } from '../config/ast.js'
import { exprAddress, formatAddress, instanceAddress, type InstanceKey, type ParsedAddress } from '../config/address.js'
import { Evaluator, POISON, type Scope } from '../config/eval.js'
import { dependencyOrder, type GraphNode } from '../config/graph.js'
import type { JobFamily, Module, ResourceDecl, ResourceType } from '../config/module.js'
import { checkBodyShape, jobFamily, RESOURCE_TYPES } from '../config/module.js'
import { Unknown, containsSensitive, findUnknown, isObject, isUnknown, markSensitive, unmark, unmarkDeep, newObject, toBoolValue, toNumberValue, toStringValue, typeName, type ObjectValue, type Value } from '../config/value.js'
import { sumOfUnits } from '../util/duration.js'
import { isScalar, shape, structure, type StringShape } from './api.js'
import { memberName, spelledMembers, type Spelling } from './terraform.js'
import { apiPathKey, type ImportTarget, type ApiObject, type ApiValue, type Configuration, type JobName, type JobResource, type OutputValue, type PolicySettings, type SourceEntry, type WarmStartType } from './types.js'
import { JOB_KINDS, type JobKind } from './kinds.js'

/** Attributes a resource exposes to references, such as `sagemaker_training_job.a.arn`. */
export const RESOURCE_ATTRIBUTES = ['name', 'arn', 'status', 'failure_reason'] as const

/**
 * Attributes only one type of resource exposes, after RESOURCE_ATTRIBUTES: a tuning job's `best_training_job`
 * (`{name, hyperparameters, objective, model_artifacts}`, unknown until the tuning job has ended with a best job).
 */
export const TYPE_ATTRIBUTES: Record<JobFamily, readonly string[]> = {
  training: [],
  tuning: ['best_training_job'],
}

export function resourceAttributeNames(type: ResourceType): string[] {
  return [...RESOURCE_ATTRIBUTES, ...TYPE_ATTRIBUTES[jobFamily(type)]]
}

/** A provider resource exposes the job name under its name argument (`training_job_name`), as Terraform does. */
function spellAttributes(kind: JobKind, attributes: ObjectValue): ObjectValue {
  if (kind.nameArgument === 'name') return attributes
  return newObject(Object.entries(attributes).map(([k, v]) => [k === 'name' ? kind.nameArgument : k, v]))
}

export interface BuildOptions {
  module: Module
  variables: ObjectValue
  /**
   * Values of a resource's attributes for references. Validation knows only pinned names; the planner supplies names
   * and ARNs it knows from state.
   */
  resourceAttributes?: (resource: JobResource, refactoring: Refactoring) => ObjectValue
}

/** What the configuration says about moved records, for reading the state at the addresses the records move to. */
export type Refactoring = Pick<Configuration, 'moved' | 'declared'>

export function validationAttributes(resource: JobResource): ObjectValue {
  return newObject(
    resourceAttributeNames(resource.kind.type).map((attr) => [attr, attr === 'name' && resource.name.kind === 'exact' ? resource.name.value : new Unknown(`${resource.address}.${attr}`)]),
  )
}

export function buildConfiguration(options: BuildOptions): { config: Configuration; diagnostics: Diagnostic[] } {
  const { module } = options
  const diags = new Diagnostics()
  const resourceAttributes = options.resourceAttributes ?? validationAttributes
  const locals = newObject()
  const roots = new Map<string, ObjectValue>([
    ['var', options.variables],
    ['local', locals],
    ['path', newObject([['module', module.dir], ['cwd', process.cwd()]])],
    ...RESOURCE_TYPES.map((t) => [t, newObject()] as [string, ObjectValue]),
  ])
  const describeRoot = (root: string) => (root === 'var' ? 'input variable' : root === 'local' ? 'local value' : (RESOURCE_TYPES as readonly string[]).includes(root) ? 'resource' : undefined)
  // Every manifest of a configuration lives in module.dir, so file() resolves against it.
  const scope: Scope = { roots, baseDir: module.dir, readFile: module.readFile, describeRoot, skipped: module.skipped }

  const nodes: GraphNode[] = [
    ...[...module.locals].map(([name, { attribute }]) => ({ address: `local.${name}`, exprs: [attribute.expr], range: attribute.nameRange })),
    ...[...module.resources.values()].map((r) => ({ address: r.address, exprs: resourceExprs(r), range: r.block.headerRange })),
  ]
  // Every declared name has a value before evaluation starts, so a self-reference or a cycle (reported by the graph)
  // evaluates to POISON instead of cascading into "undeclared" errors.
  for (const decl of module.resources.values()) roots.get(decl.type)![decl.label] = POISON as unknown as ObjectValue
  for (const name of module.locals.keys()) locals[name] = POISON
  const resources: JobResource[] = []
  /** The instance addresses of every resource evaluated so far, for dependency edges between instances. */
  const instancesOf = new Map<string, string[]>()
  const refactoring: Refactoring = {
    moved: module.moved.map((m) => ({ from: formatAddress(m.from), to: formatAddress(m.to), range: m.range })),
    declared: new Map([...module.resources.values()].map((r) => [r.address, r.count ? 'count' : r.forEach ? 'for_each' : 'single'])),
  }
  for (const node of dependencyOrder(nodes, diags)) {
    if (node.address.startsWith('local.')) {
      const name = node.address.slice('local.'.length)
      const { attribute } = module.locals.get(name)!
      locals[name] = new Evaluator((d) => diags.add(d), node.address).evaluate(attribute.expr, scope)
      continue
    }
    const decl = module.resources.get(node.address)!
    const instances = expandResource(decl, new Evaluator((d) => diags.add(d), decl.address), scope, diags)
    // Every instance evaluates the same body: a mistake in it is reported once, for the first instance.
    const reported = new Set<string>()
    const once = (d: Diagnostic) => {
      const key = `${d.summary}\0${d.detail}\0${d.range?.file}:${d.range?.start.byte}`
      if (!reported.has(key)) diags.add(d)
      reported.add(key)
    }
    const values: Array<[InstanceKey | undefined, ObjectValue]> = []
    for (const instance of instances ?? []) {
      const address = instanceAddress(decl.address, instance.key)
      const instanceScope: Scope = instance.repetition ? { ...scope, roots: new Map([...scope.roots, instance.repetition]) } : scope
      const resource = new ResourceDecoder(decl, address, instance.key, new Evaluator(once, address), instanceScope, diags, new Set(module.resources.keys())).decode()
      resource.dependsOn = instanceDependencies(decl, node, resource.dependsOn, instanceScope, instancesOf)
      resources.push(resource)
      values.push([instance.key, spellAttributes(resource.kind, resourceAttributes(resource, refactoring))])
    }
    instancesOf.set(decl.address, (instances ?? []).map((i) => instanceAddress(decl.address, i.key)))
    // References see what Terraform's do: a list of instances for count, a map by key for for_each.
    roots.get(decl.type)![decl.label] = !instances ? POISON : decl.count ? values.map(([, v]) => v) : decl.forEach ? newObject(values.map(([k, v]) => [String(k), v])) : values[0]![1]
  }
  checkDistinctNames(resources, diags)

  const outputs = new Map<string, OutputValue>()
  for (const output of module.outputs.values()) {
    const evaluator = new Evaluator((d) => diags.add(d), `output.${output.name}`)
    const value = output.value ? evaluator.evaluate(output.value, scope) : null
    if (!output.sensitive && containsSensitive(value)) {
      // Terraform's wording, with its name changed: an output is how values leave, so exporting a secret is explicit.
      diags.error('Output refers to sensitive values', {
        detail:
          'To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, sageform requires that any output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true',
        range: output.range,
        address: `output.${output.name}`,
      })
    }
    outputs.set(output.name, {
      value: unmarkDeep(value),
      sensitive: output.sensitive,
      description: output.description,
    })
  }
  const config: Configuration = {
    dir: module.dir,
    provider: providerSettings(module, roots, diags),
    ...(module.policy ? { policy: policySettings(module, roots, diags) } : {}),
    resources,
    outputs,
    ...refactoring,
    imports: importTargets(module, scope, resources, diags),
    variables: options.variables,
    sensitiveVariables: new Set([...module.variables.values()].filter((v) => v.sensitive).map((v) => v.name)),
  }
  return { config, diagnostics: diags.items }
}

/** Instances beyond this are surely a mistake (SageMaker's quotas allow far fewer jobs), not a configuration to expand. */
const MAX_INSTANCES = 10_000

interface Instance {
  key?: InstanceKey
  /** `count` → `{index}` or `each` → `{key, value}`, the root an instance's expressions read. */
  repetition?: [string, ObjectValue]
}

/**
 * The instances of a resource, by Terraform's rules: one without count or for_each; count.index 0..n-1; one per map
 * key or set element for for_each (a list of strings is read as a set). The collection must be known at plan time;
 * undefined when it is not, or is invalid (the error is reported).
 */
function expandResource(decl: ResourceDecl, evaluator: Evaluator, scope: Scope, diags: Diagnostics): Instance[] | undefined {
  const report = (summary: string, detail: string, range: SourceRange, hint?: string) => {
    diags.error(summary, { detail, range, address: decl.address, hint })
    return undefined
  }
  const unknownHint = 'sageform has no -target: pass the value as a variable (-var or --var-file), or derive it from values known before apply.'
  if (decl.count) {
    const range = decl.count.expr.range
    // An instance count reveals little, and Terraform accepts a sensitive one; the number itself is plain.
    const value = unmarkDeep(evaluator.evaluate(decl.count.expr, scope))
    if (value === POISON) return undefined
    if (findUnknown(value)) {
      return report('Invalid count argument', 'The "count" value depends on resource attributes that cannot be determined until apply, so sageform cannot predict how many instances will be created.', range, unknownHint)
    }
    if (value === null) return report('Invalid count argument', 'The given "count" argument value is null. An integer is required.', range)
    const n = toNumberValue(value)
    if (n === undefined) return report('Invalid count argument', `The given "count" argument value is unsuitable: number required, got ${typeName(value)}.`, range)
    if (!Number.isInteger(n)) return report('Invalid count argument', `The given "count" argument value is unsuitable: value must be a whole number, got ${n}.`, range)
    if (n < 0) return report('Invalid count argument', 'The given "count" argument value is unsuitable: must be greater than or equal to zero.', range)
    if (n > MAX_INSTANCES) return report('Invalid count argument', `The given "count" argument value is unsuitable: sageform expands at most ${MAX_INSTANCES} instances of one resource, got ${n}.`, range)
    return Array.from({ length: n }, (_, index) => ({ key: index, repetition: ['count', newObject([['index', index]])] }))
  }
  if (!decl.forEach) return [{}]
  const range = decl.forEach.expr.range
  const marked = evaluator.evaluate(decl.forEach.expr, scope)
  if (marked === POISON) return undefined
  // Keys become instance addresses, printed by every command: Terraform refuses marked ones, in these words.
  if (containsSensitive(marked) && isSensitiveKeys(marked)) {
    return report('Invalid for_each argument', 'Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.', range)
  }
  const value = marked
  const unsuitable = (detail: string) => report('Invalid for_each argument', `The given "for_each" argument value is unsuitable: ${detail}`, range)
  if (isUnknown(value)) {
    return report('Invalid for_each argument', 'The "for_each" map includes keys derived from resource attributes that cannot be determined until apply, and so sageform cannot determine the full set of keys that will identify the instances of this resource.', range, 'Define the map keys statically in the configuration and place apply-time results only in the map values.')
  }
  if (value === null) return unsuitable('the given "for_each" argument value is null. A map, or set of strings is allowed.')
  let entries: Array<[string, Value]>
  if (isObject(value)) entries = Object.keys(value).sort().map((k) => [k, value[k]!])
  else if (Array.isArray(value)) {
    if (value.some((v) => findUnknown(v))) {
      return report('Invalid for_each argument', 'The "for_each" set includes values derived from resource attributes that cannot be determined until apply, and so sageform cannot determine the full set of keys that will identify the instances of this resource.', range, 'Use a map whose keys are written in the configuration, with apply-time results only in its values.')
    }
    if (value.some((v) => v === null)) return unsuitable('"for_each" sets must not contain null values.')
    const other = value.find((v) => typeof v !== 'string')
    if (other !== undefined) return unsuitable(`"for_each" supports maps and sets of strings, but you have provided a set containing type ${typeName(other)}.`)
    entries = [...new Set(value as string[])].sort().map((k) => [k, k])
  } else return unsuitable(`the "for_each" argument must be a map, or set of strings, and you have provided a value of type ${typeName(value)}.`)
  if (entries.length > MAX_INSTANCES) return unsuitable(`sageform expands at most ${MAX_INSTANCES} instances of one resource, got ${entries.length}.`)
  return entries.map(([key, v]) => ({ key, repetition: ['each', newObject([['key', key], ['value', v]])] }))
}

/**
 * The instances this instance depends on: a reference with a key (`a[0]`, `a["x"]`, `a[count.index]`, `a[each.key]`)
 * is an edge to that instance alone; any other reference (`a`, `a[*]`, `values(a)`) to every instance of `a`.
 */
function instanceDependencies(decl: ResourceDecl, node: GraphNode, explicit: string[], scope: Scope, instancesOf: ReadonlyMap<string, string[]>): string[] {
  const out = new Set<string>()
  const every = (base: string) => instancesOf.get(base)?.forEach((a) => out.add(a))
  const silent = new Evaluator(() => undefined)
  const keyOf = (expr: Expr): InstanceKey | undefined => {
    const v = unmarkDeep(silent.evaluate(expr, scope))
    return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? v : undefined
  }
  const visit = (e: Expr, parent: Expr | undefined): void => {
    if (e.kind === 'getattr' && e.target.kind === 'variable' && (RESOURCE_TYPES as readonly string[]).includes(e.target.name)) {
      const base = `${e.target.name}.${e.name}`
      if (base !== decl.address && instancesOf.has(base)) {
        const key = parent?.kind === 'index' && parent.target === e ? keyOf(parent.key) : undefined
        const address = key === undefined ? undefined : instanceAddress(base, key)
        if (address && instancesOf.get(base)!.includes(address)) out.add(address)
        else every(base)
      }
    }
    for (const child of subExpressions(e)) visit(child, e)
  }
  for (const expr of node.exprs) visit(expr, undefined)
  for (const address of explicit) if (instancesOf.has(address)) every(address)
  return [...out]
}

/**
 * import blocks, one target per for_each element (each.key and each.value in scope for `to` and `id`). The target must
 * be a declared instance and the id a job name known at plan time, as Terraform requires.
 */
function importTargets(module: Module, scope: Scope, resources: readonly JobResource[], diags: Diagnostics): ImportTarget[] {
  const declared = new Set(resources.map((r) => r.address))
  const out: ImportTarget[] = []
  const seen = new Map<string, SourceRange>()
  for (const decl of module.imports) {
    const evaluator = new Evaluator((d) => diags.add(d))
    let repetitions: Array<ObjectValue | undefined> = [undefined]
    if (decl.forEach) {
      const collection = unmarkDeep(evaluator.evaluate(decl.forEach.expr, scope))
      if (collection === POISON) continue
      if (findUnknown(collection)) {
        diags.error('Invalid for_each argument', { detail: 'The "for_each" expression includes values derived from other resource attributes that cannot be determined until apply, and so sageform cannot determine the full set of values that might be used to import this resource.', range: decl.forEach.expr.range })
        continue
      }
      if (Array.isArray(collection)) repetitions = collection.map((v, i) => newObject([['key', i], ['value', v]]))
      else if (isObject(collection)) repetitions = Object.keys(collection).sort().map((k) => newObject([['key', k], ['value', collection[k]!]]))
      else {
        diags.error('Invalid for_each argument', { detail: `The given "for_each" argument value is unsuitable: a map, set or list is required, got ${typeName(collection)}.`, range: decl.forEach.expr.range })
        continue
      }
    }
    for (const each of repetitions) {
      const inner: Scope = each ? { ...scope, roots: new Map([...scope.roots, ['each', each]]) } : scope
      const address = importAddress(decl.to, inner, evaluator, diags)
      if (!address) continue
      if (!declared.has(address)) {
        diags.error('Configuration for import target does not exist', { detail: `The configuration for the given import target ${address} does not exist. All target instances must have an associated configuration to be imported.`, range: decl.to.range, address })
        continue
      }
      const id = unmarkDeep(evaluator.evaluate(decl.id, inner))
      if (id === POISON) continue
      if (findUnknown(id)) {
        diags.error('Invalid import id argument', { detail: 'The import block "id" argument depends on resource attributes that cannot be determined until apply, so sageform cannot plan to import this resource.', range: decl.id.range, address })
        continue
      }
      if (typeof id !== 'string' || id === '') {
        diags.error('Invalid import id argument', { detail: id === null || id === '' ? 'The import ID cannot be null or empty: it is the name of the job to adopt.' : `The import ID must be a job name (a string); got ${typeName(id)}.`, range: decl.id.range, address })
        continue
      }
      const first = seen.get(address)
      if (first) {
        diags.error('Duplicate import configuration', { detail: `An import block for the resource ${address} was already declared at ${first.file}:${first.start.line}. A resource can have only one import block.`, range: decl.to.range, address })
        continue
      }
      seen.set(address, decl.to.range)
      out.push({ address, id, range: decl.range })
    }
  }
  return out
}

/** `to` is a static address, except that with for_each its key may be an expression (`a[each.key]`). */
function importAddress(to: Expr, scope: Scope, evaluator: Evaluator, diags: Diagnostics): string | undefined {
  const invalid = () => {
    diags.error('Invalid import address', { detail: 'The "to" of an import block must be a resource instance address, like sagemaker_training_job.a or sagemaker_training_job.a["key"].', range: to.range })
    return undefined
  }
  const isJob = (a: ParsedAddress | undefined): a is ParsedAddress => a !== undefined && (RESOURCE_TYPES as readonly string[]).includes(a.type)
  const fixed = exprAddress(to)
  if (fixed) return isJob(fixed) ? formatAddress(fixed) : invalid()
  const target = to.kind === 'index' ? exprAddress(to.target) : undefined
  if (to.kind !== 'index' || !isJob(target) || target.key !== undefined) return invalid()
  const key = unmarkDeep(evaluator.evaluate(to.key, scope))
  if (key === POISON) return undefined
  if (typeof key !== 'string' && !(typeof key === 'number' && Number.isInteger(key) && key >= 0)) return invalid()
  return formatAddress({ ...target, key })
}

/** Two jobs cannot share a name: a pinned name repeated (say, by every instance of a count) is an error at the second. */
function checkDistinctNames(resources: readonly JobResource[], diags: Diagnostics): void {
  const seen = new Map<string, JobResource>()
  for (const resource of resources) {
    if (resource.name.kind !== 'exact' || typeof resource.name.value !== 'string') continue
    const key = `${resource.kind.family}:${resource.name.value.toLowerCase()}`
    const first = seen.get(key)
    if (!first) {
      seen.set(key, resource)
      continue
    }
    diags.error('Duplicate job name', {
      detail: `${resource.address} and ${first.address} both name their ${resource.kind.noun} "${resource.name.value}"; SageMaker job names are unique per account and region.`,
      range: resource.name.range,
      address: resource.address,
      hint: resource.instanceKey !== undefined ? `Make the name differ per instance, e.g. with ${typeof resource.instanceKey === 'number' ? 'count.index' : 'each.key'}, or use name_prefix.` : 'Give one of them another name.',
    })
  }
}

function resourceExprs(decl: ResourceDecl): Expr[] {
  const out: Expr[] = [...(decl.count ? [decl.count.expr] : []), ...(decl.forEach ? [decl.forEach.expr] : [])]
  const walk = (body: Body) => {
    for (const a of body.attributes) out.push(a.expr)
    for (const b of body.blocks) walk(b.body)
  }
  walk(decl.body)
  if (decl.dependsOn) out.push(decl.dependsOn.expr)
  return out
}

function providerSettings(module: Module, roots: Map<string, ObjectValue>, diags: Diagnostics): Configuration['provider'] {
  const settings: Configuration['provider'] = {}
  if (!module.provider) return settings
  const evaluator = new Evaluator((d) => diags.add(d), 'provider.sagemaker')
  const scope: Scope = { roots: new Map([['var', roots.get('var')!]]), baseDir: module.dir, readFile: module.readFile }
  for (const key of ['region', 'profile', 'endpoint'] as const) {
    const attr = module.provider.attributes.get(key)
    if (!attr) continue
    const value = unmarkDeep(evaluator.evaluate(attr.expr, scope))
    if (isUnknown(value) || value === null) continue
    const text = toStringValue(value)
    if (text === undefined) diags.error('Invalid provider setting', { detail: `"${key}" must be a string; got ${typeName(value)}.`, range: attr.expr.range, address: 'provider.sagemaker' })
    else settings[key] = text
  }
  return settings
}

/** The instance types SageMaker accepts for training (and so for a policy's allowed_instance_types). */
export function trainingInstanceTypes(): string[] {
  const s = shape('TrainingInstanceType')
  return s.type === 'string' ? (s.enum ?? []) : []
}

/** The policy block's limits, evaluated like the provider's settings (variables only). */
function policySettings(module: Module, roots: Map<string, ObjectValue>, diags: Diagnostics): PolicySettings {
  const policy = module.policy!
  const settings: PolicySettings = { range: policy.block.typeRange, ranges: {} }
  for (const [name, attr] of policy.attributes) settings.ranges![name as keyof NonNullable<PolicySettings['ranges']>] = attr.expr.range
  const evaluator = new Evaluator((d) => diags.add(d), 'policy')
  const scope: Scope = { roots: new Map([['var', roots.get('var')!]]), baseDir: module.dir, readFile: module.readFile }
  const invalid = (attr: Attribute, detail: string, range = attr.expr.range, hint?: string) =>
    diags.error('Invalid policy setting', { detail, range, address: 'policy', attribute: attr.name, hint })
  for (const key of ['max_instance_hours', 'max_cost_usd'] as const) {
    const attr = policy.attributes.get(key)
    if (!attr) continue
    const value = unmarkDeep(evaluator.evaluate(attr.expr, scope))
    if (isUnknown(value) || value === null) continue
    const n = toNumberValue(value)
    if (n === undefined) invalid(attr, `"${key}" must be a number; got ${typeName(value)}.`)
    else if (!(n > 0) || !Number.isFinite(n)) invalid(attr, `"${key}" must be a number greater than 0; got ${n}.`)
    else settings[key] = n
  }
  const attr = policy.attributes.get('allowed_instance_types')
  if (attr) {
    const value = unmarkDeep(evaluator.evaluate(attr.expr, scope))
    if (isUnknown(value) || value === null) return settings
    if (!Array.isArray(value)) {
      invalid(attr, `"allowed_instance_types" must be a list of instance types, like ["ml.m5.xlarge"]; got ${typeName(value)}.`)
      return settings
    }
    const known = trainingInstanceTypes()
    const allowed: string[] = []
    value.forEach((item, i) => {
      const range = literalItem(attr.expr, i)?.range ?? attr.expr.range
      const text = isUnknown(item) ? undefined : toStringValue(item)
      if (text === undefined) invalid(attr, `allowed_instance_types[${i}] must be a string; got ${typeName(item)}.`, range)
      else if (!known.includes(text)) {
        const suggestion = didYouMean(text, known)
        invalid(attr, `"${text}" is not one of the ${known.length} instance types SageMaker accepts for training.`, range, suggestion ? `Did you mean "${suggestion}"?` : `For example: ${known.slice(0, 5).join(', ')}.`)
      } else allowed.push(text)
    })
    // With a mistake in the list, checking resources against it would only repeat that mistake.
    if (allowed.length === value.length) settings.allowed_instance_types = allowed
  }
  return settings
}

type MemberKind = 'block' | 'blocks' | 'attribute'

function memberKind(shapeName: string): MemberKind {
  const s = shape(shapeName)
  if (s.type === 'structure') return 'block'
  if (s.type === 'list' && shape(s.member.shape).type === 'structure') return 'blocks'
  return 'attribute'
}

/** Manifest name → API member name for a structure shape. */
export function manifestMembers(shapeName: string, spelling: Spelling = 'native'): Map<string, string> {
  return spelledMembers(shapeName, spelling)
}

const WARM_START_CONFIG = structure('HyperParameterTuningJobWarmStartConfig')
const WARM_START_TYPES: readonly string[] = (shape(WARM_START_CONFIG.members.WarmStartType!.shape) as StringShape).enum ?? []
/** The API's limit on warm-start parents (ParentHyperParameterTuningJobs max). */
export const MAX_WARM_START_PARENTS: number = shape(WARM_START_CONFIG.members.ParentHyperParameterTuningJobs!.shape).max ?? 5

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

class ResourceDecoder {
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
    private readonly knownResources: ReadonlySet<string>,
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
    const value = unmarkDeep(this.evaluator.evaluate(attr.expr, this.scope))
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
        this.sources.set(apiPathKey(['TagKeys', key]), { range: literalKey(attr.expr, key)?.range ?? range, manifestPath: `tags.${key}` })
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
        const suggestion = didYouMean(target.name, [...this.knownResources].filter((a) => a.startsWith(`${target.type}.`)).map((a) => a.slice(target.type.length + 1)))
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
        this.error('Invalid value', `"warm_start_type" must be one of ${WARM_START_TYPES.join(', ')}, known before apply.`, this.sources.get('WarmStartConfig.WarmStartType')?.range ?? attr.expr.range, 'warm_start_config.warm_start_type')
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
      const member = manifestMembers(shapeName, this.kind.spelling).get(step)
      if (!member || MANAGED_MEMBERS.has(member)) {
        const suggestion = didYouMean(step, manifestMembers(shapeName, this.kind.spelling).keys())
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
    const members = manifestMembers(shapeName, this.kind.spelling)
    const out: ApiObject = {}
    const isTop = apiPath.length === 0
    const known = (name: string) => {
      const member = members.get(name)
      return member && !(isTop && MANAGED_MEMBERS.has(member)) ? member : undefined
    }
    const candidates = () => [...members.keys()].filter((m) => known(m)).concat(isTop ? resourceArguments(this.kind) : [])
    // Names from the other spelling are a likely mix-up when moving between sageform's blocks and the provider's.
    const unknownHint = (name: string) => {
      const other = manifestMembers(shapeName, this.kind.spelling === 'native' ? 'provider' : 'native').get(name)
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

/** The sub-expression of a literal list item or object entry, so a diagnostic can point at the exact value. */
function literalItem(expr: Expr | undefined, key: string | number): Expr | undefined {
  if (!expr) return undefined
  if (expr.kind === 'paren') return literalItem(expr.inner, key)
  if (typeof key === 'number') return expr.kind === 'tuple' ? expr.items[key] : undefined
  if (expr.kind !== 'object') return undefined
  return expr.items.find((i) => i.key.kind === 'literal' && String(i.key.value) === key)?.value
}

function literalKey(expr: Expr, key: string): Expr | undefined {
  if (expr.kind === 'paren') return literalKey(expr.inner, key)
  return expr.kind === 'object' ? expr.items.find((i) => i.key.kind === 'literal' && String(i.key.value) === key)?.key : undefined
}

/** A for_each map whose values alone are marked keeps them (each.value stays marked); marked keys or a marked set do not. */
function isSensitiveKeys(value: Value): boolean {
  const [plain, marked] = unmark(value)
  if (marked || Array.isArray(plain)) return true
  return !isObject(plain)
}

/** The elements of a marked collection, each marked. */
function markElements(collection: Value): Value {
  if (Array.isArray(collection)) return collection.map((v) => markSensitive(v))
  if (isObject(collection)) return newObject(Object.keys(collection).map((k) => [k, markSensitive(collection[k]!)]))
  return collection
}
