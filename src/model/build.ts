// Builds the typed model from a decoded configuration: evaluates locals, resources and outputs in dependency order,
// expanding count and for_each into instances. Each instance's body is decoded onto SageMaker's Create request by
// decode.ts; the policy block's settings are read by policy.ts.
import { Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import { subExpressions, type Body, type Expr } from '../config/ast.js'
import { exprAddress, formatAddress, instanceAddress, type InstanceKey, type ParsedAddress } from '../config/address.js'
import { Evaluator, POISON, type Scope } from '../config/eval.js'
import { dependencyOrder, type GraphNode } from '../config/graph.js'
import type { JobFamily, Module, ResourceDecl, ResourceType } from '../config/module.js'
import { jobFamily, RESOURCE_TYPES } from '../config/module.js'
import { Unknown, containsSensitive, findUnknown, isObject, isUnknown, unmark, unmarkDeep, newObject, toNumberValue, toStringValue, typeName, type ObjectValue, type Value } from '../config/value.js'
import { ResourceDecoder } from './decode.js'
import { policySettings } from './policy.js'
import { type ImportTarget, type Configuration, type JobResource, type OutputValue } from './types.js'
import { type JobKind } from './kinds.js'

/** Attributes a resource exposes to references, such as `sagemaker_training_job.a.arn`. */
const RESOURCE_ATTRIBUTES = ['name', 'arn', 'status', 'failure_reason'] as const

/**
 * Attributes only one type of resource exposes, after RESOURCE_ATTRIBUTES: a tuning job's `best_training_job`
 * (`{name, hyperparameters, objective, model_artifacts}`, unknown until the tuning job has ended with a best job).
 */
const TYPE_ATTRIBUTES: Record<JobFamily, readonly string[]> = {
  training: [],
  tuning: ['best_training_job'],
}

function resourceAttributeNames(type: ResourceType): string[] {
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
      const resource = new ResourceDecoder(decl, address, instance.key, new Evaluator(once, address), instanceScope, diags, module.resources).decode()
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

/** A for_each map whose values alone are marked keeps them (each.value stays marked); marked keys or a marked set do not. */
function isSensitiveKeys(value: Value): boolean {
  const [plain, marked] = unmark(value)
  if (marked || Array.isArray(plain)) return true
  return !isObject(plain)
}
