import { BaseCommand, EXIT, chdirFlag, variableFlags } from './base.js'
import { variableSources } from './args.js'
import type { ValidateResult } from '../services/validate.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check the configuration against SageMaker\'s API constraints, without any network call.'
  static override description = `Parses every *.hcl file in the directory, evaluates variables and expressions, and checks every value as SageMaker would: types, required members, enums, lengths, patterns, list sizes, numeric ranges, and the rules SageMaker documents across fields. All problems are reported, each with file:line:col.

Exit status: 0 when valid, 1 when there are errors.`
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -C examples/xgboost-training --json']
  static override flags = { chdir: chdirFlag, ...variableFlags }

  async run(): Promise<ValidateResult> {
    const { flags } = await this.parse(Validate)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const { validate } = await import('../services/validate.js')
    const result = await validate({ dir: flags.chdir, variables: sources, env: process.env })
    if (!result.valid) process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const { renderValidate } = await import('../ui/validate.js')
      this.log(renderValidate(result, this.style))
    }
    return result
  }
}
