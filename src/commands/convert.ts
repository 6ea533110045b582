import { Args } from '@oclif/core'
import { BaseCommand, EXIT } from './base.js'
import type { ConvertResult } from '../services/convert.js'

export default class Convert extends BaseCommand {
  static override summary = 'Print the native sageform configuration equivalent to Terraform files.'
  static override description = `Rewrites aws_sagemaker_training_job and aws_sagemaker_hyper_parameter_tuning_job blocks as sagemaker_training_job and sagemaker_hyperparameter_tuning_job blocks with sageform's argument names (training_job_name becomes name; a tuning job's config and objective become hyper_parameter_tuning_job_config and hyper_parameter_tuning_job_objective), renames references to them, and turns provider "aws" into provider "sagemaker". Provider-only arguments (region, timeouts, delete_*_on_destroy) and blocks sageform does not read (terraform, data, other resources and providers) are replaced by a "# sageform convert:" comment saying why. Comments, variables, locals and outputs are kept; the result is formatted like terraform fmt.

The files are only read: the converted configuration goes to stdout (each file headed by "# converted from FILE" when there are several), diagnostics to stderr. The converted configuration plans to the same requests as the original.

Exit status: 0 converted; 1 error (a file missing, not valid HCL, or with nothing to convert).`
  static override examples = ['<%= config.bin %> convert main.tf > main.hcl', '<%= config.bin %> convert training.tf tuning.tf --json']
  static override strict = false
  static override args = { file: Args.string({ description: 'Terraform files (*.tf) to convert.', required: true }) }

  async run(): Promise<ConvertResult> {
    const { argv } = await this.parse(Convert)
    const { convertFiles } = await import('../services/convert.js')
    const result = await convertFiles(argv as string[])
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const [{ renderConverted }, { renderDiagnostics }] = await Promise.all([import('../ui/convert.js'), import('../ui/diagnostics.js')])
      if (result.files.length > 0) this.log(renderConverted(result).trimEnd())
      if (result.diagnostics.length > 0) this.logToStderr(renderDiagnostics(result.diagnostics, this.style))
    }
    return result
  }
}
