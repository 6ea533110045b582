import { Args, Flags } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { lockTimeoutFlag } from './apply.js'
import { variableSources } from './args.js'
import type { ImportResult, TerraformImportResult } from '../services/import.js'

export default class ImportCommand extends BaseCommand {
  static override summary = 'Adopt an existing SageMaker job as the current job of a resource, or every job of a Terraform state.'
  static override description = `The resource must be declared in the configuration. The job's request is read back from SageMaker: if it equals the configuration the next plan has nothing to do; otherwise the next plan shows the differences as a replacement. The job itself is not changed.

With --from-terraform-state FILE (no ADDRESS or JOB_NAME), every aws_sagemaker_training_job and aws_sagemaker_hyper_parameter_tuning_job in a Terraform state file (format version 4) is adopted under the same address, each after checking with Describe that the job exists. Skipped, with the reason: a job SageMaker does not have, an address the configuration does not declare (add the block, or print it with sageform convert), an address already managed, and instances of count or for_each or inside modules. Other resource types and data sources are left to Terraform. All jobs are adopted under one lock in one state write; --dry-run shows what would be adopted and writes nothing.

Exit status: 0 imported (with --from-terraform-state, also when some jobs were skipped); 1 error.`
  static override examples = [
    '<%= config.bin %> import sagemaker_training_job.churn churn-xgb-2026-11-01',
    '<%= config.bin %> import --from-terraform-state terraform.tfstate --dry-run',
    '<%= config.bin %> import --from-terraform-state terraform.tfstate',
  ]
  static override args = {
    address: Args.string({ description: 'Resource address, e.g. sagemaker_training_job.churn (not with --from-terraform-state).' }),
    job: Args.string({ description: 'Name of the existing SageMaker job (not with --from-terraform-state).' }),
  }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    'lock-timeout': lockTimeoutFlag,
    'from-terraform-state': Flags.string({ description: 'Adopt every SageMaker job in this Terraform state file (terraform.tfstate, version 4) under the same addresses.' }),
    'dry-run': Flags.boolean({ description: 'With --from-terraform-state: show what would be adopted or skipped, and write nothing.', dependsOn: ['from-terraform-state'] }),
  }

  async run(): Promise<ImportResult | TerraformImportResult> {
    const { flags, args } = await this.parse(ImportCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const statePath = flags['from-terraform-state']
    if (statePath !== undefined && args.address !== undefined) this.error('Give either ADDRESS JOB_NAME or --from-terraform-state FILE, not both.', { exit: EXIT.error })
    if (statePath === undefined && (args.address === undefined || args.job === undefined)) this.error('Missing ADDRESS and JOB_NAME: sageform import ADDRESS JOB_NAME, or sageform import --from-terraform-state FILE.', { exit: EXIT.error })
    const common = { dir: flags.chdir, variables: sources, env: process.env, lockTimeout: flags['lock-timeout'], region: flags.region, profile: flags.profile }
    const service = await import('../services/import.js')
    if (statePath !== undefined) {
      const result = await service.importFromTerraformState({ ...common, statePath, dryRun: flags['dry-run'] === true })
      if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
      if (!this.jsonEnabled()) {
        const { renderTerraformImport } = await import('../ui/import.js')
        this.log(renderTerraformImport(result, this.style))
      }
      return result
    }
    const result = await service.importJob({ ...common, address: args.address!, jobName: args.job! })
    if (!result.imported) process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const { renderImport } = await import('../ui/import.js')
      this.log(renderImport(result, this.style))
    }
    return result
  }
}
