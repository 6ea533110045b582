// `sageform output`: values in HCL notation, as `terraform output` prints them. Sensitive values print as <sensitive>,
// in the listing and by name; only --raw NAME and --json give them, as Terraform's -raw and -json do.
import type { OutputResult } from '../services/output.js'
import type { JsonValue } from '../model/state.js'
import type { Style } from './style.js'

export function renderOutputs(result: OutputResult, style: Style, options: { name?: string; raw?: boolean } = {}): string {
  if (options.name !== undefined) {
    const one = result.outputs[options.name]
    if (!one) return ''
    // As terraform output NAME: a sensitive value is printed only when asked for in a form meant for programs.
    if (options.raw) return rawValue(one.value)
    return one.sensitive ? style.dim('<sensitive>') : formatValue(one.value)
  }
  const entries = Object.entries(result.outputs)
  if (entries.length === 0) return result.diagnostics.length > 0 ? '' : style.dim('No outputs recorded in the state.')
  return entries.map(([name, o]) => `${name} = ${o.sensitive ? style.dim('<sensitive>') : formatValue(o.value)}`).join('\n')
}

/** What --raw prints: a string without quotes, a number or bool as written (the service refuses other values). */
function rawValue(value: JsonValue): string {
  return typeof value === 'string' ? value : String(value)
}

export function formatValue(value: JsonValue, indent = ''): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : String(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map((v) => `${inner}${formatValue(v, inner)},`).join('\n')}\n${indent}]`
  }
  const entries = Object.entries(value)
  if (entries.length === 0) return '{}'
  const width = Math.max(...entries.map(([k]) => key(k).length))
  return `{\n${entries.map(([k, v]) => `${inner}${key(k).padEnd(width)} = ${formatValue(v, inner)}`).join('\n')}\n${indent}}`
}

/** An object key as HCL writes it: bare when it is an identifier, quoted otherwise. */
function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)
}
