import type { ValidateResult } from '../services/validate.js'
import { renderDiagnostics } from './diagnostics.js'
import type { Style } from './style.js'

export function renderValidate(result: ValidateResult, style: Style): string {
  const parts: string[] = []
  if (result.diagnostics.length > 0) parts.push(renderDiagnostics(result.diagnostics, style), '')
  if (result.valid) {
    const warnings = result.warning_count ? `, with ${result.warning_count} warning${result.warning_count === 1 ? '' : 's'}` : ''
    parts.push(style.green(style.bold(`Success! The configuration is valid${warnings}.`)) + style.dim(` (${result.resource_count} resource${result.resource_count === 1 ? '' : 's'})`))
  } else {
    parts.push(style.red(`${result.error_count} error${result.error_count === 1 ? '' : 's'}${result.warning_count ? `, ${result.warning_count} warning${result.warning_count === 1 ? '' : 's'}` : ''}: the configuration is not valid.`))
  }
  return parts.join('\n')
}
