import { Args } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { lockTimeoutFlag } from './apply.js'
import { variableSources } from './args.js'
import type { ImportResult } from '../services/import.js'

export default class ImportCommand extends BaseCommand {
  static override summary = 'Adopt an existing SageMaker job as the current job of a resource.'
  static override description = `The resource must be declared in the configuration. The job's request is read back from SageMaker: if it equals the configuration the next plan has nothing to do; otherwise the next plan shows the differences as a replacement. The job itself is not changed.

Exit status: 0 imported; 1 error.`
  static override examples = ['<%= config.bin %> import sagemaker_training_job.churn churn-xgb-2026-11-01']
  static override args = {
    address: Args.string({ description: 'Resource address, e.g. sagemaker_training_job.churn.', required: true }),
    job: Args.string({ description: 'Name of the existing SageMaker job.', required: true }),
  }
  static override flags = { chdir: chdirFlag, ...variableFlags, ...connectionFlags, 'lock-timeout': lockTimeoutFlag }

  async run(): Promise<ImportResult> {
    const { flags, args } = await this.parse(ImportCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const { importJob } = await import('../services/import.js')
    const result = await importJob({ dir: flags.chdir, address: args.address, jobName: args.job, variables: sources, env: process.env, lockTimeout: flags['lock-timeout'], region: flags.region, profile: flags.profile })
    if (!result.imported) process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const { renderImport } = await import('../ui/import.js')
      this.log(renderImport(result, this.style))
    }
    return result
  }
}
