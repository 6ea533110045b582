// The unit half must stay in-process: a test file that starts processes or opens sockets belongs in test/suites.cjs's
// end-to-end list, or it slows and destabilises `npm run test:unit` (and it would run against a stale dist/).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const { e2e } = createRequire(import.meta.url)('./suites.cjs') as { e2e: string[] }
const OUT_OF_PROCESS = /^import [^']*from '(?:\.\/helpers\/(?:cli|endpoint|fault-proxy)\.js|node:child_process|node:net|node:http|\.\.\/src\/endpoint\/[^']*)'/m

describe('test suites', () => {
  it('lists every test file that starts processes or opens sockets as end-to-end', () => {
    const dir = join(import.meta.dirname, '.')
    const misplaced = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts') && !e2e.includes(`test/${f}`))
      .filter((f) => OUT_OF_PROCESS.test(readFileSync(join(dir, f), 'utf8')))
    assert.deepEqual(misplaced, [], 'add these to the e2e list in test/suites.cjs')
  })

  it('lists only test files that exist', () => {
    const missing = e2e.filter((f) => !readdirSync(join(import.meta.dirname, '.')).includes(f.replace('test/', '')))
    assert.deepEqual(missing, [])
  })
})
