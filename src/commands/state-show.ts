import { Args } from '@oclif/core'
import { BaseCommand, chdirFlag } from './base.js'
import type { StateShowResult } from '../services/state-show.js'

export default class StateShow extends BaseCommand {
  static override summary = 'Show one resource in the state: its current job and the jobs it replaced.'
  static override description = `Reads sageform.state.json only: no SageMaker call, no lock.

Exit status: 0 success; 1 when the address is not in the state or the state file cannot be read.`
  static override examples = ['<%= config.bin %> state show sagemaker_training_job.xgb', '<%= config.bin %> state show sagemaker_training_job.xgb --json']
  static override args = { address: Args.string({ description: 'The resource address, e.g. sagemaker_training_job.xgb.', required: true }) }
  static override flags = { chdir: chdirFlag }

  async run(): Promise<StateShowResult> {
    const { flags, args } = await this.parse(StateShow)
    const { stateShow } = await import('../services/state-show.js')
    const result = await stateShow({ dir: flags.chdir, address: args.address })
    return this.finish(result, async () => (await import('../ui/state.js')).renderStateShow)
  }
}
