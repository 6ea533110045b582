// Shows a watch as it goes: the live view on a terminal, otherwise one plain line per event (watch-log.ts). Either way
// it consumes the watch service's updates to the end and returns the last snapshot.
import type { WaitView } from '../services/wait/follow.js'
import type { WatchSnapshot, WatchUpdate } from '../watch/model.js'
import { renderEvent } from './apply.js'
import { renderDiagnostics } from './diagnostics.js'
import { renderAppliedLogLine } from './logs.js'
import { renderWatchEvent, renderWatchHeader, renderWatchSummary } from './watch-log.js'
import type { Style } from './style.js'

export { renderWatchEvent, renderWatchHeader, renderWatchSummary } from './watch-log.js'

/** Like ink's is-in-ci: CI or CONTINUOUS_INTEGRATION set (and not "false"/"0"), or any CI_* variable. */
export function inCI(env: NodeJS.ProcessEnv): boolean {
  if (env.CI === 'false' || env.CI === '0') return false
  return 'CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((key) => key.startsWith('CI_'))
}

/**
 * The live view only for a person at a terminal: stdout a TTY, colour wanted (no --no-color, no NO_COLOR, TERM not
 * dumb, which `color` already says) and not in CI.
 */
export function wantsLiveView(color: boolean, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return color && Boolean(stream.isTTY) && !inCI(env)
}

export interface PresentOptions {
  live: boolean
  style: Style
  /** Writes one plain line (the command's log); unused by the live view. */
  write: (line: string) => void
  stdout?: NodeJS.WriteStream
  /** Set once the watch was interrupted, so the last frame shows no spinners. */
  interrupted?: () => boolean
}

export async function presentWatch(updates: AsyncIterable<WatchUpdate>, options: PresentOptions): Promise<WatchSnapshot | undefined> {
  let last: WatchSnapshot | undefined
  if (!options.live) {
    for await (const update of updates) {
      for (const event of update.events) options.write(renderWatchEvent(event, options.style))
      last = update.snapshot
    }
    return last
  }
  const { startLiveView } = await import('./live/index.js')
  let view: Awaited<ReturnType<typeof startLiveView>> | undefined
  try {
    for await (const update of updates) {
      last = update.snapshot
      if (view) view.update(update.snapshot)
      else view = await startLiveView(options.stdout ?? process.stdout, update.snapshot)
    }
  } finally {
    if (view && last) await view.finish(last, options.interrupted?.() ?? false)
  }
  return last
}

export interface WaitViewOptions {
  style: Style
  /** --json: show nothing (apply --wait --logs still prints the log lines). */
  json: boolean
  /** The user wants colour (and so, on a terminal outside CI, the live view). */
  color: boolean
  /** The command's log. */
  write: (line: string) => void
  /** apply --wait: the wait follows the apply's own output, after a blank line. */
  afterApply?: boolean
}

/** How `watch` and `apply --wait` show a wait (services/wait/follow.ts runs it). */
export function waitView(options: WaitViewOptions): WaitView {
  const { style } = options
  const live = !options.json && wantsLiveView(options.color)
  const write = options.json ? () => {} : options.write
  return {
    live,
    started: (jobs, intervalMs) => {
      if (options.afterApply) write('')
      write(renderWatchHeader(jobs, intervalMs, style))
    },
    present: (updates, interrupted) => presentWatch(updates, { live, style, write, interrupted }),
    ended: (outcome, interrupted) => write(`\n${renderWatchSummary(outcome, style, interrupted)}`),
    // Lines between the live view's frames would tear them: the view shows the new job's row instead.
    event: (event) => {
      const line = live ? undefined : renderEvent(event, style)
      if (line) write(line)
    },
    diagnostics: (diagnostics) => write(renderDiagnostics(diagnostics, style)),
    nothing: () => write(options.afterApply ? '\nNo jobs to wait for: this apply created, replaced, updated or adopted none.' : 'No managed jobs to watch: the state has no current job for these resources.'),
    logLine: (address, text) => options.write(renderAppliedLogLine(address, text)),
    tuningLogs: (address) => options.write(`${address}: a tuning job runs many training jobs; see one with: sageform logs ${address}`),
  }
}
