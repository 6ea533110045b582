import { Args, Flags } from '@oclif/core'
import { chdirFlag } from './base.js'
import { BaseCommand } from './base.js'
import { lockTimeoutFlag } from './flags.js'
import type { StateRmResult } from '../services/state-rm.js'

export default class StateRm extends BaseCommand {
  static override summary = 'Forget resources without touching SageMaker.'
  static override description = `Removes the resources from sageform.state.json, under the state lock, keeping the previous file as sageform.state.json.backup. Their jobs are not stopped or deleted. If the configuration still declares a resource, the next plan finds its job by name and tags and offers to adopt it.

Every address must be in the state; otherwise nothing is removed.

Exit status: 0 success; 1 error (unknown address, lock held, unreadable state).`
  static override examples = ['<%= config.bin %> state rm sagemaker_training_job.xgb', '<%= config.bin %> state rm sagemaker_training_job.a sagemaker_training_job.b --dry-run']
  static override strict = false
  static override args = { address: Args.string({ description: 'A resource address (repeatable).', required: true }) }
  static override flags = {
    chdir: chdirFlag,
    'lock-timeout': lockTimeoutFlag(),
    'dry-run': Flags.boolean({ description: 'Show what would be removed, and change nothing.', default: false }),
  }

  async run(): Promise<StateRmResult> {
    const { flags, argv } = await this.parse(StateRm)
    const { stateRm } = await import('../services/state-rm.js')
    const result = await stateRm({ dir: flags.chdir, addresses: argv as string[], lockTimeoutMs: flags['lock-timeout'], dryRun: flags['dry-run'] })
    return this.finish(result, async () => (await import('../ui/state.js')).renderStateRm)
  }
}
