// Diagnostics are values, collected and returned, never thrown for user errors (Terraform's tfdiags model).

export interface Position {
  /** 1-based line. */
  line: number
  /** 1-based column, counted in characters. */
  column: number
  /** 0-based byte offset into the file. */
  byte: number
}

export interface SourceRange {
  file: string
  start: Position
  end: Position
}

export type Severity = 'error' | 'warning'

export interface Diagnostic {
  severity: Severity
  summary: string
  detail?: string
  /** Resource or block address, e.g. `sagemaker_training_job.xgb` or `var.region`. */
  address?: string
  /** Attribute path inside the addressed block, in manifest (snake_case) spelling, e.g. `resource_config.instance_count`. */
  attribute?: string
  hint?: string
  range?: SourceRange
}

export class Diagnostics {
  readonly items: Diagnostic[] = []

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic)
  }

  error(summary: string, rest: Omit<Diagnostic, 'severity' | 'summary'> = {}): void {
    this.items.push({ severity: 'error', summary, ...rest })
  }

  warning(summary: string, rest: Omit<Diagnostic, 'severity' | 'summary'> = {}): void {
    this.items.push({ severity: 'warning', summary, ...rest })
  }

  append(others: Iterable<Diagnostic>): void {
    for (const d of others) this.items.push(d)
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error')
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length
  }

  get warningCount(): number {
    return this.items.filter((d) => d.severity === 'warning').length
  }
}

/** Stable order for output: by file, then position, so runs are reproducible whatever order checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.range?.file ?? ''
    const fb = b.range?.file ?? ''
    if (fa !== fb) return fa < fb ? -1 : 1
    return (a.range?.start.byte ?? 0) - (b.range?.start.byte ?? 0)
  })
}

/** Levenshtein-based suggestion, as Terraform's didyoumean: only close matches are offered. */
export function didYouMean(given: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(given.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  const threshold = Math.max(2, Math.floor(given.length / 3))
  return best !== undefined && bestDistance <= threshold ? best : undefined
}

/**
 * The hint for a value outside a fixed set (an API enum): the member it most likely meant (another case, a typo or two,
 * the only member it begins), or the members it begins (`ml.g5` → ml.g5.xlarge, ml.g5.2xlarge, ...); undefined when
 * none is close.
 */
export function suggestFrom(given: string, members: readonly string[]): string | undefined {
  const lower = given.toLowerCase()
  const meant = members.find((m) => m.toLowerCase() === lower) ?? didYouMean(given, members)
  if (meant) return `Did you mean "${meant}"?`
  const begun = lower.length >= 2 ? members.filter((m) => m.toLowerCase().startsWith(lower)) : []
  if (begun.length === 1) return `Did you mean "${begun[0]}"?`
  if (begun.length === 0) return undefined
  const shown = begun.slice(0, 5).map((m) => `"${m}"`).join(', ')
  return `Did you mean one of ${shown}${begun.length > 5 ? ` (${begun.length} in all)` : ''}?`
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return previous[b.length]!
}
