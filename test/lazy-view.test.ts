// ink and react (about a second to import) belong to the live view alone: `--help`, `validate` and `plan` must never
// load them. Checked twice: statically (no chain of value imports leads from those commands to src/ui/live or to
// ink/react), and by running the built CLI with a module-resolution hook that records every ink/react module loaded.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './helpers/cli.js'
import { exampleCopy } from './helpers/examples.js'

const VIEW_PACKAGES = /^(ink|react|react-dom|react-reconciler)(\/|$)/

/** Value imports and re-exports of a module (not `import type`, not dynamic `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const specifiers: string[] = []
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    if (!m[2]) specifiers.push(m[4]!)
  }
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specifiers.push(m[1]!)
  return specifiers
}

/** Every file and bare package reachable from `entry` through static value imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const pending = [resolve(entry)]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (files.has(file)) continue
    files.add(file)
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier)
        continue
      }
      const base = resolve(dirname(file), specifier).replace(/\.js$/, '')
      const target = ['.ts', '.tsx'].map((ext) => base + ext).find(existsSync)
      assert.ok(target, `${relative(root, file)} imports ${specifier}, which does not resolve`)
      pending.push(target)
    }
  }
  return { files, packages }
}

describe('the live view is loaded only when drawn', () => {
  describe('statically', () => {
    for (const entry of ['src/commands/index.ts', 'src/commands/validate.ts', 'src/commands/plan.ts', 'src/cli.ts']) {
      it(`${entry} reaches neither src/ui/live nor ink/react`, () => {
        const { files, packages } = closure(join(root, entry))
        const live = [...files].map((f) => relative(root, f)).filter((f) => f.startsWith(join('src', 'ui', 'live')))
        assert.deepEqual(live, [])
        assert.deepEqual([...packages].filter((p) => VIEW_PACKAGES.test(p)), [])
      })
    }

    it('the walker does see ink and react where they are imported (src/ui/live/view.tsx)', () => {
      const { packages } = closure(join(root, 'src', 'ui', 'live', 'view.tsx'))
      assert.ok(packages.has('ink') && packages.has('react'), [...packages].join(', '))
    })
  })

  describe('at run time (the built CLI, with a module-resolution hook)', function () {
    const tracker = pathToFileURL(join(root, 'bench', 'track-modules.mjs')).href
    let work: string
    before(function () {
      if (!existsSync(join(root, 'dist', 'ui', 'live', 'view.js'))) this.skip()
      work = mkdtempSync(join(tmpdir(), 'sageform-lazy-'))
      cpSync(exampleCopy('bayesian-tuning'), join(work, 'example'), { recursive: true })
    })
    after(() => work && rmSync(work, { recursive: true, force: true }))

    function loaded(nodeArgs: string[]): string[] {
      const file = join(work, `modules-${Math.random().toString(16).slice(2)}.txt`)
      const result = spawnSync(process.execPath, ['--import', tracker, ...nodeArgs], { cwd: work, encoding: 'utf8', env: { ...process.env, SAGEFORM_TRACK_MODULES: file, NO_COLOR: '1' } })
      assert.ok(result.status === 0, `exit ${result.status}\n${result.stdout}\n${result.stderr}`)
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
    }
    const bin = join(root, 'bin', 'run.js')

    for (const args of [['--help'], ['validate', '-C', 'example'], ['plan', '--refresh=false', '-C', 'example'], ['watch', '-C', 'example']]) {
      it(`sageform ${args.join(' ')} loads no ink/react module`, () => {
        assert.deepEqual(loaded([bin, ...args]), [])
      })
    }

    it('the hook does record them when the live view is imported', () => {
      const view = pathToFileURL(join(root, 'dist', 'ui', 'live', 'view.js')).href
      const modules = loaded(['--input-type=module', '-e', `await import(${JSON.stringify(view)})`])
      assert.ok(modules.some((url) => url.includes('/node_modules/ink/')), modules.join('\n'))
      assert.ok(modules.some((url) => url.includes('/node_modules/react/')), modules.join('\n'))
    })
  })
})
