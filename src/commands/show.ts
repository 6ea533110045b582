import { Args } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag } from './base.js'
import type { ShowResult } from '../services/show.js'

export default class ShowCommand extends BaseCommand {
  static override summary = 'Show a saved plan, or the jobs recorded in the state file.'
  static override description = 'Without an argument, lists every resource in the state with its current job and earlier generations, and the outputs. With a plan file from `plan --out`, shows that plan as plan would have. Reads files only; no network.\n\nExit status: 0 success; 1 error.'
  static override examples = ['<%= config.bin %> show', '<%= config.bin %> show plan.json --json']
  static override args = { planfile: Args.string({ description: 'A plan saved by `sageform plan --out FILE`.' }) }
  static override flags = { chdir: chdirFlag }

  async run(): Promise<ShowResult> {
    const { flags, args } = await this.parse(ShowCommand)
    const { show } = await import('../services/show.js')
    const result = await show({ dir: flags.chdir, planFile: args.planfile })
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (!this.jsonEnabled()) {
      const { renderShow } = await import('../ui/show.js')
      this.log(renderShow(result, this.style))
    }
    return result
  }
}
