// One duration format everywhere sageform prints one (plans, costs, results, watch lines, the live view): Terraform's
// and Go's, units run together without padding or spaces, to two units.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatDuration } from '../src/ui/duration.js'
import { formatInterval } from '../src/ui/watch-log.js'

describe('formatDuration', () => {
  it('writes the largest unit and the next one down unless it is zero', () => {
    const table: Array<[number, string]> = [
      [0, '0s'], [0.9, '0s'], [45, '45s'], [59.999, '59s'], [60, '1m'], [65, '1m5s'], [150, '2m30s'], [245, '4m5s'], [900, '15m'],
      [3600, '1h'], [3665, '1h1m'], [5400, '1h30m'], [6365, '1h46m'], [7380, '2h3m'], [86_400, '1d'], [90_000, '1d1h'],
      [108_000, '1d6h'], [604_800, '7d'], [-5, '0s'],
    ]
    assert.deepEqual(table.map(([s]) => formatDuration(s)), table.map(([, text]) => text))
  })

  it('is what poll intervals use too, with milliseconds and tenths below whole seconds', () => {
    assert.deepEqual([250, 1500, 5000, 90_000].map(formatInterval), ['250ms', '1.5s', '5s', '1m30s'])
  })

  it('is the only duration formatter in src/ui: no other module defines one', () => {
    const ui = join(import.meta.dirname, '..', 'src', 'ui')
    const files = readdirSync(ui, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && f !== 'duration.ts')
    const offenders = files.filter((f) => /function format(?:Elapsed|Duration)\b/.test(readFileSync(join(ui, f), 'utf8')))
    assert.deepEqual(offenders, [])
  })
})
