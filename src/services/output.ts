import { didYouMean, type Diagnostic } from '../diagnostics/index.js'
import type { JsonValue } from '../model/state.js'
import { loadState } from './setup/state.js'

export interface OutputOptions {
  dir: string
  /** One output; absent for all of them. */
  name?: string
  /** The caller will print the value bare (`-raw`), which only a string, number or bool can be. */
  raw?: boolean
}

/** The `output --json` payload (schemas/output.json). */
export interface OutputResult {
  format_version: '1.0'
  /** The outputs recorded by the last apply, sorted by name; just `name` when one was asked for. */
  outputs: Record<string, { value: JsonValue; sensitive: boolean }>
  diagnostics: Diagnostic[]
}

export async function outputs(options: OutputOptions): Promise<OutputResult> {
  const { state, diagnostics } = await loadState(options.dir)
  const recorded = state?.outputs ?? {}
  const all = Object.fromEntries(
    Object.entries(recorded)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, o]) => [name, { value: o.value, sensitive: o.sensitive ?? false }]),
  )
  if (options.raw && options.name === undefined) {
    return { format_version: '1.0', outputs: {}, diagnostics: [...diagnostics, { severity: 'error', summary: 'Output name required', detail: '--raw prints a single output: name it, as in sageform output --raw model_uri.' }] }
  }
  if (options.name === undefined || diagnostics.length > 0) return { format_version: '1.0', outputs: options.name === undefined ? all : {}, diagnostics }
  const one = all[options.name]
  if (one) {
    const scalar = typeof one.value === 'string' || typeof one.value === 'number' || typeof one.value === 'boolean'
    if (options.raw && !scalar) {
      return { format_version: '1.0', outputs: {}, diagnostics: [{ severity: 'error', summary: 'Unsupported value for raw output', detail: `Output "${options.name}" is ${one.value === null ? 'null' : Array.isArray(one.value) ? 'a list' : 'an object'}; --raw prints only strings, numbers and bools.`, hint: 'Use --json for structured values.' }] }
    }
    return { format_version: '1.0', outputs: { [options.name]: one }, diagnostics }
  }
  const suggestion = didYouMean(options.name, Object.keys(all))
  return {
    format_version: '1.0',
    outputs: {},
    diagnostics: [
      {
        severity: 'error',
        summary: 'Output not found',
        detail: `The state has no output "${options.name}"${Object.keys(all).length === 0 ? ': no outputs are recorded yet (they are written by apply)' : ''}.`,
        ...(suggestion ? { hint: `Did you mean "${suggestion}"?` } : {}),
      },
    ],
  }
}
