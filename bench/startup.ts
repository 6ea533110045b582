// Cold wall time of the commands that must not pay for the live view (`--help`, `validate`, `plan`), each run a fresh
// process, and whether each of them loaded ink or react at all (bench/track-modules.mjs records every module resolved
// under node_modules/ink or node_modules/react). Also the cost of the live view itself: importing src/ui/live in a
// fresh process (what `apply --wait` and `watch` pay, on a terminal only), against a bare `node` start.
//
// Usage: npm run bench:startup [-- --runs 7]
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const argv = process.argv.slice(2)
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) > 0 && argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 7
const TRACKER = join(root, 'bench', 'track-modules.mjs')

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function wall(nodeArgs: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, nodeArgs, { stdio: 'ignore', env })
  return Number(process.hrtime.bigint() - start) / 1e9
}

function coldMedian(nodeArgs: string[]): number {
  wall(nodeArgs) // once untimed: the files are then in the page cache for every measured run
  return median(Array.from({ length: RUNS }, () => wall(nodeArgs)))
}

/** The ink/react modules a command resolved, by package. */
function loadedViewModules(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-track-'))
  const file = join(dir, 'modules.txt')
  try {
    try {
      execFileSync(process.execPath, ['--import', pathToFileURL(TRACKER).href, bin, ...args], { stdio: 'ignore', env: { ...process.env, SAGEFORM_TRACK_MODULES: file } })
    } catch {
      // plan and validate exit non-zero on a broken configuration; what they loaded still counts
    }
    if (!existsSync(file)) return []
    return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((url) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? url))].sort()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const work = mkdtempSync(join(tmpdir(), 'sageform-bench-startup-'))
try {
  const example = join(work, 'bayesian-tuning')
  cpSync(join(root, 'examples', 'bayesian-tuning'), example, { recursive: true })
  const cases: Array<[string, string[]]> = [
    ['sageform --help', ['--help']],
    ['sageform validate (examples/bayesian-tuning)', ['validate', '-C', example]],
    ['sageform plan --refresh=false (examples/bayesian-tuning)', ['plan', '--refresh=false', '-C', example]],
  ]
  const rows = cases.map(([name, args]) => ({ name, seconds: coldMedian([bin, ...args]), loaded: loadedViewModules(args) }))

  const live = join(root, 'dist', 'ui', 'live', 'index.js')
  const bare = coldMedian(['-e', ''])
  const importLive = existsSync(live) ? coldMedian(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(live).href)})`]) : undefined
  const importInk = coldMedian(['--input-type=module', '-e', "await import('ink'); await import('react')"])

  console.log(`cold wall time, median of ${RUNS} (node ${process.version}, ${process.platform})`)
  console.log('| command | median | loads ink/react |')
  console.log('| --- | --- | --- |')
  for (const row of rows) console.log(`| ${row.name} | ${row.seconds.toFixed(3)} s | ${row.loaded.length === 0 ? 'no' : `yes: ${row.loaded.join(', ')}`} |`)
  console.log('')
  console.log('| fresh process | median | over bare node |')
  console.log('| --- | --- | --- |')
  console.log(`| node -e '' | ${bare.toFixed(3)} s | — |`)
  console.log(`| import ink + react | ${importInk.toFixed(3)} s | +${(importInk - bare).toFixed(3)} s |`)
  if (importLive !== undefined) console.log(`| import dist/ui/live (the live view) | ${importLive.toFixed(3)} s | +${(importLive - bare).toFixed(3)} s |`)
  if (rows.some((r) => r.loaded.length > 0)) process.exitCode = 1
} finally {
  rmSync(work, { recursive: true, force: true })
}
