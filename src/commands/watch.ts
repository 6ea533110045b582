import { Args } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { variableSources } from './args.js'
import { pollIntervalFlag } from './flags.js'
import type { Diagnostic } from '../diagnostics/index.js'
import type { WaitPayload } from './follow.js'

/** The `watch --json` payload (schemas/watch.json). */
export interface WatchPayload extends WaitPayload {
  diagnostics: Diagnostic[]
}

export default class WatchCommand extends BaseCommand {
  static override summary = 'Follow the managed jobs until they finish: status, secondary status, tuning progress and best objective.'
  static override description = `Reads the current job of every resource in the state (or of the resources named) and polls SageMaker until each has reached a terminal status. On a terminal it draws a live view; off a terminal, in CI, or with --no-color/NO_COLOR it prints one timestamped line per change. It never stops a job (Ctrl-C stops watching only) and holds no lock while it waits: at the end it takes the state lock for one write, recording each job's final status, times, failure reason and best training job, and the outputs.

Exit status: 0 every job Completed; 3 every job ended but not all Completed (Failed, Stopped, not found); 1 error; 130 interrupted.`
  static override examples = ['<%= config.bin %> watch', '<%= config.bin %> watch sagemaker_hyperparameter_tuning_job.hpo', '<%= config.bin %> watch --poll-interval 30s --json']
  static override strict = false
  static override args = { address: Args.string({ description: 'A resource address or a resource type (repeatable); none: every managed job.' }) }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    'poll-interval': pollIntervalFlag(),
  }

  async run(): Promise<WatchPayload> {
    const { flags, argv } = await this.parse(WatchCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const { prepareWatch } = await import('../services/watch.js')
    const prepared = await prepareWatch({ dir: flags.chdir, variables: sources, env: process.env, region: flags.region, profile: flags.profile, addresses: argv as string[], intervalMs: flags['poll-interval'] })
    const empty: WatchPayload = { all_completed: true, interrupted: false, jobs: [], diagnostics: prepared.diagnostics }
    if (prepared.diagnostics.some((d) => d.severity === 'error')) return this.failed(empty, prepared.diagnostics)
    if (prepared.targets.length === 0) {
      if (!this.jsonEnabled()) this.log('No managed jobs to watch: the state has no current job for these resources.')
      return empty
    }
    if (!prepared.api) return this.failed(empty, prepared.diagnostics)
    const { followJobs } = await import('./follow.js')
    const { wantsColor } = await import('../ui/style.js')
    const followed = await followJobs(prepared.api, prepared.targets, { log: (line) => this.log(line), style: this.style, json: this.jsonEnabled(), color: wantsColor(this.argv.includes('--no-color')), intervalMs: flags['poll-interval'] })
    const diagnostics = [...prepared.diagnostics, ...(followed.error ? [followed.error] : [])]
    if (followed.error) return this.failed({ ...followed.wait, diagnostics }, diagnostics)
    const { recordWatched } = await import('../services/watch.js')
    const recorded = await recordWatched(prepared)
    diagnostics.push(...recorded)
    if (!this.jsonEnabled() && recorded.length > 0) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      this.logToStderr(renderDiagnostics(recorded, this.style))
    }
    process.exitCode = followed.exitCode
    return { ...followed.wait, diagnostics }
  }

  private async failed(payload: WatchPayload, diagnostics: Diagnostic[]): Promise<WatchPayload> {
    process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      this.logToStderr(renderDiagnostics(diagnostics, this.style))
    }
    return payload
  }
}
