import { Args, Flags } from '@oclif/core'
import { BaseCommand, chdirFlag } from './base.js'
import type { OutputResult } from '../services/output.js'

export default class Output extends BaseCommand {
  static override summary = 'Show the outputs recorded in the state by the last apply.'
  static override description = `Without NAME, every output; with NAME, that output's value. Sensitive values print as <sensitive>, except with --raw NAME or --json (as terraform output -raw / -json). Reads sageform.state.json only.

Exit status: 0 success; 1 when NAME is not an output or the state file cannot be read.`
  static override examples = ['<%= config.bin %> output', '<%= config.bin %> output model_uri --raw', '<%= config.bin %> output --json']
  static override args = { name: Args.string({ description: 'The output to show.' }) }
  static override flags = {
    chdir: chdirFlag,
    raw: Flags.boolean({ description: 'Print a string, number or bool output bare, for scripts (needs NAME).', default: false }),
  }

  async run(): Promise<OutputResult> {
    const { flags, args } = await this.parse(Output)
    const { outputs } = await import('../services/output.js')
    const result = await outputs({ dir: flags.chdir, name: args.name, raw: flags.raw })
    return this.finish(result, async () => {
      const { renderOutputs } = await import('../ui/output.js')
      return (r, style) => renderOutputs(r, style, { name: args.name, raw: flags.raw })
    })
  }
}
