// Walks every invalid configuration under test/fixtures/invalid/: each must produce exactly the diagnostics its
// files announce (message, line and column), and nothing else.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { validate } from '../src/services/validate.js'
import { expectationsIn } from './helpers/expectations.js'

const root = join(import.meta.dirname, 'fixtures', 'invalid')

describe('invalid configurations', () => {
  const cases = readdirSync(root).sort()
  it('has a corpus of at least 40 cases', () => assert.ok(cases.length >= 40, `only ${cases.length} cases`))
  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name)
      const expected = expectationsIn(dir, process.cwd())
      assert.ok(expected.length > 0, 'a fixture must announce at least one diagnostic')
      const result = await validate({ dir, variables: [], env: {} })
      const actual = result.diagnostics.map((d) => ({
        file: d.range?.file,
        line: d.range?.start.line,
        column: d.range?.start.column,
        severity: d.severity,
        text: `${d.summary}: ${d.detail ?? ''}`,
      }))
      const unmatched = [...actual]
      for (const e of expected) {
        const i = unmatched.findIndex((a) => a.file === e.file && a.line === e.line && a.column === e.column && a.severity === e.severity && a.text.includes(e.message))
        assert.ok(i !== -1, `expected ${e.severity} at ${e.file}:${e.line}:${e.column} containing "${e.message}"; got:\n${actual.map((a) => `  ${a.file}:${a.line}:${a.column} ${a.severity} ${a.text}`).join('\n')}`)
        unmatched.splice(i, 1)
      }
      assert.deepEqual(unmatched, [], 'diagnostics the fixture does not announce')
    })
  }
})
