import { Args } from '@oclif/core'
import { BaseCommand, chdirFlag } from './base.js'
import type { StateListResult } from '../services/state-list.js'

export default class StateList extends BaseCommand {
  static override summary = 'List the resources recorded in the state, with their current job and its status.'
  static override description = `Reads sageform.state.json only: no SageMaker call, no lock. The status is the last one recorded (by apply or plan). Give addresses or resource types to list only those.

Exit status: 0 success (also for an empty or missing state); 1 when the state file cannot be read.`
  static override examples = ['<%= config.bin %> state list', '<%= config.bin %> state list sagemaker_hyperparameter_tuning_job --json']
  static override strict = false
  static override args = { address: Args.string({ description: 'A resource address or a resource type (repeatable).' }) }
  static override flags = { chdir: chdirFlag }

  async run(): Promise<StateListResult> {
    const { flags, argv } = await this.parse(StateList)
    const { stateList } = await import('../services/state-list.js')
    const result = await stateList({ dir: flags.chdir, filters: argv as string[] })
    return this.finish(result, async () => (await import('../ui/state.js')).renderStateList)
  }
}
