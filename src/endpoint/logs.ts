// The CloudWatch Logs API for the simulated jobs' logs: JSON 1.1 with `X-Amz-Target: Logs_20140328.<Operation>`, the
// target prefix the AWS SDK and the AWS CLI send. DescribeLogStreams, GetLogEvents and FilterLogEvents are served,
// enough for `aws logs get-log-events`, `aws logs filter-log-events`, `aws logs tail` and sageform's `logs` command.
// The only log group is /aws/sagemaker/TrainingJobs, and it exists once some training job has started; a missing group
// or stream is a ResourceNotFoundException, as the service answers. Errors carry `message` in lower case, as Logs does.
//
// Tokens: GetLogEvents' are `f/<56 digits>` and `b/<56 digits>` like the service's, and hold the position in the
// stream, so the forward token of the last page comes back unchanged until new events arrive ("If you have reached
// the end of the stream, it returns the same token you passed in"). FilterLogEvents' token holds the last event
// returned; it is absent once no visible event remains.
import { ServiceError } from './errors.js'
import { hashHex } from './random.js'
import { TRAINING_LOG_GROUP, streamsOf, toMillis, type LogEvent, type StreamScript } from './log-streams.js'
import type { Context } from './store.js'
import type { JsonObject } from './types.js'

export const LOGS_TARGET_PREFIX = 'Logs_20140328.'

const MAX_EVENTS = 10_000
const MAX_STREAMS_PER_PAGE = 50
const TOKEN_DIGITS = 56

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message)
}

function notFound(what: 'group' | 'stream'): ServiceError {
  return new ServiceError('ResourceNotFoundException', `The specified log ${what} does not exist.`)
}

function groupArn(ctx: Context): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${TRAINING_LOG_GROUP}`
}

/** Every stream whose container has started, in name order. */
function visibleStreams(ctx: Context): StreamScript[] {
  const now = toMillis(ctx.now)
  return [...ctx.store.trainingJobs.values()]
    .flatMap((job) => streamsOf(job))
    .filter((stream) => stream.creationTime <= now)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The streams of the requested group; the group is ours, named or by ARN, and exists once a stream does. */
function groupStreams(ctx: Context, input: JsonObject): StreamScript[] {
  const name = input.logGroupName
  const identifier = input.logGroupIdentifier
  if (name !== undefined && identifier !== undefined) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.')
  if (name === undefined && identifier === undefined) throw invalid('Either logGroupName or logGroupIdentifier must be specified.')
  const wanted = String(name ?? identifier).replace(/:\*$/, '')
  if (wanted !== TRAINING_LOG_GROUP && wanted !== groupArn(ctx)) throw notFound('group')
  const streams = visibleStreams(ctx)
  if (streams.length === 0) throw notFound('group')
  return streams
}

function visibleEvents(ctx: Context, stream: StreamScript): LogEvent[] {
  const now = toMillis(ctx.now)
  let n = 0
  while (n < stream.events.length && (stream.events[n] as LogEvent).timestamp <= now) n++
  return stream.events.slice(0, n)
}

function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${member} must be a string.`)
  return value
}

function optionalInteger(input: JsonObject, member: string, min: number, max: number): number | undefined {
  const value = input[member]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${member} must be an integer.`)
  if (value < min || value > max) {
    throw invalid(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`)
  }
  return value
}

function optionalBoolean(input: JsonObject, member: string): boolean | undefined {
  const value = input[member]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(`${member} must be a boolean.`)
  return value
}

function streamSummary(ctx: Context, stream: StreamScript): JsonObject {
  const events = visibleEvents(ctx, stream)
  const first = events[0]
  const last = events.at(-1)
  return {
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp, lastIngestionTime: last.timestamp } : {}),
    arn: `${groupArn(ctx)}:log-stream:${stream.name}`,
    storedBytes: 0,
  }
}

export function describeLogStreams(ctx: Context, input: JsonObject): JsonObject {
  const prefix = optionalString(input, 'logStreamNamePrefix')
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName'
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`)
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.')
  const descending = optionalBoolean(input, 'descending') ?? false
  const limit = optionalInteger(input, 'limit', 1, MAX_STREAMS_PER_PAGE) ?? MAX_STREAMS_PER_PAGE
  const token = optionalString(input, 'nextToken')
  const streams = groupStreams(ctx, input).filter((s) => prefix === undefined || s.name.startsWith(prefix))
  const rows = streams.map((stream) => ({ stream, key: orderBy === 'LastEventTime' ? String(visibleEvents(ctx, stream).at(-1)?.timestamp ?? 0).padStart(16, '0') : '', name: stream.name }))
  const compare = (a: { key: string; name: string }, b: { key: string; name: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  rows.sort((a, b) => (descending ? -1 : 1) * compare(a, b))
  let start = 0
  if (token !== undefined) {
    const after = decode(token, 'DescribeLogStreams') as { key?: unknown; name?: unknown }
    if (typeof after.key !== 'string' || typeof after.name !== 'string') throw invalid('The specified nextToken is invalid.')
    const position = { key: after.key, name: after.name }
    start = rows.findIndex((row) => (descending ? -1 : 1) * compare(row, position) > 0)
    if (start < 0) start = rows.length
  }
  const page = rows.slice(start, start + limit)
  const last = page.at(-1)
  return {
    logStreams: page.map((row) => streamSummary(ctx, row.stream)),
    ...(last && start + limit < rows.length ? { nextToken: encode('DescribeLogStreams', { key: last.key, name: last.name }) } : {}),
  }
}

function eventToken(direction: 'f' | 'b', position: number): string {
  return `${direction}/${String(position).padStart(TOKEN_DIGITS, '0')}`
}

export function getLogEvents(ctx: Context, input: JsonObject): JsonObject {
  const streamName = optionalString(input, 'logStreamName')
  if (streamName === undefined) throw invalid('1 validation error detected: Value null at \'logStreamName\' failed to satisfy constraint: Member must not be null')
  const startTime = optionalInteger(input, 'startTime', 0, Number.MAX_SAFE_INTEGER)
  const endTime = optionalInteger(input, 'endTime', 0, Number.MAX_SAFE_INTEGER)
  const limit = optionalInteger(input, 'limit', 1, MAX_EVENTS) ?? MAX_EVENTS
  const fromHead = optionalBoolean(input, 'startFromHead') ?? false
  const token = optionalString(input, 'nextToken')
  const stream = groupStreams(ctx, input).find((s) => s.name === streamName)
  if (!stream) throw notFound('stream')
  const events = visibleEvents(ctx, stream)
  // Positions in the stream of the events inside the time range.
  const inRange: number[] = []
  events.forEach((event, i) => {
    if ((startTime === undefined || event.timestamp >= startTime) && (endTime === undefined || event.timestamp < endTime)) inRange.push(i)
  })
  let picked: number[]
  let forward: string
  let backward: string
  if (token !== undefined) {
    const m = /^([fb])\/(\d+)$/.exec(token)
    if (!m) throw invalid('The specified nextToken is invalid.')
    const position = Number(m[2])
    if (m[1] === 'f') {
      picked = inRange.filter((i) => i >= position).slice(0, limit)
      forward = picked.length > 0 ? eventToken('f', (picked.at(-1) as number) + 1) : token
      backward = picked.length > 0 ? eventToken('b', picked[0] as number) : eventToken('b', position)
    } else {
      picked = inRange.filter((i) => i < position).slice(-limit)
      backward = picked.length > 0 ? eventToken('b', picked[0] as number) : token
      forward = picked.length > 0 ? eventToken('f', (picked.at(-1) as number) + 1) : eventToken('f', position)
    }
  } else {
    picked = fromHead ? inRange.slice(0, limit) : inRange.slice(-limit)
    const tail = fromHead ? 0 : events.length
    forward = eventToken('f', picked.length > 0 ? (picked.at(-1) as number) + 1 : tail)
    backward = eventToken('b', picked.length > 0 ? (picked[0] as number) : tail)
  }
  return {
    events: picked.map((i) => {
      const event = events[i] as LogEvent
      return { timestamp: event.timestamp, message: event.message, ingestionTime: event.timestamp }
    }),
    nextForwardToken: forward,
    nextBackwardToken: backward,
  }
}

/**
 * CloudWatch's filter pattern syntax for unstructured text: every term must occur (case-sensitive), a "quoted phrase"
 * is one term, `-term` must not occur, and `?term` terms are alternatives of which one must occur. JSON (`{...}`) and
 * space-delimited (`[...]`) patterns are not simulated.
 */
function filterOf(pattern: string | undefined): (message: string) => boolean {
  const text = pattern?.trim() ?? ''
  if (text === '') return () => true
  if (text.startsWith('{') || text.startsWith('[')) throw invalid('The local endpoint supports only term filter patterns, not JSON or space-delimited ones.')
  const terms = [...text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ kind: m[1], term: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string) }))
  const required = terms.filter((t) => t.kind === '').map((t) => t.term)
  const excluded = terms.filter((t) => t.kind === '-').map((t) => t.term)
  const anyOf = terms.filter((t) => t.kind === '?').map((t) => t.term)
  return (message) =>
    required.every((t) => message.includes(t)) && !excluded.some((t) => message.includes(t)) && (anyOf.length === 0 || anyOf.some((t) => message.includes(t)))
}

interface Located {
  stream: StreamScript
  index: number
  event: LogEvent
}

function eventId(stream: StreamScript, index: number, event: LogEvent): string {
  const streamDigits = BigInt(`0x${hashHex(12, stream.name)}`).toString().padStart(15, '0').slice(-15)
  return `${String(event.timestamp).padStart(16, '0')}${streamDigits}${String(index).padStart(TOKEN_DIGITS - 31, '0')}`
}

function compareLocated(a: { t: number; s: string; i: number }, b: { t: number; s: string; i: number }): number {
  return a.t - b.t || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) || a.i - b.i
}

export function filterLogEvents(ctx: Context, input: JsonObject): JsonObject {
  const names = input.logStreamNames
  const prefix = optionalString(input, 'logStreamNamePrefix')
  if (names !== undefined && names !== null && prefix !== undefined) throw invalid('You cannot specify both logStreamNames and logStreamNamePrefix.')
  if (names !== undefined && names !== null && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) throw invalid('logStreamNames must be a list of strings.')
  const startTime = optionalInteger(input, 'startTime', 0, Number.MAX_SAFE_INTEGER)
  const endTime = optionalInteger(input, 'endTime', 0, Number.MAX_SAFE_INTEGER)
  const limit = optionalInteger(input, 'limit', 1, MAX_EVENTS) ?? MAX_EVENTS
  const fromHead = optionalBoolean(input, 'startFromHead') ?? true
  const token = optionalString(input, 'nextToken')
  const matches = filterOf(optionalString(input, 'filterPattern'))
  const wanted = Array.isArray(names) ? new Set(names as string[]) : undefined
  const streams = groupStreams(ctx, input).filter((s) => (wanted ? wanted.has(s.name) : prefix === undefined || s.name.startsWith(prefix)))
  const found: Located[] = []
  for (const stream of streams) {
    visibleEvents(ctx, stream).forEach((event, index) => {
      if ((startTime === undefined || event.timestamp >= startTime) && (endTime === undefined || event.timestamp <= endTime) && matches(event.message)) found.push({ stream, index, event })
    })
  }
  const key = (l: Located) => ({ t: l.event.timestamp, s: l.stream.name, i: l.index })
  const sign = fromHead ? 1 : -1
  found.sort((a, b) => sign * compareLocated(key(a), key(b)))
  let start = 0
  let direction = sign
  if (token !== undefined) {
    const after = decode(token, 'FilterLogEvents') as { t?: unknown; s?: unknown; i?: unknown; d?: unknown }
    if (typeof after.t !== 'number' || typeof after.s !== 'string' || typeof after.i !== 'number' || (after.d !== 1 && after.d !== -1)) throw invalid('The specified nextToken is invalid.')
    // The token decides the direction, as the service documents.
    direction = after.d
    if (direction !== sign) found.reverse()
    const position = { t: after.t, s: after.s, i: after.i }
    start = found.findIndex((l) => direction * compareLocated(key(l), position) > 0)
    if (start < 0) start = found.length
  }
  const page = found.slice(start, start + limit)
  const last = page.at(-1)
  return {
    events: page.map((l) => ({ logStreamName: l.stream.name, timestamp: l.event.timestamp, message: l.event.message, ingestionTime: l.event.timestamp, eventId: eventId(l.stream, l.index, l.event) })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    ...(last && start + limit < found.length ? { nextToken: encode('FilterLogEvents', { ...key(last), d: direction }) } : {}),
  }
}

function encode(scope: string, value: object): string {
  return Buffer.from(JSON.stringify({ scope, ...value })).toString('base64url')
}

function decode(token: string, scope: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>
    if (value && value.scope === scope) return value
  } catch {
    // Falls through: not one of ours.
  }
  throw invalid('The specified nextToken is invalid.')
}

export type LogsHandler = (ctx: Context, input: JsonObject) => JsonObject

export const LOGS_OPERATIONS: Record<string, LogsHandler> = {
  DescribeLogStreams: describeLogStreams,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
}
