// Terraform habits on the command line: single-dash long flags (`-auto-approve`, `-out=FILE`, `-var k=v`) and a
// global `-chdir=DIR` before the subcommand. Both are rewritten to oclif's spelling before parsing.
import type { VariableSource } from '../config/variables.js'

/**
 * `-name[=value]` → `--name[=value]` when `name` is one of the command's long flags, and Terraform's
 * `-refresh=false` (or `-no-refresh`) → `--no-refresh` for boolean flags; nothing after `--` changes.
 */
export function normalizeTerraformFlags(argv: readonly string[], longFlags: ReadonlySet<string>, booleanFlags: ReadonlySet<string> = new Set()): string[] {
  const end = argv.indexOf('--')
  return argv.map((arg, i) => {
    if (end !== -1 && i >= end) return arg
    const m = /^--?([a-z][a-z0-9-]+)(=.*)?$/.exec(arg)
    if (!m) return arg
    const [, name, value] = m
    // `-no-refresh`: the negation oclif offers for a boolean flag, in the same single-dash spelling.
    if (name!.startsWith('no-') && booleanFlags.has(name!.slice(3)) && value === undefined) return `--${name}`
    if (!longFlags.has(name!)) return arg
    if (booleanFlags.has(name!) && (value === '=false' || value === '=true')) return value === '=true' ? `--${name}` : `--no-${name}`
    return `--${name}${value ?? ''}`
  })
}

/** `sageform -chdir=DIR plan` → `sageform plan --chdir=DIR`, as Terraform users type it. */
export function hoistGlobalChdir(argv: readonly string[]): string[] {
  const out = [...argv]
  const leading: string[] = []
  while (out.length > 0) {
    const arg = out[0]!
    if (/^--?chdir=/.test(arg)) leading.push(`--chdir=${arg.slice(arg.indexOf('=') + 1)}`)
    else if ((arg === '-C' || arg === '--chdir' || arg === '-chdir') && out.length > 1) {
      leading.push(`--chdir=${out[1]}`)
      out.shift()
    } else break
    out.shift()
  }
  if (leading.length === 0 || out.length === 0) return [...argv]
  // Command ids are the leading words that are not flags (`state list`); the hoisted flag goes after them.
  let idEnd = 0
  while (idEnd < out.length && !out[idEnd]!.startsWith('-') && idEnd < 2) idEnd++
  return [...out.slice(0, Math.max(1, idEnd)), ...leading, ...out.slice(Math.max(1, idEnd))]
}

/**
 * --var and --var-file in the order given: Terraform's precedence is "later wins" across both kinds, which oclif's
 * separate flag arrays would lose.
 */
export function variableSources(argv: readonly string[]): { sources: VariableSource[]; errors: string[] } {
  const sources: VariableSource[] = []
  const errors: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    const m = /^--(var|var-file)(?:=(.*))?$/.exec(arg)
    if (!m) continue
    const value = m[2] ?? argv[++i]
    if (value === undefined) {
      errors.push(`--${m[1]} needs a value.`)
      continue
    }
    if (m[1] === 'var-file') sources.push({ kind: 'var-file', path: value })
    else {
      const eq = value.indexOf('=')
      if (eq <= 0) errors.push(`--var "${value}" must look like name=value.`)
      else sources.push({ kind: 'var', name: value.slice(0, eq), value: value.slice(eq + 1) })
    }
  }
  return { sources, errors }
}

const HELP_FLAGS = new Set(['-h', '-help', '--help'])

/**
 * `sageform help X -h` is `sageform help X`, and `sageform help -h` asks about help itself: oclif would show the root
 * help for both, since its help skips the word "help".
 */
export function helpCommandArgv(argv: readonly string[]): string[] {
  if (argv[0] !== 'help') return [...argv]
  // A hoisted `-chdir=DIR` (sageform -chdir=DIR help plan) changes nothing about help.
  const rest = argv.slice(1).filter((arg) => !HELP_FLAGS.has(arg) && !arg.startsWith('--chdir='))
  return rest.length === 0 && argv.length > 1 ? ['help', 'help'] : ['help', ...rest]
}

/**
 * Whether this run is a plan that will read SageMaker, told from the words alone: src/cli.ts then starts the refresh's
 * worker before oclif and the command load. A wrong guess costs a worker started for nothing, or started later.
 */
export function plansWithRefresh(argv: readonly string[]): boolean {
  const args = hoistGlobalChdir(argv)
  if (args[0] !== 'plan') return false
  const end = args.indexOf('--')
  return !(end === -1 ? args : args.slice(0, end)).some((arg) => HELP_FLAGS.has(arg) || /^--?(no-refresh|refresh=false)$/.test(arg))
}
