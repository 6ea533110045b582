import { Command, Errors, Flags, type Interfaces } from '@oclif/core'
import type { Input, ParserOutput } from '@oclif/core/interfaces'
import { didYouMean, type Diagnostic } from '../diagnostics/index.js'
import { REQUEST_TIMEOUT_ENV, parseRequestTimeout } from '../sagemaker/timeouts.js'
import { jsonSafe, terminalSafe } from '../ui/escape.js'
import { makeStyle, wantsColor, type Style } from '../ui/style.js'
import { normalizeTerraformFlags } from './args.js'

export const connectionFlags = {
  region: Flags.string({ description: 'AWS region (overrides the provider block and AWS_REGION).' }),
  profile: Flags.string({ description: 'AWS shared-config profile (overrides the provider block and AWS_PROFILE).' }),
}
export const parallelismFlag = Flags.integer({ description: 'How many SageMaker calls and actions run at once.', default: 10, min: 1 })

export const quotaCheckFlag = Flags.boolean({ description: 'Check the new jobs against the account\'s SageMaker quotas (Service Quotas and running jobs; --no-quota-check skips it).', default: true, allowNo: true })

export const targetFlag = Flags.string({ description: 'Plan only this resource (every instance) or instance, and what it depends on (destroy: what depends on it); repeatable. For exceptional use, as in Terraform.', multiple: true, multipleNonGreedy: true })

export const refreshOnlyFlag = Flags.boolean({ description: 'Only record what SageMaker says now (statuses, best training jobs, outputs) in the state: no job is created, stopped or updated.' })

export const chdirFlag = Flags.string({ char: 'C', description: 'Work in this directory, as terraform -chdir does: the configuration (*.hcl), the state and relative paths in other flags and arguments are read there.', default: '.' })
export const variableFlags = {
  var: Flags.string({ description: 'Set a variable: --var name=value (repeatable; later wins).', multiple: true, multipleNonGreedy: true }),
  'var-file': Flags.string({ description: 'Read variable values from an HCL file (repeatable; later wins).', multiple: true, multipleNonGreedy: true }),
}

/**
 * Exit codes (documented in README): 0 success; 1 error, including every usage error (unknown flag, bad value, missing
 * or extra argument); 2 changes present (plan/apply --detailed-exitcode), and only that; 3 the jobs waited for all
 * ended but not all Completed (apply --wait, watch); 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM. fmt keeps
 * terraform fmt's: 2 a file could not be read, parsed or written, 3 --check found a file to format.
 */
export const EXIT = { ok: 0, error: 1, changes: 2, notCompleted: 3, interrupted: 130, terminated: 143, fmtInvalidFile: 2, fmtUnformatted: 3 } as const

/** The exit status of a wait (watch, apply --wait) by how it ended (services/wait/follow.ts). */
export const WAIT_EXIT = { completed: EXIT.ok, 'not-completed': EXIT.notCompleted, interrupted: EXIT.interrupted, failed: EXIT.error, nothing: EXIT.ok } as const

/**
 * `--request-timeout` hands its value to the AWS clients of this run through their variable, which is also how cron
 * and CI set it; a value that is not a positive duration, from either, is a usage error before anything runs.
 */
const requestTimeoutFlag = Flags.custom<number>({
  description: `The most one call to AWS (SageMaker, S3, CloudWatch Logs, Price List, Service Quotas) may take, retries included, e.g. 30s or 2m (default 60s; also ${REQUEST_TIMEOUT_ENV}); each connection attempt gets a sixth of it.`,
  env: REQUEST_TIMEOUT_ENV,
  helpGroup: 'GLOBAL',
  parse: async (input) => {
    const ms = parseRequestTimeout(input)
    if (ms === undefined) throw new Error(`"${input}" (--request-timeout or ${REQUEST_TIMEOUT_ENV}) is not a positive duration such as 30s, 2m or 1m30s.`)
    process.env[REQUEST_TIMEOUT_ENV] = input
    return ms
  },
})

/** The `--json` payload of a command that failed before it could make its own: schemas/error.json. */
export interface ErrorPayload {
  error: { kind: 'usage' | 'internal'; message: string; hint?: string }
  diagnostics: Diagnostic[]
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    'no-color': Flags.boolean({ description: 'Plain output without colour (also when NO_COLOR is set or output is not a terminal).', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ description: 'Show stack traces for unexpected errors.', helpGroup: 'GLOBAL' }),
    'request-timeout': requestTimeoutFlag(),
  }

  protected style: Style = makeStyle(false)
  private colored = false
  /** The directory given with -chdir/-C, as typed: hints that name files put it first, so they work where they were typed. */
  protected typedChdir: string | undefined

  /**
   * Terraform's -chdir: the process works in that directory, so relative paths in flags and arguments (--var-file,
   * --out, a plan file, --pricing) are read from there, as Terraform reads them. A directory that cannot be entered is
   * left to the command, which reports it as it reports any unreadable configuration directory.
   */
  protected override async parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(options?: Input<F, B, A>, argv?: string[]): Promise<ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv)
    const flags = parsed.flags as { chdir?: unknown }
    if (typeof flags.chdir === 'string' && flags.chdir !== '.') {
      try {
        process.chdir(flags.chdir)
        this.typedChdir = flags.chdir
        // Absolute: the files messages name (the state, a manifest) can be found from where the command was typed.
        flags.chdir = process.cwd()
      } catch {
        // reported by the command
      }
    }
    return parsed
  }

  override async init(): Promise<void> {
    const ctor = this.ctor as typeof BaseCommand
    const flags = { ...ctor.baseFlags, ...(ctor.flags ?? {}) }
    const longFlags = new Set(Object.keys(flags).concat('json'))
    const booleans = new Set(Object.entries(flags).filter(([, f]) => f.type === 'boolean').map(([name]) => name))
    this.argv = normalizeTerraformFlags(this.argv, longFlags, booleans)
    await super.init()
    this.colored = wantsColor(this.argv.includes('--no-color'))
    this.style = makeStyle(this.colored)
  }

  // Every line a command prints passes here: control characters from SageMaker, CloudWatch or a manifest are shown
  // escaped, never interpreted by the terminal (escape.ts).
  override log(message = '', ...args: unknown[]): void {
    super.log(terminalSafe(message, this.colored), ...args)
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(terminalSafe(message, this.colored), ...args)
  }

  override logJson(json: unknown): void {
    process.stdout.write(jsonSafe(JSON.stringify(json, null, 2)) + '\n')
  }

  /**
   * Usage errors and errors a command raised on purpose: one sentence and a hint, exit 1 (never 2, which means
   * "changes" to --detailed-exitcode). Unexpected failures: one sentence, and the stack only with --debug. With
   * --json, either becomes an error payload on stdout, so a pipeline always has JSON to read.
   */
  protected override async catch(err: Interfaces.CommandError): Promise<unknown> {
    if (err instanceof Errors.ExitError) return super.catch(err)
    // oclif's flag value errors ("Parsing --x ...") are plain errors; its other parse errors carry `parse`.
    const usage = 'parse' in err || /^Parsing --/.test(err.message)
    const deliberate = err instanceof Errors.CLIError
    if (!usage && !deliberate && this.argv.includes('--debug')) return super.catch(err)
    const message = usage ? this.usageMessage(err) : oneSentence(err.message)
    const hint = usage ? `See "${this.config.bin} ${this.commandName()} --help" for usage.` : deliberate ? undefined : 'Run again with --debug for details.'
    process.exitCode = deliberate && typeof err.oclif?.exit === 'number' && err.oclif.exit !== EXIT.changes ? err.oclif.exit : EXIT.error
    if (this.jsonEnabled()) {
      const payload: ErrorPayload = {
        error: { kind: usage || deliberate ? 'usage' : 'internal', message, ...(hint ? { hint } : {}) },
        diagnostics: [{ severity: 'error', summary: message, ...(hint ? { hint } : {}) }],
      }
      this.logJson(payload)
      return undefined
    }
    this.logToStderr(`${this.style.red(this.style.bold('Error:'))} ${message}`)
    if (hint) this.logToStderr(this.style.dim(hint))
    return undefined
  }

  /**
   * Sets the exit status from the diagnostics and, without --json, prints the result on stdout and the diagnostics on
   * stderr (so that `sageform output --raw x` and `sageform state list` stay clean in pipes); returns the --json payload.
   */
  protected async finish<T extends { diagnostics: Diagnostic[] }>(result: T, renderer: () => Promise<(result: T, style: Style) => string>): Promise<T> {
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (this.jsonEnabled()) return result
    const text = (await renderer())(result, this.style)
    if (text) this.log(text)
    if (result.diagnostics.length > 0) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      this.logToStderr(renderDiagnostics(result.diagnostics, this.style))
    }
    return result
  }

  private commandName(): string {
    return (this.id ?? '').split(':').join(' ')
  }

  /** oclif's parse errors as one sentence; an unknown flag gets a did-you-mean from this command's flags. */
  private usageMessage(err: Error): string {
    const flags = (err as { flags?: unknown }).flags
    if (Array.isArray(flags) && flags.length > 0) {
      const ctor = this.ctor as typeof BaseCommand
      const defined = Object.entries({ ...ctor.baseFlags, ...(ctor.flags ?? {}) }).flatMap(([name, f]) => [name, ...(f.type === 'boolean' && f.allowNo ? [`no-${name}`] : [])])
      const names = flags.map(String)
      const suggestion = names.length === 1 ? didYouMean(names[0]!.replace(/^-+/, ''), [...defined, ...(ctor.enableJsonFlag ? ['json'] : [])]) : undefined
      return `Unknown flag${names.length > 1 ? 's' : ''} ${names.join(', ')} for "${this.config.bin} ${this.commandName()}"${suggestion ? `: did you mean --${suggestion}?` : '.'}`
    }
    const text = oneSentence(err.message.replace(/\nSee more help with --help$/, ''))
    const value = /^Parsing (--[a-z0-9-]+) (.*)$/.exec(text)
    return value ? `Invalid value for ${value[1]}: ${value[2]}` : text
  }
}

/** A multi-line message (oclif's "Parsing --x\n\tExpected ...") as one line. */
function oneSentence(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^The following error occurred: /, '')
}
