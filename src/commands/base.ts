import { Command, Flags, type Interfaces } from '@oclif/core'
import { makeStyle, wantsColor, type Style } from '../ui/style.js'
import { normalizeTerraformFlags } from './args.js'

export const connectionFlags = {
  region: Flags.string({ description: 'AWS region (overrides the provider block and AWS_REGION).' }),
  profile: Flags.string({ description: 'AWS shared-config profile (overrides the provider block and AWS_PROFILE).' }),
}
export const parallelismFlag = Flags.integer({ description: 'How many SageMaker calls and actions run at once.', default: 10, min: 1 })

export const chdirFlag = Flags.string({ char: 'C', description: 'Directory holding the configuration (*.hcl), like terraform -chdir.', default: '.' })
export const variableFlags = {
  var: Flags.string({ description: 'Set a variable: --var name=value (repeatable; later wins).', multiple: true }),
  'var-file': Flags.string({ description: 'Read variable values from an HCL file (repeatable; later wins).', multiple: true }),
}

/**
 * Exit codes (documented in README): 0 success, 1 error, 2 changes present (plan --detailed-exitcode), 3 the jobs
 * waited for all ended but not all Completed (apply --wait, watch), 130 interrupted by Ctrl-C while waiting; fmt keeps
 * terraform fmt's: 2 a file could not be read, parsed or written, 3 --check found a file to format.
 */
export const EXIT = { ok: 0, error: 1, changes: 2, notCompleted: 3, interrupted: 130, fmtInvalidFile: 2, fmtUnformatted: 3 } as const

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    'no-color': Flags.boolean({ description: 'Plain output without colour (also when NO_COLOR is set or output is not a terminal).', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ description: 'Show stack traces for unexpected errors.', helpGroup: 'GLOBAL' }),
  }

  protected style: Style = makeStyle(false)

  override async init(): Promise<void> {
    const ctor = this.ctor as typeof BaseCommand
    const flags = { ...ctor.baseFlags, ...(ctor.flags ?? {}) }
    const longFlags = new Set(Object.keys(flags).concat('json'))
    const booleans = new Set(Object.entries(flags).filter(([, f]) => f.type === 'boolean').map(([name]) => name))
    this.argv = normalizeTerraformFlags(this.argv, longFlags, booleans)
    await super.init()
    this.style = makeStyle(wantsColor(this.argv.includes('--no-color')))
  }

  /** Unexpected failures: one sentence, and the stack only with --debug. */
  protected override async catch(err: Interfaces.CommandError): Promise<unknown> {
    if ((err as { oclif?: { exit?: number } }).oclif?.exit !== undefined || this.argv.includes('--debug') || err.name === 'CLIError') return super.catch(err)
    this.logToStderr(`${this.style.red(this.style.bold('Error:'))} ${err.message}`)
    this.logToStderr(this.style.dim('Run again with --debug for details.'))
    process.exitCode = EXIT.error
    return undefined
  }
}
