// One way to write a length of time, wherever sageform prints one (plans, costs, results, watch, the live view), as
// Terraform and Go write durations: units run together, no padding, no spaces.

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
]

/** 45s, 1m5s, 12m, 1h46m, 2h, 1d6h, 7d: the largest unit, then the next one down unless it is zero (whole seconds). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds))
  const first = UNITS.findIndex(([, size]) => total >= size)
  if (first === -1) return '0s'
  const [unit, size] = UNITS[first]!
  const head = `${Math.floor(total / size)}${unit}`
  const next = UNITS[first + 1]
  const rest = next ? Math.floor((total % size) / next[1]) : 0
  return rest > 0 ? `${head}${rest}${next![0]}` : head
}
