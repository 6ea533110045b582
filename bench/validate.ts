// Cold wall time of `sageform validate` and `--help`: each run is a fresh process, as a user or CI would start it.
// The machines are shared and noisy, so the rows of issue 17's table are ratios measured in the same run: one round
// starts bare node, validate on the small example, --help and validate on 1,000 generated training jobs, one after the
// other, and the medians of the rounds are compared. Each row also gives the process's CPU time (bench/cpu-time.mjs) and
// its ratio to bare node's, which a busy machine moves far less than wall time.
// Targets: validate small ≤ 3 × bare node; --help ≤ 2 × bare node; validate of 1,000 jobs ≤ 0.6 s above the small one.
//
// Usage: npm run bench [-- --runs=7]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generatedConfiguration } from './generate.js'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const runsArg = process.argv.slice(2).find((a) => a.startsWith('--runs='))?.slice('--runs='.length)
const RUNS = runsArg ? Number(runsArg) : 5

const CPU_TIMER = pathToFileURL(join(root, 'bench', 'cpu-time.mjs')).href

/** Wall and CPU time (user + system) of one fresh process, s. */
function seconds(args: string[], cpuFile: string): { wall: number; cpu: number } {
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, ['--import', CPU_TIMER, ...args], { stdio: 'ignore', env: { ...process.env, SAGEFORM_CPU_FILE: cpuFile } })
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: Number(readFileSync(cpuFile, 'utf8')) / 1e6 }
}

const big = mkdtempSync(join(tmpdir(), 'sageform-bench-'))
const cpuFile = join(big, 'cpu.txt')
writeFileSync(join(big, 'main.hcl'), generatedConfiguration(1000, 'training'))
const small = join(root, 'examples', 'bayesian-tuning')
const kinds = {
  bare: ['-e', '0'],
  small: [bin, 'validate', '-C', small],
  help: [bin, '--help'],
  big: [bin, 'validate', '-C', big],
} as const
type Kind = keyof typeof kinds
const samples: Record<Kind, Array<{ wall: number; cpu: number }>> = { bare: [], small: [], help: [], big: [] }
try {
  for (let i = 0; i < RUNS; i++) for (const [kind, args] of Object.entries(kinds)) samples[kind as Kind].push(seconds([...args], cpuFile))
} finally {
  rmSync(big, { recursive: true, force: true })
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v.map((t) => t.wall))])) as Record<Kind, number>
const cpu = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v.map((t) => t.cpu))])) as Record<Kind, number>
const verdict = (ok: boolean) => (ok ? '≤' : '>')
const times = (kind: Kind) => `${m[kind].toFixed(3)} s (${(m[kind] / m.bare).toFixed(1)} × bare node); CPU ${cpu[kind].toFixed(3)} s (${(cpu[kind] / cpu.bare).toFixed(1)} ×)`

console.log(`validate and --help, cold wall time and CPU time, median of ${RUNS} interleaved rounds (node ${process.version}, ${process.platform}, load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores); bare node (node -e 0) ${m.bare.toFixed(3)} s, CPU ${cpu.bare.toFixed(3)} s`)
console.log('| work | measured | target |')
console.log('| --- | --- | --- |')
console.log(`| \`validate\`, small example (examples/bayesian-tuning) | ${times('small')} | ${verdict(m.small <= 3 * m.bare)} 3 × bare node |`)
console.log(`| \`--help\` | ${times('help')} | ${verdict(m.help <= 2 * m.bare)} 2 × bare node |`)
console.log(`| \`validate\`, 1,000 training jobs | ${m.big.toFixed(3)} s (${(m.big - m.small).toFixed(3)} s above the small example); CPU ${cpu.big.toFixed(3)} s | ${verdict(m.big - m.small <= 0.6)} 0.6 s above the small example |`)
