import { Args, Flags } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { lockTimeoutFlag } from './flags.js'
import { variableSources } from './args.js'
import type { ImportResult, LineageImportResult, TerraformImportResult } from '../services/import.js'

export default class ImportCommand extends BaseCommand {
  static override summary = 'Adopt an existing SageMaker job as the current job of a resource, or every job of a Terraform state.'
  static override description = `The resource must be declared in the configuration. The job's request is read back from SageMaker: if it equals the configuration the next plan has nothing to do; otherwise the next plan shows the differences as a replacement. The job itself is not changed.

With --from-terraform-state FILE (no ADDRESS or JOB_NAME), every aws_sagemaker_training_job and aws_sagemaker_hyper_parameter_tuning_job in a Terraform state file (format version 4), instances of count and for_each included, is adopted under the same address, each after checking with Describe that the job exists. Skipped, with the reason: a job SageMaker does not have, an address the configuration does not declare (add the block, or print it with sageform convert), an address already managed, and resources inside modules. Other resource types and data sources are left to Terraform.

With --lineage ID (no ADDRESS or JOB_NAME), every job tagged sageform:lineage = ID (the id of a state file that was lost or replaced) whose sageform:address the configuration declares is adopted under that address; of several jobs of one address, the newest.

Either way all jobs are adopted under one lock in one state write; --dry-run shows what would be adopted and writes nothing.

Exit status: 0 imported (with --from-terraform-state or --lineage, also when some jobs were skipped); 1 error.`
  static override examples = [
    '<%= config.bin %> import sagemaker_training_job.churn churn-xgb-2026-11-01',
    '<%= config.bin %> import --from-terraform-state terraform.tfstate --dry-run',
    '<%= config.bin %> import --from-terraform-state terraform.tfstate',
    '<%= config.bin %> import --lineage 5f0c1c9e-3c1d-4c43-9a57-8e2a7c1d2b11 --dry-run',
    `<%= config.bin %> import 'sagemaker_training_job.churn["small"]' churn-small-2026-11-01`,
  ]
  static override args = {
    address: Args.string({ description: 'Resource address, e.g. sagemaker_training_job.churn (not with --from-terraform-state).' }),
    job: Args.string({ description: 'Name of the existing SageMaker job (not with --from-terraform-state).' }),
  }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    'lock-timeout': lockTimeoutFlag(),
    'from-terraform-state': Flags.string({ description: 'Adopt every SageMaker job in this Terraform state file (terraform.tfstate, version 4) under the same addresses.' }),
    lineage: Flags.string({ description: 'Adopt every job tagged with this state lineage (a lost state file\'s) whose address the configuration declares.', exclusive: ['from-terraform-state'] }),
    'dry-run': Flags.boolean({ description: 'With --from-terraform-state or --lineage: show what would be adopted or skipped, and write nothing.' }),
  }

  async run(): Promise<ImportResult | TerraformImportResult | LineageImportResult> {
    const { flags, args } = await this.parse(ImportCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const statePath = flags['from-terraform-state']
    const bulk = statePath !== undefined || flags.lineage !== undefined
    if (bulk && args.address !== undefined) this.error('Give either ADDRESS JOB_NAME, --from-terraform-state FILE or --lineage ID, not two of them.', { exit: EXIT.error })
    if (!bulk && (args.address === undefined || args.job === undefined)) this.error('Missing ADDRESS and JOB_NAME: sageform import ADDRESS JOB_NAME, sageform import --from-terraform-state FILE, or sageform import --lineage ID.', { exit: EXIT.error })
    if (!bulk && flags['dry-run']) this.error('--dry-run goes with --from-terraform-state or --lineage.', { exit: EXIT.error })
    const common = { dir: flags.chdir, variables: sources, env: process.env, lockTimeoutMs: flags['lock-timeout'], region: flags.region, profile: flags.profile }
    const service = await import('../services/import.js')
    if (bulk) {
      const dryRun = flags['dry-run'] === true
      const result = statePath !== undefined ? await service.importFromTerraformState({ ...common, statePath, dryRun }) : await service.importByLineage({ ...common, lineage: flags.lineage!, dryRun })
      if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
      if (!this.jsonEnabled()) {
        const { renderBulkImport } = await import('../ui/import.js')
        this.log(renderBulkImport(result, this.style))
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
