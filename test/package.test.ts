// What `npm pack` ships is enough to run sageform outside the clone (README: Installing outside the clone): the
// compiled commands, every file the code reads relative to itself, and a dependency (not a devDependency) for every
// package the compiled code imports.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { root } from './helpers/cli.js'

const listFiles = (dir: string): string[] => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f).split('\\').join('/'))

describe('the npm package', () => {
  let shipped: Set<string>
  before(function () {
    // --ignore-scripts: the list only (prepare would rebuild dist, which the suite has just built).
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    shipped = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path))
  })

  it('ships the bin, every compiled module and nothing of the sources or tests', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    for (const bin of Object.values(pkg.bin)) assert.ok(shipped.has(bin.replace(/^\.\//, '')), `bin ${bin}`)
    const modules = listFiles('src').filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts')).map((f) => f.replace(/^src\//, 'dist/').replace(/\.tsx?$/, '.js'))
    assert.deepEqual(modules.filter((m) => !shipped.has(m)), [])
    assert.deepEqual([...shipped].filter((f) => f.startsWith('src/') || f.startsWith('test/')), [])
  })

  it('ships the bundle bin/run.js starts, the manifest oclif lists the commands from and the module of each command', () => {
    const bin = readFileSync(join(root, 'bin', 'run.js'), 'utf8')
    const entry = /from '\.\.\/(dist\/[^']+)'/.exec(bin)?.[1]
    assert.ok(entry && shipped.has(entry), `bin/run.js imports ${entry}`)
    assert.ok(shipped.has('oclif.manifest.json'))
    const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { relativePath: string[] }> }
    const modules = Object.values(manifest.commands).map((c) => c.relativePath.join('/'))
    assert.ok(modules.length >= 19, modules.join(', '))
    assert.deepEqual(modules.filter((m) => !shipped.has(m)), [])
  })

  it('ships the parse worker beside the module that starts it, in the bundle and in dist/config', () => {
    const starters = listFiles('dist/bundle').filter((f) => f.endsWith('.js') && readFileSync(join(root, f), 'utf8').includes('"./parse-worker.js"'))
    assert.equal(starters.length, 1, starters.join(', '))
    assert.ok(shipped.has(starters[0]!.replace(/[^/]*$/, 'parse-worker.js')))
    assert.ok(shipped.has('dist/config/parse-worker.js'))
    // The compiled modules start it and use what it parsed (test/parse-pieces.test.ts runs the sources).
    const script = `import { parseHclFiles } from './dist/config/parse.js'
import { generatedConfiguration } from './bench/generate.ts'
const report = { workerPieces: 0, merged: 0, whole: 0 }
await parseHclFiles([{ path: 'main.hcl', source: generatedConfiguration(1000, 'training') }], { report, direct: false })
console.log(JSON.stringify(report))`
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
    assert.deepEqual(JSON.parse(out), { workerPieces: 2, merged: 1, whole: 0 })
  })

  it('ships every file the code reads beside dist/ (readShippedFile: the API model, the JSON schemas)', () => {
    const read = new Set<string>()
    for (const file of listFiles('src').filter((f) => /\.tsx?$/.test(f))) {
      for (const [, path] of readFileSync(join(root, file), 'utf8').matchAll(/readShippedFile\(['`]([^'`]+)['`]\)/g)) {
        // A path built at run time (`schemas/${name}.json`) reads from its directory: all of it must ship.
        read.add(path!.includes('${') ? path!.slice(0, path!.indexOf('${')).replace(/[^/]*$/, '') : path!)
      }
    }
    assert.ok(read.size >= 2, `found ${[...read].join(', ')}`)
    for (const path of read) {
      const wanted = path.endsWith('/') ? listFiles(path.slice(0, -1)) : [path]
      assert.deepEqual(wanted.filter((f) => !shipped.has(f)), [], `${path} is read at run time`)
    }
  })

  it('declares as dependencies every package the compiled code imports', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    const builtins = new Set(builtinModules)
    const missing = new Set<string>()
    for (const file of [...shipped].filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(root, file), 'utf8')
      // Static imports and re-exports start a line; dynamic ones are import('...') with a literal.
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\s(?:[^'"\n]*?\sfrom\s*)?['"]([^'"\n]+)['"]/gm), ...text.matchAll(/\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g)].map((m) => m[1]!).filter((s) => !s.startsWith('.'))
      for (const specifier of specifiers) {
        const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!
        if (!specifier!.startsWith('node:') && !builtins.has(name) && !(name in pkg.dependencies)) missing.add(`${name} (${file})`)
      }
    }
    assert.deepEqual([...missing], [])
  })
})
