// Renders diagnostics the way Terraform does: severity and summary, file:line:col, the source line with the value
// underlined, the detail, and a hint.
import { readFileSync } from 'node:fs'
import type { Diagnostic } from '../diagnostics/index.js'
import { redactCredentials } from '../util/credentials.js'
import { oneLine } from './escape.js'
import type { Style } from './style.js'

export function renderDiagnostic(d: Diagnostic, style: Style, readSource: (file: string) => string | undefined = readQuietly): string {
  const colour = d.severity === 'error' ? style.red : style.yellow
  const lines: string[] = []
  // A diagnostic echoes manifest text and SageMaker's messages: each field is escaped before it is styled (escape.ts);
  // the detail and the hint keep their line breaks, each line escaped and indented.
  const where = d.range ? `${oneLine(d.range.file)}:${d.range.start.line}:${d.range.start.column}: ` : ''
  lines.push(`${colour(style.bold(d.severity === 'error' ? 'Error:' : 'Warning:'))} ${where}${style.bold(oneLine(d.summary))}`)
  const context = oneLine([d.address, d.attribute].filter(Boolean).join(', attribute '))
  if (context) lines.push(`  ${style.dim('on')} ${context}`)
  const source = d.range && readSource(d.range.file)
  if (d.range && source !== undefined) {
    const text = source.split('\n')[d.range.start.line - 1]
    if (text !== undefined) {
      const gutter = String(d.range.start.line)
      const sameLine = d.range.end.line === d.range.start.line
      const width = Math.max(1, sameLine ? d.range.end.column - d.range.start.column : text.length - d.range.start.column + 1)
      // The line may hold the very credential the diagnostic refuses; a log must not carry it further.
      lines.push(`  ${style.dim(gutter + ' │')} ${oneLine(redactCredentials(text).replace(/\r$/, '').replace(/\t/g, ' '))}`)
      lines.push(`  ${' '.repeat(gutter.length)} ${style.dim('│')} ${' '.repeat(d.range.start.column - 1)}${colour('^' + '~'.repeat(width - 1))}`)
    }
  }
  if (d.detail) lines.push('', indent(d.detail))
  if (d.hint) lines.push(`  ${style.cyan('Hint:')} ${indent(d.hint).slice(2)}`)
  return lines.join('\n')
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${oneLine(l)}`)
    .join('\n')
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], style: Style): string {
  return diagnostics.map((d) => renderDiagnostic(d, style)).join('\n\n')
}
