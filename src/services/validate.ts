import { sortDiagnostics, type Diagnostic } from '../diagnostics/index.js'
import type { VariableSource } from '../config/variables.js'
import { loadConfiguration } from './setup/configuration.js'

export interface ValidateOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
}

/** The `validate --json` payload (schemas/validate.json). */
export interface ValidateResult {
  format_version: '1.0'
  valid: boolean
  error_count: number
  warning_count: number
  resource_count: number
  diagnostics: Diagnostic[]
}

export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const { config, diagnostics } = await loadConfiguration(options)
  const sorted = sortDiagnostics(diagnostics)
  const errors = sorted.filter((d) => d.severity === 'error').length
  return {
    format_version: '1.0',
    valid: errors === 0,
    error_count: errors,
    warning_count: sorted.length - errors,
    resource_count: config?.resources.length ?? 0,
    diagnostics: sorted,
  }
}
