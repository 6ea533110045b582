// Search over training jobs and tuning jobs. A property name is a dotted path into the resource as Search returns it
// (TrainingJobName, ResourceConfig.InstanceType, HyperParameters.eta, Tags.project); lists are searched element by
// element. Timestamps compare with an ISO 8601 Value, as the documentation asks ("YYYY-mm-dd'T'HH:MM:SS", UTC).
import { structure } from '../model/api.js'
import { validationError } from './errors.js'
import { pageRequest, paginate, type SortValue } from './listing.js'
import type { Context } from './store.js'
import { trainingSearchEntity } from './training.js'
import { tuningSearchEntity } from './tuning.js'
import type { Json, JsonObject } from './types.js'

interface Filter {
  Name: string
  Operator?: string
  Value?: string
}

interface Expression {
  Filters?: Filter[]
  NestedFilters?: Array<{ NestedPropertyName: string; Filters: Filter[] }>
  SubExpressions?: Expression[]
  Operator?: 'And' | 'Or'
}

const ENTITY_SHAPES: Record<string, string> = { TrainingJob: 'TrainingJob', HyperParameterTuningJob: 'HyperParameterTuningJobSearchEntity' }
/** "The maximum number of recursive SubExpressions, NestedFilters, and Filters that can be included in a SearchExpression object is 50." */
const MAX_EXPRESSION_ELEMENTS = 50

/** A job seen by Search: the cheap fields it is usually filtered and sorted on, and its full record on demand. */
interface Candidate {
  arn: string
  creationTime: number
  tags: JsonObject['Tags']
  full: () => JsonObject
}

export function search(ctx: Context, input: JsonObject): JsonObject {
  const resource = String(input.Resource)
  const entityShape = ENTITY_SHAPES[resource]
  const candidates: Candidate[] =
    resource === 'TrainingJob'
      ? [...ctx.store.trainingJobs.values()].map((job) => ({ arn: job.arn, creationTime: job.creationTime, tags: job.tags as unknown as Json, full: () => trainingSearchEntity(job, ctx.now) }))
      : resource === 'HyperParameterTuningJob'
        ? [...ctx.store.tuningJobs.values()].map((tj) => ({ arn: tj.arn, creationTime: tj.creationTime, tags: tj.tags as unknown as Json, full: () => tuningSearchEntity(ctx, tj) }))
        : []
  const expression = input.SearchExpression as Expression | undefined
  if (expression && entityShape) checkExpression(expression, entityShape)
  // Building a full record computes a job's whole simulated history; a store of thousands of jobs answering page after
  // page would spend most of its time there. Tag filters and CreationTime order need only the cheap fields, so full
  // records are built for the page's items alone whenever the request allows it.
  const entityOf = memoize((c: Candidate) => c.full())
  const tagsOnly = expression !== undefined && onlyTags(expression)
  const matching = expression ? candidates.filter((c) => evaluate(tagsOnly ? { Tags: c.tags } : entityOf(c), expression)) : candidates
  const sortBy = typeof input.SortBy === 'string' ? input.SortBy : 'LastModifiedTime'
  const page = paginate(
    matching,
    (c) => (sortBy === 'CreationTime' ? c.creationTime : (valuesAt(entityOf(c), sortBy)[0] as SortValue)),
    (c) => c.arn,
    { ...pageRequest(input, `Search:${resource}`), order: input.SortOrder ?? 'Descending' },
  )
  return {
    Results: page.items.map((c) => ({ [resource]: entityOf(c) })),
    NextToken: page.nextToken,
    TotalHits: { Value: matching.length, Relation: 'EqualTo' },
  }
}

function checkExpression(expression: Expression, entityShape: string): void {
  const filters: Filter[] = []
  let elements = 0
  const walk = (e: Expression) => {
    const parts = (e.Filters?.length ?? 0) + (e.NestedFilters?.length ?? 0) + (e.SubExpressions?.length ?? 0)
    if (parts === 0) throw validationError('A SearchExpression must contain at least one subexpression, filter, or nested filter.')
    elements += parts
    filters.push(...(e.Filters ?? []), ...(e.NestedFilters ?? []).flatMap((n) => n.Filters))
    for (const sub of e.SubExpressions ?? []) walk(sub)
  }
  walk(expression)
  if (elements > MAX_EXPRESSION_ELEMENTS) throw validationError(`A SearchExpression can contain at most ${MAX_EXPRESSION_ELEMENTS} filters, nested filters and subexpressions.`)
  if (filters.filter((f) => f.Operator === 'Contains').length > 1) throw validationError("'CONTAINS' operator usage limit of 1 exceeded.")
  const members = structure(entityShape).members
  for (const f of filters) {
    const root = f.Name.split('.')[0] as string
    if (!(root in members)) throw validationError(`${f.Name} is not a valid property name for ${entityShape === 'TrainingJob' ? 'TrainingJob' : 'HyperParameterTuningJob'}.`)
    const needsValue = f.Operator !== 'Exists' && f.Operator !== 'NotExists'
    if (needsValue && f.Value === undefined) throw validationError(`A Value is required for the ${f.Operator ?? 'Equals'} operator (property ${f.Name}).`)
  }
}

function evaluate(entity: JsonObject, e: Expression): boolean {
  const results = [
    ...(e.Filters ?? []).map((f) => matches(valuesAt(entity, f.Name), f)),
    ...(e.NestedFilters ?? []).map((n) =>
      valuesAt(entity, n.NestedPropertyName).some((element) =>
        n.Filters.every((f) => matches(valuesAt(element, relativeName(f.Name, n.NestedPropertyName)), f)),
      ),
    ),
    ...(e.SubExpressions ?? []).map((sub) => evaluate(entity, sub)),
  ]
  return e.Operator === 'Or' ? results.some(Boolean) : results.every(Boolean)
}

function relativeName(name: string, nested: string): string {
  return name.startsWith(`${nested}.`) ? name.slice(nested.length + 1) : name
}

/** Every value at a dotted path; lists contribute each element, Tags act as a map from key to value. */
function valuesAt(value: unknown, path: string): unknown[] {
  const walk = (v: unknown, segments: string[]): unknown[] => {
    if (v === undefined || v === null) return []
    if (Array.isArray(v)) return v.flatMap((item) => walk(item, segments))
    if (segments.length === 0) return [v]
    if (typeof v !== 'object') return []
    const [head, ...rest] = segments as [string, ...string[]]
    const record = v as Record<string, unknown>
    const next = head === 'Tags' && Array.isArray(record.Tags) ? Object.fromEntries((record.Tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value])) : record[head]
    return walk(next, rest)
  }
  return path === '' ? [value] : walk(value, path.split('.'))
}

function matches(values: unknown[], f: Filter): boolean {
  const operator = f.Operator ?? 'Equals'
  const value = f.Value ?? ''
  switch (operator) {
    case 'Exists':
      return values.length > 0
    case 'NotExists':
      return values.length === 0
    case 'Equals':
      return values.some((v) => equals(v, value))
    case 'NotEquals':
      return !values.some((v) => equals(v, value))
    case 'Contains':
      return values.some((v) => typeof v === 'string' && v.includes(value))
    case 'In': {
      const options = value.split(',').map((option) => option.trim())
      return values.some((v) => options.includes(String(v)))
    }
    default: {
      if (values.some((v) => typeof v !== 'number')) throw validationError(`The ${operator} operator is not supported for text properties (${f.Name}).`)
      const bound = numeric(value)
      return values.some((v) => compare(operator, v as number, bound))
    }
  }
}

function equals(v: unknown, value: string): boolean {
  if (typeof v === 'number') return v === numeric(value)
  return String(v) === value
}

/** Numbers as they are; timestamps in ISO 8601, read as UTC when they carry no zone. */
function numeric(value: string): number {
  const n = Number(value)
  if (value.trim() !== '' && Number.isFinite(n)) return n
  const time = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
  if (Number.isNaN(time)) throw validationError(`'${value}' is neither a number nor an ISO 8601 timestamp.`)
  return time / 1000
}

function compare(operator: string, v: number, bound: number): boolean {
  switch (operator) {
    case 'GreaterThan':
      return v > bound
    case 'GreaterThanOrEqualTo':
      return v >= bound
    case 'LessThan':
      return v < bound
    default:
      return v <= bound
  }
}

function onlyTags(e: Expression): boolean {
  return (e.Filters ?? []).every((f) => f.Name.startsWith('Tags.')) && (e.NestedFilters ?? []).length === 0 && (e.SubExpressions ?? []).every(onlyTags)
}

function memoize<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>()
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key))
    return cache.get(key)!
  }
}
