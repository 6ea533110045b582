// Cold wall time of `sageform validate` and `--help`: each run is a fresh process, as a user or CI would start it.
// The machines are shared and noisy, so the rows of issue 17's table are ratios measured in the same run: one round
// starts bare node, validate on the small example, --help and validate on 1,000 generated training jobs, one after the
// other, and the medians of the rounds are compared.
// Targets: validate small ≤ 3 × bare node; --help ≤ 2 × bare node; validate of 1,000 jobs ≤ 0.6 s above the small one.
//
// Usage: npm run bench [-- --runs=7]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatedConfiguration } from './generate.js'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const runsArg = process.argv.slice(2).find((a) => a.startsWith('--runs='))?.slice('--runs='.length)
const RUNS = runsArg ? Number(runsArg) : 5

function seconds(args: string[]): number {
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, args, { stdio: 'ignore' })
  return Number(process.hrtime.bigint() - start) / 1e9
}

const big = mkdtempSync(join(tmpdir(), 'sageform-bench-'))
writeFileSync(join(big, 'main.hcl'), generatedConfiguration(1000, 'training'))
const small = join(root, 'examples', 'bayesian-tuning')
const kinds = {
  bare: ['-e', '0'],
  small: [bin, 'validate', '-C', small],
  help: [bin, '--help'],
  big: [bin, 'validate', '-C', big],
} as const
const samples: Record<keyof typeof kinds, number[]> = { bare: [], small: [], help: [], big: [] }
try {
  for (let i = 0; i < RUNS; i++) for (const [kind, args] of Object.entries(kinds)) samples[kind as keyof typeof kinds].push(seconds([...args]))
} finally {
  rmSync(big, { recursive: true, force: true })
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof kinds, number>
const verdict = (ok: boolean) => (ok ? '≤' : '>')

console.log(`validate and --help, cold wall time, median of ${RUNS} interleaved rounds (node ${process.version}, ${process.platform}); bare node (node -e 0) ${m.bare.toFixed(3)} s`)
console.log('| work | measured | target |')
console.log('| --- | --- | --- |')
console.log(`| \`validate\`, small example (examples/bayesian-tuning) | ${m.small.toFixed(3)} s (${(m.small / m.bare).toFixed(1)} × bare node) | ${verdict(m.small <= 3 * m.bare)} 3 × bare node |`)
console.log(`| \`--help\` | ${m.help.toFixed(3)} s (${(m.help / m.bare).toFixed(1)} × bare node) | ${verdict(m.help <= 2 * m.bare)} 2 × bare node |`)
console.log(`| \`validate\`, 1,000 training jobs | ${m.big.toFixed(3)} s (${(m.big - m.small).toFixed(3)} s above the small example) | ${verdict(m.big - m.small <= 0.6)} 0.6 s above the small example |`)
