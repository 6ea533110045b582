// Cold wall time of the commands that must not pay for the live view (`--help`, `validate`, `plan`), each run a fresh
// process, and whether each of them loaded ink or react at all (bench/track-modules.mjs records every module resolved
// under node_modules/ink or node_modules/react). Also the cost of the live view itself: importing src/ui/live in a
// fresh process (what `apply --wait` and `watch` pay, on a terminal only), against a bare `node` start. Each command is
// measured interleaved with a bare `node -e ''` and shown as ratios to it, beside issue 17's targets (--help ≤ 2 ×,
// validate ≤ 3 ×).
//
// With --baseline DIR (another checkout of sageform, built), every command also runs from DIR, the two interleaved run
// by run so that the machine's load weighs on both alike, and the table shows both.
//
// Usage: npm run bench:startup [-- --runs 7] [-- --baseline ../sageform-before]
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const argv = process.argv.slice(2)
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined)
const RUNS = Number(option('--runs')) > 0 ? Number(option('--runs')) : 7
const BASELINE = option('--baseline')
const TRACKER = join(root, 'bench', 'track-modules.mjs')
const CPU_TIMER = pathToFileURL(join(root, 'bench', 'cpu-time.mjs')).href
const cpuFile = join(mkdtempSync(join(tmpdir(), 'sageform-cpu-')), 'cpu.txt')

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

interface Timing {
  /** Wall time, s. */
  wall: number
  /** CPU time (user + system) of the process, s. */
  cpu: number
}

function timed(nodeArgs: string[]): Timing {
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, ['--import', CPU_TIMER, ...nodeArgs], { stdio: 'ignore', env: { ...process.env, SAGEFORM_CPU_FILE: cpuFile } })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) / 1e6 }
}

function coldMedian(nodeArgs: string[]): Timing {
  return coldMedians([nodeArgs])[0]!
}

/** Medians of several commands, measured interleaved (run 1 of each, then run 2 of each, ...). */
function coldMedians(variants: string[][]): Timing[] {
  for (const nodeArgs of variants) timed(nodeArgs) // once untimed: the files are then in the page cache for every run
  const runs = variants.map(() => [] as Timing[])
  for (let i = 0; i < RUNS; i++) variants.forEach((nodeArgs, v) => runs[v]!.push(timed(nodeArgs)))
  return runs.map((r) => ({ wall: median(r.map((t) => t.wall)), cpu: median(r.map((t) => t.cpu)) }))
}

const fmt = (t: Timing) => `${t.wall.toFixed(3)} s (CPU ${t.cpu.toFixed(3)} s)`
const ratios = (t: Timing, bare: Timing) => `${(t.wall / bare.wall).toFixed(1)} ×, CPU ${(t.cpu / bare.cpu).toFixed(1)} ×`
const over = (t: Timing, base: Timing) => `+${(t.wall - base.wall).toFixed(3)} s (CPU +${(t.cpu - base.cpu).toFixed(3)} s)`

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
  // Issue 17's targets, as ratios to a bare node start measured interleaved with the same command.
  const cases: Array<[string, string[], number | undefined]> = [
    ['sageform --help', ['--help'], 2],
    ['sageform validate (examples/bayesian-tuning)', ['validate', '-C', example], 3],
    ['sageform plan --refresh=false (examples/bayesian-tuning)', ['plan', '--refresh=false', '-C', example], undefined],
  ]
  const baselineBin = BASELINE ? join(BASELINE, 'bin', 'run.js') : undefined
  const live = join(root, 'dist', 'ui', 'live', 'view.js')
  // What the commands would cost if the live view were imported eagerly: the same run with view.js preloaded.
  const eager = existsSync(live) ? ['--import', pathToFileURL(live).href] : undefined
  const rows = cases.map(([name, args, target]) => {
    const variants = [['-e', ''], [bin, ...args], ...(eager ? [[...eager, bin, ...args]] : []), ...(baselineBin ? [[baselineBin, ...args]] : [])]
    const [bare, timing, withView, baseline] = coldMedians(variants)
    return { name, target, bare: bare!, timing: timing!, withView: eager ? withView : undefined, baseline: eager ? baseline : withView, loaded: loadedViewModules(args) }
  })

  const bare = coldMedian(['-e', ''])
  const importLive = existsSync(live) ? coldMedian(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(live).href)})`]) : undefined
  const importInk = coldMedian(['--input-type=module', '-e', "await import('ink'); await import('react')"])

  console.log(`cold wall time (and CPU time), median of ${RUNS} (node ${process.version}, ${process.platform}, load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`)
  console.log(`| command | median (as shipped: view not loaded) | × bare node: wall, CPU (target) | with the live view loaded eagerly |${BASELINE ? ' baseline |' : ''} loads ink/react |`)
  console.log(`| --- | --- | --- | --- |${BASELINE ? ' --- |' : ''} --- |`)
  for (const row of rows) {
    const baseline = row.baseline === undefined ? '' : ` ${fmt(row.baseline)} (${ratios(row.baseline, row.bare)}) |`
    const target = row.target === undefined ? '' : ` (${row.timing.wall <= row.target * row.bare.wall ? '≤' : '>'} ${row.target} ×)`
    console.log(`| ${row.name} | ${fmt(row.timing)} | ${ratios(row.timing, row.bare)}${target} | ${row.withView ? fmt(row.withView) : '—'} |${baseline} ${row.loaded.length === 0 ? 'no' : `yes: ${row.loaded.join(', ')}`} |`)
  }
  console.log('')
  console.log('| fresh process | median | over bare node |')
  console.log('| --- | --- | --- |')
  console.log(`| node -e '' | ${fmt(bare)} | — |`)
  console.log(`| import ink + react | ${fmt(importInk)} | ${over(importInk, bare)} |`)
  if (importLive !== undefined) console.log(`| import dist/ui/live/view.js (the live view: ink, react, components) | ${fmt(importLive)} | ${over(importLive, bare)} |`)
  if (rows.some((r) => r.loaded.length > 0)) process.exitCode = 1
} finally {
  rmSync(work, { recursive: true, force: true })
  rmSync(dirname(cpuFile), { recursive: true, force: true })
}
