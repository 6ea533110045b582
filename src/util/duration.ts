// Durations written as a sum of whole numbers with units (`1m30s`, `1d12h`), each caller choosing its units.

/** The total in the units' measure, or undefined when `text` is not such a sum. Longer unit names are tried first. */
export function sumOfUnits(text: string, units: Readonly<Record<string, number>>): number | undefined {
  const names = Object.keys(units).sort((a, b) => b.length - a.length).join('|')
  if (!new RegExp(`^(?:\\d+(?:${names}))+$`).test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(new RegExp(`(\\d+)(${names})`, 'g'))) total += Number(amount) * units[unit!]!
  return total
}

/** Milliseconds of a flag such as `--lock-timeout` or `--poll-interval`: Go-style durations such as `0s`, `500ms`, `30s`, `5m`, `1h`, `1m30s`. */
export function parseDuration(text: string): number | undefined {
  return text === '0' ? 0 : sumOfUnits(text, { ms: 1, s: 1000, m: 60_000, h: 3_600_000 })
}
