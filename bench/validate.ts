// Cold wall time of `sageform validate` and `--help`: each run is a fresh process, as a user or CI would start it.
// The machines are shared and noisy, so the rows of issue 17's table are ratios measured in the same run: one round
// starts bare node, validate on the small example, --help and validate on 1,000 generated training jobs, one after the
// other, and the medians of the rounds are compared. Each run's CPU time and peak RSS are recorded too (bench/usage.mjs):
// CPU time is far less sensitive than wall time to other work on a busy machine.
// Targets: validate small ≤ 3 × bare node; --help ≤ 2 × bare node; validate of 1,000 jobs ≤ 0.6 s above the small one.
// One more row, without a target: the same 1,000 jobs with a block comment inside each job's hyper_parameters, which
// the direct parser leaves to tree-sitter (src/config/parse-direct.ts): what a configuration it cannot read costs.
//
// `--memory` then measures peak RSS, once each, of validate and of `plan --refresh=false` with every job in state, at
// 1,000 and 10,000 training jobs (issue 17: memory stays linear in the number of jobs). The state is written from the
// plan's own creates (name, spec hash, request, tags), so those plans find nothing to change.
//
// Usage: npm run bench [-- --runs=7] [-- --memory]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generatedConfiguration } from './generate.js'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const argv = process.argv.slice(2)
const runsArg = argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length)
const RUNS = runsArg ? Number(runsArg) : 5
const USAGE_HOOK = pathToFileURL(join(root, 'bench', 'usage.mjs')).href

interface Run {
  wall: number
  /** CPU time, user + system, in seconds. */
  cpu: number
  /** Peak resident set size in MB. */
  rss: number
}

const work = mkdtempSync(join(tmpdir(), 'sageform-bench-'))
const usageFile = join(work, 'usage.json')

function run(args: string[], cwd = root): Run {
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, ['--import', USAGE_HOOK, ...args], { cwd, stdio: 'ignore', env: { ...process.env, SAGEFORM_USAGE_FILE: usageFile } })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpu: number; maxRSS: number }
  return { wall, cpu: usage.cpu / 1e6, rss: usage.maxRSS / 1024 }
}

function generated(jobs: number, variant: 'direct' | 'tree-sitter' = 'direct'): string {
  const dir = join(work, `jobs-${jobs}-${variant}`)
  execFileSync('mkdir', ['-p', dir])
  const source = generatedConfiguration(jobs, 'training')
  writeFileSync(join(dir, 'main.hcl'), variant === 'direct' ? source : source.replaceAll('max_depth = 6', '/* parsed by tree-sitter */ max_depth = 6'))
  return dir
}

/** A state holding, as Completed jobs, exactly what a plan of `dir` would create. */
function stateOfPlan(dir: string): void {
  const json = execFileSync(process.execPath, [bin, 'plan', '--refresh=false', '--json', '-C', dir], { maxBuffer: 1 << 30, encoding: 'utf8' })
  const changes = (JSON.parse(json) as { plan: { changes: Array<{ address: string; type: string; after: Record<string, unknown> }> } }).plan.changes
  const at = new Date().toISOString()
  const resources = Object.fromEntries(
    changes.map(({ address, type, after }) => {
      const { name, spec_hash, generation, request, tags } = after
      const arn = `arn:aws:sagemaker:us-east-1:123456789012:training-job/${String(name)}`
      return [address, { type, current: { name, arn, spec_hash, status: 'Completed', created_at: at, updated_at: at, ended_at: at, generation, request, tags }, history: [] }]
    }),
  )
  writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify({ format_version: 1, lineage: '00000000-0000-4000-8000-000000000000', serial: 1, resources }))
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const verdict = (ok: boolean) => (ok ? '≤' : '>')

try {
  const big = generated(1000)
  const small = join(root, 'examples', 'bayesian-tuning')
  const kinds = {
    bare: ['-e', '0'],
    small: [bin, 'validate', '-C', small],
    help: [bin, '--help'],
    big: [bin, 'validate', '-C', big],
    treeSitter: [bin, 'validate', '-C', generated(1000, 'tree-sitter')],
  } as const
  const samples: Record<keyof typeof kinds, Run[]> = { bare: [], small: [], help: [], big: [], treeSitter: [] }
  for (let i = 0; i < RUNS; i++) for (const [kind, args] of Object.entries(kinds)) samples[kind as keyof typeof kinds].push(run([...args]))
  const m = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { wall: median(v.map((r) => r.wall)), cpu: median(v.map((r) => r.cpu)), rss: median(v.map((r) => r.rss)) }]),
  ) as Record<keyof typeof kinds, Run>
  const cpu = (r: Run) => `CPU ${r.cpu.toFixed(3)} s, peak RSS ${r.rss.toFixed(0)} MB`

  console.log(`validate and --help, cold wall time, median of ${RUNS} interleaved rounds (node ${process.version}, ${process.platform}); bare node (node -e 0) ${m.bare.wall.toFixed(3)} s (${cpu(m.bare)})`)
  console.log('| work | measured | ratio | target |')
  console.log('| --- | --- | --- | --- |')
  console.log(`| \`validate\`, small example (examples/bayesian-tuning) | ${m.small.wall.toFixed(3)} s (${cpu(m.small)}) | ${(m.small.wall / m.bare.wall).toFixed(1)} × bare node | ${verdict(m.small.wall <= 3 * m.bare.wall)} 3 × bare node |`)
  console.log(`| \`--help\` | ${m.help.wall.toFixed(3)} s (${cpu(m.help)}) | ${(m.help.wall / m.bare.wall).toFixed(1)} × bare node | ${verdict(m.help.wall <= 2 * m.bare.wall)} 2 × bare node |`)
  console.log(
    `| \`validate\`, 1,000 training jobs | ${m.big.wall.toFixed(3)} s (${cpu(m.big)}) | ${(m.big.wall - m.small.wall).toFixed(3)} s above the small example (CPU ${(m.big.cpu - m.small.cpu).toFixed(3)} s above) | ${verdict(m.big.wall - m.small.wall <= 0.6)} 0.6 s above the small example |`,
  )
  console.log(`| \`validate\`, the same jobs parsed by tree-sitter (a block comment in each) | ${m.treeSitter.wall.toFixed(3)} s (${cpu(m.treeSitter)}) | ${(m.treeSitter.wall - m.small.wall).toFixed(3)} s above the small example | (no target) |`)

  if (argv.includes('--memory')) {
    console.log('\npeak RSS, one fresh process each (validate; plan --refresh=false with every job in state, nothing to change)')
    console.log('| jobs | validate | plan --refresh=false | validate per job above the small example |')
    console.log('| --- | --- | --- | --- |')
    for (const jobs of [1000, 10_000]) {
      const dir = jobs === 1000 ? big : generated(jobs)
      const validate = run([bin, 'validate', '-C', dir])
      stateOfPlan(dir)
      const plan = run([bin, 'plan', '--refresh=false', '-C', dir])
      const perJob = ((validate.rss - m.small.rss) * 1024) / jobs
      console.log(`| ${jobs.toLocaleString('en')} | ${validate.rss.toFixed(0)} MB (${validate.wall.toFixed(2)} s, CPU ${validate.cpu.toFixed(2)} s) | ${plan.rss.toFixed(0)} MB (${plan.wall.toFixed(2)} s, CPU ${plan.cpu.toFixed(2)} s) | ${perJob.toFixed(0)} kB |`)
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
