// Hyperparameter ranges, how each tuning strategy picks values from them, and the simulated model's response to those
// values.
//
// Objective function: every tuned hyperparameter is mapped to [0, 1] on its own scale (linear, logarithmic or reverse
// logarithmic; categorical values get a fixed pseudo-random position). Each hyperparameter has a hidden optimum in
// [0.2, 0.8] derived from its name, and the fit is 1 minus the mean squared distance to the optima. The metric is a
// smooth function of the fit plus a small jitter hashed from the values, so the best job is unique and the same on
// every run.
import { validationError } from './errors.js'
import { hashUnit } from './random.js'
import type { CategoricalRange, NumericRange, ObjectiveType, ParameterRanges } from './types.js'

type Scale = 'Linear' | 'Logarithmic' | 'ReverseLogarithmic'

export type Range =
  | { kind: 'Integer' | 'Continuous'; name: string; min: number; max: number; scale: Scale }
  | { kind: 'Categorical'; name: string; values: string[] }

/** The documented limit on hyperparameters one tuning job searches. */
const MAX_TUNED_HYPERPARAMETERS = 30

export function parseRanges(ranges: ParameterRanges): Range[] {
  const out: Range[] = [
    ...(ranges.IntegerParameterRanges ?? []).map((r) => numericRange('Integer', r)),
    ...(ranges.ContinuousParameterRanges ?? []).map((r) => numericRange('Continuous', r)),
    ...(ranges.CategoricalParameterRanges ?? []).map((r: CategoricalRange): Range => ({ kind: 'Categorical', name: r.Name, values: r.Values })),
    // Autotune would choose ranges itself; a fixed value at the hint is what it starts from.
    ...(ranges.AutoParameters ?? []).map((r): Range => ({ kind: 'Categorical', name: r.Name, values: [r.ValueHint] })),
  ]
  const seen = new Set<string>()
  for (const range of out) {
    if (seen.has(range.name)) throw validationError(`Hyperparameter ${range.name} is specified in more than one parameter range.`)
    seen.add(range.name)
  }
  if (out.length > MAX_TUNED_HYPERPARAMETERS) {
    throw validationError(`The number of hyperparameters to tune (${out.length}) exceeds the maximum of ${MAX_TUNED_HYPERPARAMETERS}.`)
  }
  return out
}

function numericRange(kind: 'Integer' | 'Continuous', r: NumericRange): Range {
  const parse = (text: string, which: string) => {
    const value = Number(text)
    if (text.trim() === '' || !Number.isFinite(value) || (kind === 'Integer' && !Number.isInteger(value))) {
      throw validationError(`The ${which} '${text}' of hyperparameter ${r.Name} is not a valid ${kind === 'Integer' ? 'integer' : 'number'}.`)
    }
    return value
  }
  const min = parse(r.MinValue, 'MinValue')
  const max = parse(r.MaxValue, 'MaxValue')
  if (min > max) throw validationError(`The MinValue ${r.MinValue} of hyperparameter ${r.Name} is greater than its MaxValue ${r.MaxValue}.`)
  // Auto lets the service choose; linear is the neutral choice.
  const scale: Scale = r.ScalingType === 'Logarithmic' || r.ScalingType === 'ReverseLogarithmic' ? r.ScalingType : 'Linear'
  if (scale === 'Logarithmic' && min <= 0) {
    throw validationError(`Logarithmic scaling works only for ranges that have only values greater than 0 (hyperparameter ${r.Name}).`)
  }
  if (scale === 'ReverseLogarithmic' && (kind === 'Integer' || min < 0 || max >= 1)) {
    throw validationError(`Reverse logarithmic scaling works only for continuous ranges that are entirely within 0<=x<1.0 (hyperparameter ${r.Name}).`)
  }
  return { kind, name: r.Name, min, max, scale }
}

/** Where a value sits in its range, 0..1, on the range's scale. */
function unitOf(range: Range, value: string): number {
  if (range.kind === 'Categorical') return hashUnit('category', range.name, value)
  const x = Number(value)
  if (range.max === range.min) return 0.5
  const [lo, hi, v] =
    range.scale === 'Logarithmic'
      ? [Math.log(range.min), Math.log(range.max), Math.log(x)]
      : range.scale === 'ReverseLogarithmic'
        ? [-Math.log(1 - range.min), -Math.log(1 - range.max), -Math.log(1 - x)]
        : [range.min, range.max, x]
  return Math.min(1, Math.max(0, (v - lo) / (hi - lo)))
}

function valueAt(range: Range, u: number): string {
  if (range.kind === 'Categorical') return range.values[Math.min(range.values.length - 1, Math.floor(u * range.values.length))] as string
  const { min, max } = range
  const x =
    range.scale === 'Logarithmic'
      ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
      : range.scale === 'ReverseLogarithmic'
        ? 1 - Math.exp(Math.log(1 - min) + u * (Math.log(1 - max) - Math.log(1 - min)))
        : min + u * (max - min)
  const clamped = Math.min(max, Math.max(min, x))
  return range.kind === 'Integer' ? String(Math.round(clamped)) : String(Number(clamped.toPrecision(10)))
}

export function sampleRandom(ranges: Range[], rng: () => number): Record<string, string> {
  return Object.fromEntries(ranges.map((range) => [range.name, valueAt(range, rng())]))
}

/**
 * Bayesian optimisation stand-in: once a few results are in, sample around the best configuration so far, keeping a
 * categorical value with some probability. Deterministic given the results known when the job is launched.
 */
export function sampleNear(ranges: Range[], best: Record<string, string>, rng: () => number): Record<string, string> {
  return Object.fromEntries(
    ranges.map((range) => {
      const current = best[range.name] ?? valueAt(range, 0.5)
      if (range.kind === 'Categorical') return [range.name, rng() < 0.7 ? current : valueAt(range, rng())]
      return [range.name, valueAt(range, Math.min(1, Math.max(0, unitOf(range, current) + (rng() - 0.5) * 0.3)))]
    }),
  )
}

export function gridSize(ranges: Range[]): number {
  return ranges.reduce((n, range) => n * (range.kind === 'Categorical' ? range.values.length : 1), 1)
}

/** The index-th combination, the last range varying fastest. */
export function gridPoint(ranges: Range[], index: number): Record<string, string> {
  const out: Record<string, string> = {}
  let rest = index
  for (const range of [...ranges].reverse()) {
    if (range.kind !== 'Categorical') continue
    out[range.name] = range.values[rest % range.values.length] as string
    rest = Math.floor(rest / range.values.length)
  }
  return out
}

export function fitOf(ranges: Range[], tuned: Record<string, string>): number {
  if (ranges.length === 0) return 0.5
  const squares = ranges.map((range) => (unitOf(range, tuned[range.name] ?? '') - (0.2 + 0.6 * hashUnit('optimum', range.name))) ** 2)
  return 1 - squares.reduce((a, b) => a + b, 0) / squares.length
}

/** A metric value for a fit in 0..1: higher fit means a higher value to maximize or a lower value to minimize. */
export function metricValue(type: ObjectiveType, fit: number, jitterKey: string): number {
  const jitter = (hashUnit('jitter', jitterKey) - 0.5) * 0.01
  const value = type === 'Maximize' ? 0.5 + 0.45 * fit + jitter : 0.05 + 0.45 * (1 - fit) + jitter
  return Math.round(value * 1e6) / 1e6
}

/** A tuning job's objective for one set of tuned values; the jitter depends on those values only. */
export function objectiveValue(type: ObjectiveType, fit: number, definitionName: string | undefined, tuned: Record<string, string>): number {
  return metricValue(type, fit, `${definitionName ?? ''}${canonical(tuned)}`)
}

/** Whether a metric the job merely defines is better low: its name says so (loss, error, rmse, ...). */
export function directionOf(metricName: string): ObjectiveType {
  return /loss|err|mse|mae|mape|perplexity/i.test(metricName) ? 'Minimize' : 'Maximize'
}

export function isBetter(type: ObjectiveType, a: number, b: number): boolean {
  return type === 'Maximize' ? a > b : a < b
}

/** A stable text for a set of hyperparameter values, to hash. */
export function canonical(values: Record<string, string> | undefined): string {
  return JSON.stringify(Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
