import { Args, Flags } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag } from './base.js'
import type { ShowResult } from '../services/show.js'

export default class ShowCommand extends BaseCommand {
  static override summary = 'Show a saved plan, or the jobs recorded in the state file.'
  static override description = 'Without an argument, lists every resource in the state with its current job and earlier generations, and the outputs. With a plan file from `plan --out`, shows that plan as plan would have. Reads files only; no network.\n\nExit status: 0 success; 1 error.'
  static override examples = ['<%= config.bin %> show', '<%= config.bin %> show plan.json --json', '<%= config.bin %> show --markdown plan.json > plan.md']
  static override args = { planfile: Args.string({ description: 'A plan saved by `sageform plan --out FILE`.' }) }
  static override flags = {
    chdir: chdirFlag,
    markdown: Flags.boolean({ description: 'Print the saved plan as Markdown (a summary table and collapsible diffs) for a pull-request comment; needs PLANFILE; not with --json.' }),
  }

  async run(): Promise<ShowResult> {
    const { flags, args } = await this.parse(ShowCommand)
    if (flags.markdown && this.jsonEnabled()) this.error('--markdown and --json cannot be used together.', { exit: EXIT.error })
    if (flags.markdown && !args.planfile) this.error('--markdown shows a saved plan: give the PLANFILE from `sageform plan --out FILE`.', { exit: EXIT.error })
    const { show } = await import('../services/show.js')
    const result = await show({ dir: flags.chdir, planFile: args.planfile })
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (flags.markdown && result.plan) {
      const { renderPlanMarkdown } = await import('../ui/markdown.js')
      this.log(renderPlanMarkdown(result.plan))
    } else if (!this.jsonEnabled()) {
      const { renderShow } = await import('../ui/show.js')
      this.log(renderShow(result, this.style))
    }
    return result
  }
}
