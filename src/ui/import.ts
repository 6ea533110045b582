import type { ImportResult } from '../services/import.js'
import { renderDiagnostics } from './diagnostics.js'
import type { Style } from './style.js'

export function renderImport(result: ImportResult, style: Style): string {
  if (!result.imported || !result.job) return renderDiagnostics(result.diagnostics, style)
  const { job } = result
  const lines = [style.green(style.bold(`Import successful!`)) + ` ${result.address} is now job ${job.name} (${job.status}).`]
  lines.push(
    result.matches_configuration
      ? 'The job matches the configuration: the next plan has nothing to do for it.'
      : style.yellow('The job differs from the configuration: the next plan shows the differences and replaces it (sageform plan).'),
  )
  return lines.join('\n')
}
