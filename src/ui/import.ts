import type { ImportResult, LineageImportResult, TerraformImportResult } from '../services/import.js'
import { renderDiagnostics } from './diagnostics.js'
import { oneLine } from './escape.js'
import type { Style } from './style.js'

export function renderImport(result: ImportResult, style: Style): string {
  if (!result.imported || !result.job) return renderDiagnostics(result.diagnostics, style)
  const { job } = result
  const lines = [style.green(style.bold(`Import successful!`)) + ` ${oneLine(result.address)} is now job ${oneLine(job.name)} (${oneLine(job.status)}).`]
  lines.push(
    result.matches_configuration
      ? 'The job matches the configuration: the next plan has nothing to do for it.'
      : style.yellow('The job differs from the configuration: the next plan shows the differences and replaces it (sageform plan).'),
  )
  return lines.join('\n')
}

/** import --from-terraform-state and import --lineage: one line per job found, then the totals. */
export function renderBulkImport(result: TerraformImportResult | LineageImportResult, style: Style): string {
  const lines: string[] = []
  for (const entry of result.resources) {
    // Names and reasons may come from a Terraform state or SageMaker: one line each, escaped (escape.ts).
    const job = entry.job_name ? ` (job ${oneLine(entry.job_name)})` : ''
    const address = oneLine(entry.address)
    if (entry.action === 'skipped') lines.push(`${style.yellow('skip')}   ${address}${job}: ${oneLine(String(entry.reason))}`)
    else {
      const verb = entry.action === 'adopted' ? style.green('import') : style.cyan('would import')
      const differs = entry.matches_configuration ? '' : style.yellow(' — differs from the configuration: the next plan replaces it')
      const moved = entry.moved_from ? style.dim(` (moved from ${oneLine(entry.moved_from)})`) : ''
      lines.push(`${verb} ${address}${moved}${job}${differs}`)
    }
  }
  const adopted = result.resources.filter((e) => e.action !== 'skipped').length
  const ignored = 'ignored_resources' in result && result.ignored_resources > 0 ? `; ${result.ignored_resources} other resource(s) in the Terraform state left to Terraform` : ''
  const summary = result.dry_run
    ? `Dry run: would import ${adopted} of ${result.resources.length} job(s)${ignored}. Nothing was written.`
    : `Imported ${adopted} of ${result.resources.length} job(s)${ignored}.`
  if (result.diagnostics.some((d) => d.severity === 'error')) return renderDiagnostics(result.diagnostics, style)
  lines.push(style.bold(summary))
  if (result.diagnostics.length > 0) lines.push('', renderDiagnostics(result.diagnostics, style))
  return lines.join('\n')
}
