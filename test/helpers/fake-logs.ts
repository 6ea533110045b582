// In-memory LogsApi for service tests. It keeps the service rules readers depend on: a missing group or stream is
// ResourceNotFound, pages are limited, and the forward token of the last page comes back unchanged until events are
// added (the test adds them as the simulated job runs).
import type { LogEvent, LogEventsPage, LogStream, LogsApi } from '../../src/sagemaker/logs.js'
import { SageMakerError } from '../../src/sagemaker/types.js'

export type FakeLogsCall = { op: 'describeLogStreams'; input: [group: string, prefix: string] } | { op: 'getLogEvents'; input: [group: string, stream: string, token: string | undefined] }

export class FakeLogs implements LogsApi {
  readonly calls: FakeLogsCall[] = []
  private readonly groups = new Map<string, Map<string, LogEvent[]>>()
  private readonly failures = new Map<FakeLogsCall['op'], Error[]>()

  /** Events per GetLogEvents page. */
  constructor(private readonly pageSize = 3) {}

  /** Creates the group and stream as needed and appends the events, stamped from `timestamp` on (1 ms apart). */
  addEvents(group: string, stream: string, messages: string[], timestamp = 1_700_000_000_000): void {
    const streams = this.groups.get(group) ?? new Map<string, LogEvent[]>()
    this.groups.set(group, streams)
    const events = streams.get(stream) ?? []
    streams.set(stream, events)
    messages.forEach((message, i) => events.push({ timestamp: timestamp + i, message }))
  }

  /** The next call to `op` fails with `error` (queued). */
  failNext(op: FakeLogsCall['op'], error: Error): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error])
  }

  async describeLogStreams(group: string, prefix: string): Promise<LogStream[]> {
    this.record({ op: 'describeLogStreams', input: [group, prefix] })
    const streams = this.group(group)
    return [...streams.keys()]
      .filter((name) => name.startsWith(prefix))
      .sort()
      .map((name) => ({ name, ...(streams.get(name)!.length > 0 ? { lastEventTimestamp: streams.get(name)!.at(-1)!.timestamp } : {}) }))
  }

  async getLogEvents(group: string, stream: string, token?: string): Promise<LogEventsPage> {
    this.record({ op: 'getLogEvents', input: [group, stream, token] })
    const events = this.group(group).get(stream)
    if (!events) throw new SageMakerError('ResourceNotFound', 'The specified log stream does not exist.')
    const from = token === undefined ? 0 : Number(/^f\/(\d+)$/.exec(token)?.[1] ?? NaN)
    if (!Number.isInteger(from)) throw new SageMakerError('InvalidParameterException', 'The specified nextToken is invalid.')
    const page = events.slice(from, from + this.pageSize)
    return { events: structuredClone(page), nextForwardToken: page.length > 0 ? `f/${from + page.length}` : (token ?? 'f/0') }
  }

  private group(name: string): Map<string, LogEvent[]> {
    const streams = this.groups.get(name)
    if (!streams) throw new SageMakerError('ResourceNotFound', 'The specified log group does not exist.')
    return streams
  }

  private record(call: FakeLogsCall): void {
    this.calls.push(call)
    const failure = this.failures.get(call.op)?.shift()
    if (failure) throw failure
  }
}
