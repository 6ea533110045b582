// The live view of `watch` and `apply --wait` on a terminal: one row per job (spinner, address, name, status,
// secondary status, elapsed time) and, under a tuning job, its training-job counters with a progress bar and the best
// objective so far. Only ever loaded through ./index.ts's dynamic import, so commands that draw nothing never load
// ink or react.
import { Box, Text, render } from 'ink'
import { escapeStrings } from '../escape.js'
import { useEffect, useState } from 'react'
import { isTerminal, tuningProgress, type JobSnapshot, type WatchSnapshot } from '../../watch/model.js'
import { formatDuration } from '../duration.js'
import { formatInterval, formatObjective } from '../watch-log.js'

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FRAME_MS = 100
const BAR_WIDTH = 24

const MARK: Record<string, [string, string]> = {
  Completed: ['✔', 'green'],
  Failed: ['✖', 'red'],
  Stopped: ['■', 'yellow'],
  NotFound: ['?', 'red'],
  DeleteFailed: ['✖', 'red'],
}

/** The secondary status, unless it only repeats the status (Completed, Failed, Stopped). */
export function secondaryOf(job: JobSnapshot): string {
  return job.secondaryStatus && job.secondaryStatus !== job.status ? job.secondaryStatus : ''
}

function statusColor(status: string): string | undefined {
  if (status === 'Completed') return 'green'
  if (status === 'Failed' || status === 'NotFound' || status === 'DeleteFailed') return 'red'
  if (status === 'Stopped' || status === 'Stopping') return 'yellow'
  return undefined
}

/** How long the job has run: the last answer's figure, moved on by the local clock while the job runs. */
export function liveElapsed(job: JobSnapshot, now: number): string {
  if (job.elapsedMs === undefined) return ''
  const extra = isTerminal(job) || job.observedAt === undefined ? 0 : Math.max(0, now - job.observedAt)
  return formatDuration((job.elapsedMs + extra) / 1000)
}

export function ProgressBar({ fraction, width = BAR_WIDTH }: { fraction: number; width?: number }) {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width)
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
    </Text>
  )
}

interface Columns {
  address: number
  name: number
  status: number
  secondary: number
}

function JobRows({ job, columns, now, frame, stopped }: { job: JobSnapshot; columns: Columns; now: number; frame: number; stopped: boolean }) {
  const terminal = isTerminal(job)
  const [mark, markColor] = MARK[job.status] ?? (stopped ? ['·', 'gray'] : [SPINNER[frame % SPINNER.length]!, 'cyan'])
  const counters = job.counters
  const fraction = counters ? tuningProgress(counters) : undefined
  const finished = counters ? counters.completed + counters.stoppedEarly + counters.failed : 0
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={markColor}>{mark}</Text> <Text bold>{job.address.padEnd(columns.address)}</Text> {job.name.padEnd(columns.name)}{' '}
        <Text color={statusColor(job.status)}>{(job.status === 'Pending' ? 'Describing…' : job.status).padEnd(columns.status)}</Text>{' '}
        {columns.secondary > 0 ? `${secondaryOf(job).padEnd(columns.secondary)} ` : ''}
        <Text dimColor>{liveElapsed(job, now)}</Text>
      </Text>
      {counters ? (
        <Text wrap="truncate-end">
          {'    '}
          {fraction !== undefined ? (
            <>
              <ProgressBar fraction={fraction} /> {`${finished}/${counters.max}`.padEnd(7)}
            </>
          ) : (
            <Text dimColor>training jobs: </Text>
          )}
          {counters.completed} completed · {counters.inProgress} in progress · {counters.stoppedEarly} stopped early · {counters.failed} failed
        </Text>
      ) : null}
      {counters ? (
        <Text wrap="truncate-end">
          {'    '}
          {job.best ? (
            <>
              best {job.best.metric} = <Text bold>{formatObjective(job.best.value)}</Text> <Text dimColor>({job.best.job}{job.best.tuningJob ? `, from parent ${job.best.tuningJob}` : ''})</Text>
            </>
          ) : (
            <Text dimColor>best: no objective reported yet</Text>
          )}
        </Text>
      ) : null}
      {terminal && job.status !== 'Completed' && job.failureReason ? (
        <Text color="red" wrap="truncate-end">
          {'    '}
          {job.failureReason}
        </Text>
      ) : null}
    </Box>
  )
}

export interface WatchViewProps {
  snapshot: WatchSnapshot
  /** Epoch ms, for elapsed times. */
  now: number
  /** Spinner frame. */
  frame: number
  /** The watch ended before every job did (Ctrl-C): no spinners, no footer. */
  stopped?: boolean
}

/** The whole view for one moment: pure, so tests render it with a fixed clock and frame. */
export function WatchView({ snapshot: raw, now, frame, stopped = false }: WatchViewProps) {
  // ink writes the text as given: SageMaker's strings (a FailureReason with escape sequences) are escaped first.
  const snapshot = escapeStrings(raw)
  const columns: Columns = {
    address: Math.max(0, ...snapshot.jobs.map((j) => j.address.length)),
    name: Math.max(0, ...snapshot.jobs.map((j) => j.name.length)),
    status: Math.max(0, ...snapshot.jobs.map((j) => (j.status === 'Pending' ? 11 : j.status.length))),
    secondary: Math.max(0, ...snapshot.jobs.map((j) => secondaryOf(j).length)),
  }
  const running = snapshot.jobs.filter((j) => !isTerminal(j)).length
  return (
    <Box flexDirection="column">
      {snapshot.jobs.map((job) => (
        <JobRows key={job.address} job={job} columns={columns} now={now} frame={frame} stopped={stopped} />
      ))}
      {!snapshot.done && !stopped ? (
        <Text wrap="truncate-end">
          <Text dimColor>
            {running} of {snapshot.jobs.length} job{snapshot.jobs.length === 1 ? '' : 's'} running · polling every {formatInterval(snapshot.intervalMs)}
          </Text>
          {snapshot.throttled ? <Text color="yellow"> · backing off: SageMaker throttled or failed a Describe</Text> : null}
          <Text dimColor> · Ctrl-C stops watching, not the jobs</Text>
        </Text>
      ) : null}
    </Box>
  )
}

/** WatchView with its own clock: the spinner turns and elapsed times run between two answers from SageMaker. */
function LiveWatch({ snapshot, stopped }: { snapshot: WatchSnapshot; stopped: boolean }) {
  const [tick, setTick] = useState({ now: Date.now(), frame: 0 })
  const still = snapshot.done || stopped
  useEffect(() => {
    if (still) return undefined
    const timer = setInterval(() => setTick((t) => ({ now: Date.now(), frame: t.frame + 1 })), FRAME_MS)
    return () => clearInterval(timer)
  }, [still])
  return <WatchView snapshot={snapshot} now={still ? snapshot.at : tick.now} frame={tick.frame} stopped={stopped} />
}

export interface LiveView {
  update(snapshot: WatchSnapshot): void
  /** Draws the last frame (`stopped`: the watch was interrupted) and leaves it on the screen. */
  finish(snapshot: WatchSnapshot, stopped?: boolean): Promise<void>
}

export function mountLiveView(stdout: NodeJS.WriteStream, first: WatchSnapshot): LiveView {
  const instance = render(<LiveWatch snapshot={first} stopped={false} />, { stdout, exitOnCtrlC: false, patchConsole: false })
  return {
    update: (snapshot) => instance.rerender(<LiveWatch snapshot={snapshot} stopped={false} />),
    async finish(snapshot, stopped = false) {
      instance.rerender(<LiveWatch snapshot={snapshot} stopped={stopped} />)
      instance.unmount()
      await instance.waitUntilExit()
    },
  }
}
