import { Args, Flags } from '@oclif/core'
import { chdirFlag } from './base.js'
import { BaseCommand } from './base.js'
import { lockTimeoutFlag } from './flags.js'
import type { StateMvResult } from '../services/state-mv.js'

export default class StateMv extends BaseCommand {
  static override summary = 'Move a resource\'s record to another address without touching SageMaker.'
  static override description = `Moves the current job and history recorded under SOURCE to DESTINATION in sageform.state.json, under the state lock, keeping the previous file as sageform.state.json.backup, as terraform state mv does. A resource address moves all of its instances (sagemaker_training_job.a[0] becomes sagemaker_training_job.b[0]); an instance address moves one instance, also into or out of count and for_each (sagemaker_training_job.a to 'sagemaker_training_job.a["small"]'). The jobs are not changed. A moved block in the configuration does the same through plan and apply.

Exit status: 0 success; 1 error (unknown source, destination taken, training job to tuning job, lock held, unreadable state).`
  static override examples = [
    '<%= config.bin %> state mv sagemaker_training_job.xgb sagemaker_training_job.churn',
    `<%= config.bin %> state mv sagemaker_training_job.xgb 'sagemaker_training_job.xgb["small"]' --dry-run`,
  ]
  static override args = {
    source: Args.string({ description: 'The resource or instance address the record is under now.', required: true }),
    destination: Args.string({ description: 'The address to move it to.', required: true }),
  }
  static override flags = {
    chdir: chdirFlag,
    'lock-timeout': lockTimeoutFlag(),
    'dry-run': Flags.boolean({ description: 'Show what would move, and change nothing.', default: false }),
  }

  async run(): Promise<StateMvResult> {
    const { flags, args } = await this.parse(StateMv)
    const { stateMv } = await import('../services/state-mv.js')
    const result = await stateMv({ dir: flags.chdir, source: args.source, destination: args.destination, lockTimeoutMs: flags['lock-timeout'], dryRun: flags['dry-run'] })
    return this.finish(result, async () => (await import('../ui/state.js')).renderStateMv)
  }
}
