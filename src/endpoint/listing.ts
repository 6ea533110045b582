// Sorting, filtering and pagination shared by the List calls, ListTags and Search.
// NextToken is opaque to clients: it names the operation and the sort key of the last item returned, so the next page
// starts after that item even when jobs were created in between (a tuning job launching children, for instance).
import { validationError } from './errors.js'
import { toEpochSeconds } from './model.js'
import type { JsonObject } from './types.js'

export type SortValue = string | number | undefined

export interface PageRequest {
  /** Names the operation, so a token from another call is refused. */
  scope: string
  order?: unknown
  maxResults?: unknown
  defaultMaxResults: number
  nextToken?: unknown
}

/** The paging members every List call and Search share. */
export function pageRequest(input: JsonObject, scope: string, defaultMaxResults = 10): PageRequest {
  return { scope, order: input.SortOrder, maxResults: input.MaxResults, defaultMaxResults, nextToken: input.NextToken }
}

export function paginate<T>(items: T[], sortKey: (item: T) => SortValue, tieKey: (item: T) => string, page: PageRequest): { items: T[]; nextToken?: string } {
  const sign = page.order === 'Descending' ? -1 : 1
  const keyed = items.map((item) => ({ item, key: [sortKey(item), tieKey(item)] as const }))
  keyed.sort((a, b) => sign * compareKeys(a.key, b.key))
  let start = 0
  if (page.nextToken !== undefined && page.nextToken !== null && page.nextToken !== '') {
    const after = decodeToken(String(page.nextToken), page.scope)
    start = keyed.findIndex((entry) => sign * compareKeys(entry.key, after) > 0)
    if (start < 0) start = keyed.length
  }
  const size = typeof page.maxResults === 'number' ? page.maxResults : page.defaultMaxResults
  const slice = keyed.slice(start, start + size)
  const last = slice.at(-1)
  const more = start + size < keyed.length && last !== undefined
  return { items: slice.map((entry) => entry.item), ...(more ? { nextToken: encodeToken(page.scope, last.key) } : {}) }
}

function compareKeys(a: readonly [SortValue, string], b: readonly [SortValue, string]): number {
  return compareValues(a[0], b[0]) || compareValues(a[1], b[1])
}

/** Missing values sort after present ones in either order, as jobs without a metric do. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : 1
}

function encodeToken(scope: string, key: readonly [SortValue, string]): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key })).toString('base64url')
}

function decodeToken(token: string, scope: string): readonly [SortValue, string] {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown }
    if (decoded.s === scope && Array.isArray(decoded.k) && decoded.k.length === 2 && typeof decoded.k[1] === 'string') {
      return [decoded.k[0] === null ? undefined : (decoded.k[0] as SortValue), decoded.k[1]]
    }
  } catch {
    // Falls through to the error below: the token was not one of ours.
  }
  throw validationError('Invalid pagination token.')
}

/** The filters ListTrainingJobs and ListHyperParameterTuningJobs share. */
export function matchesListFilters(input: JsonObject, job: { name: string; status: string; creationTime: number; lastModifiedTime: number }): boolean {
  const within = (time: number, after: unknown, before: unknown) => {
    const a = toEpochSeconds(after)
    const b = toEpochSeconds(before)
    return (a === undefined || time > a) && (b === undefined || time < b)
  }
  const nameContains = typeof input.NameContains === 'string' ? input.NameContains.toLowerCase() : ''
  return (
    job.name.toLowerCase().includes(nameContains) &&
    (input.StatusEquals === undefined || input.StatusEquals === job.status) &&
    within(job.creationTime, input.CreationTimeAfter, input.CreationTimeBefore) &&
    within(job.lastModifiedTime, input.LastModifiedTimeAfter, input.LastModifiedTimeBefore)
  )
}
