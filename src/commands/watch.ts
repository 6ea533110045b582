import { Args } from '@oclif/core'
import { BaseCommand, EXIT, WAIT_EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { variableSources } from './args.js'
import { pollIntervalFlag } from './flags.js'
import type { WatchPayload } from '../services/watch.js'

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
    const { watch } = await import('../services/watch.js')
    const { waitView } = await import('../ui/watch.js')
    const { wantsColor } = await import('../ui/style.js')
    const view = waitView({ write: (line) => this.log(line), style: this.style, json: this.jsonEnabled(), color: wantsColor(this.argv.includes('--no-color')) })
    const { payload, end } = await watch({ dir: flags.chdir, variables: sources, env: process.env, region: flags.region, profile: flags.profile, addresses: argv as string[], intervalMs: flags['poll-interval'] }, view)
    process.exitCode = WAIT_EXIT[end]
    // The wait was shown as it went: only the diagnostics are left to print.
    return this.finish(payload, async () => () => '')
  }
}
