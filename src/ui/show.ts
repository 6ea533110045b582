import type { ShowResult } from '../services/show.js'
import { renderDiagnostics } from './diagnostics.js'
import { formatValue } from './output.js'
import { oneLine } from './escape.js'
import { renderPlan } from './plan.js'
import type { Style } from './style.js'

export function renderShow(result: ShowResult, style: Style): string {
  if (result.diagnostics.some((d) => d.severity === 'error')) return renderDiagnostics(result.diagnostics, style)
  if (result.plan) return renderPlan(result.plan, style)
  const state = result.state
  if (!state || Object.keys(state.resources).length === 0) return 'The state is empty: sageform manages no jobs here yet.'
  // Every field is one line, escaped (escape.ts): the state file holds SageMaker's text, such as a FailureReason.
  const lines: string[] = [style.dim(`# state ${oneLine(state.lineage)}, serial ${state.serial}`)]
  for (const [address, resource] of Object.entries(state.resources).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push('', style.bold(`# ${oneLine(address)}`))
    const job = resource.current
    if (job) lines.push(`  job     = ${oneLine(job.name)} (${oneLine(job.status)}, generation ${job.generation ?? 1})`, `  arn     = ${oneLine(job.arn)}`, `  created = ${oneLine(job.created_at)}${job.ended_at ? `, ended ${oneLine(job.ended_at)}` : ''}`)
    if (job?.failure_reason) lines.push(`  failure = ${oneLine(job.failure_reason)}`)
    for (const old of resource.history) lines.push(style.dim(`  earlier: ${oneLine(old.name)} (${oneLine(old.status)}, generation ${old.generation ?? 1})`))
  }
  const outputs = Object.entries(state.outputs ?? {})
  if (outputs.length > 0) {
    lines.push('', style.bold('Outputs:'))
    // As `sageform output` prints them: HCL notation, <sensitive> for a sensitive value.
    for (const [name, output] of outputs) lines.push(`  ${oneLine(name)} = ${output.sensitive ? style.dim('<sensitive>') : formatValue(output.value, '  ')}`)
  }
  return lines.join('\n')
}
