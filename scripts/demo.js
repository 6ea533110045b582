#!/usr/bin/env node
// The README's first command: validate every configuration in examples/ with the built CLI.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
let failed = false
for (const example of readdirSync(join(root, 'examples')).sort()) {
  console.log(`\n$ sageform validate -C examples/${example}`)
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'validate', '-C', join('examples', example)], { cwd: root, stdio: 'inherit' })
  failed ||= r.status !== 0
}
process.exit(failed ? 1 : 0)
