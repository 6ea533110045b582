// Cold wall time of `sageform plan` (a fresh process each run) with N managed training jobs in state, against the local
// endpoint started in this process with 50 ms of latency on every response, and the SageMaker calls each plan makes.
//
// Setup: `apply --parallelism 50` creates the N jobs against an endpoint without latency, keeping its jobs in a data
// directory; a second endpoint, with the latency, then serves the same jobs to the measured plans.
// Issue 17's row: at N = 300, plan ≤ 1.2 × (validate + 3 × 50 ms), validate being the median wall time of `validate` on
// the same directory and 3 the round trips of an ideal refresh (one Search page of 100 jobs per round trip, pages being
// sequential): ideal = validate + ceil(N / 100) × 50 ms. Also printed, as a diagnosis of where the rest goes: startup,
// the median wall time of `plan --refresh=false` (configuration, state, planning and rendering, no SageMaker), and
// wall / (startup + ceil(N / 100) × 50 ms). Every kind of run is interleaved with the others, round by round.
//
// Usage: npm run bench:plan [-- --sizes=300,1000] [-- --runs=5] [-- --update-readme]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { endpointEnv, root, runCli, type CliRun } from '../test/helpers/cli.js'
import { generatedConfiguration, ROOMY } from './generate.js'

const LATENCY_MS = 50
const PAGE = 100
const TARGET_RATIO = 1.2
/** The size issue 17's row is about. */
const TARGET_SIZE = 300

const argv = process.argv.slice(2)
const sizesArg = argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length)
const SIZES = (sizesArg ?? '300').split(',').map(Number)
const UPDATE_README = argv.includes('--update-readme')
const runsArg = argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length)
/** Median of 5 by default; more runs steady the numbers on a busy machine. */
const RUNS = runsArg ? Number(runsArg) : 5

const CPU_FILE = join(mkdtempSync(join(tmpdir(), 'sageform-cpu-')), 'cpu.txt')
const CPU_TIMER = pathToFileURL(join(root, 'bench', 'cpu-time.mjs')).href

/**
 * The CLI against the endpoint: spawned, not spawnSync, as that endpoint runs in this process's event loop. `cpu` is
 * the process's own CPU time (user + system), far less sensitive than wall time to the load of a shared machine.
 */
async function sageform(args: string[], cwd: string, endpoint: Endpoint): Promise<CliRun & { cpu: number }> {
  rmSync(CPU_FILE, { force: true })
  const run = await runCli(args, { cwd, env: endpointEnv(endpoint.url, { NODE_OPTIONS: `--import=${CPU_TIMER}`, SAGEFORM_CPU_FILE: CPU_FILE }) })
  return { ...run, cpu: existsSync(CPU_FILE) ? Number(readFileSync(CPU_FILE, 'utf8')) / 1e6 : NaN }
}

function check(run: CliRun, expected: number, what: string): void {
  if (run.status !== expected) throw new Error(`${what}: exit ${run.status}, expected ${expected}\n${run.stdout}\n${run.stderr}`)
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [op, n] of Object.entries(after)) if (n - (before[op] ?? 0) > 0) out[op] = n - (before[op] ?? 0)
  return out
}

interface Row {
  n: number
  wall: number
  startup: number
  /** One entry per measured plan. */
  calls: Array<Record<string, number>>
  walls: number[]
  startups: number[]
  validates: number[]
  validate: number
  /** Median CPU time of plan, validate and plan --refresh=false. */
  cpu: { plan: number; validate: number; offline: number }
  /** validate + the round trips: issue 17's yardstick. */
  ideal: number
  ratio: number
  /** startup + the round trips. */
  ratioToStartup: number
  /** Of the median plan's wall time: the endpoint's own time answering, beyond the added latency. */
  server: number
  setup: number
}

async function measure(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-bench-plan-'))
  const dataDir = mkdtempSync(join(tmpdir(), 'sageform-bench-endpoint-'))
  try {
    writeFileSync(join(dir, 'main.hcl'), generatedConfiguration(n, 'training'))
    const setupStart = process.hrtime.bigint()
    const setup = await startEndpoint({ dataDir, quotas: ROOMY })
    try {
      check(await sageform(['apply', '--auto-approve', '--parallelism', '50'], dir, setup), 0, `apply of ${n} jobs`)
    } finally {
      await setup.close()
    }
    const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9

    // The endpoint runs in this process: what it spends answering beyond the added latency (building Search pages)
    // is the simulator's cost, not sageform's, and is reported apart.
    let serverMs = 0
    const log = (line: string) => {
      const ms = /(\d+)ms$/.exec(line)
      if (ms) serverMs += Math.max(0, Number(ms[1]) - LATENCY_MS)
    }
    const endpoint = await startEndpoint({ dataDir, latencyMs: LATENCY_MS, log })
    try {
      // Once untimed, so every measured run finds the files in the page cache as the others do.
      check(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0, `plan of ${n} jobs`)
      const startups: number[] = []
      const validates: number[] = []
      const walls: number[] = []
      const cpu = { plan: [] as number[], validate: [] as number[], offline: [] as number[] }
      const servers: number[] = []
      const calls: Array<Record<string, number>> = []
      // Interleaved, so that both kinds of run see the same machine (other load comes and goes).
      for (let i = 0; i < RUNS; i++) {
        const validate = await sageform(['validate'], dir, endpoint)
        check(validate, 0, 'validate')
        validates.push(validate.seconds)
        cpu.validate.push(validate.cpu)
        const offline = await sageform(['plan', '--refresh=false', '--detailed-exitcode'], dir, endpoint)
        check(offline, 0, 'plan --refresh=false')
        startups.push(offline.seconds)
        cpu.offline.push(offline.cpu)
        const before = endpoint.callCounts()
        serverMs = 0
        const run = await sageform(['plan', '--detailed-exitcode'], dir, endpoint)
        check(run, 0, `plan of ${n} jobs`)
        walls.push(run.seconds)
        cpu.plan.push(run.cpu)
        servers.push(serverMs / 1000)
        calls.push(diff(endpoint.callCounts(), before))
      }
      const startup = median(startups)
      const validate = median(validates)
      const wall = median(walls)
      const roundTrips = Math.ceil(n / PAGE) * (LATENCY_MS / 1000)
      const ideal = validate + roundTrips
      const server = servers[walls.indexOf(wall)]!
      return { n, wall, startup, validate, cpu: { plan: median(cpu.plan), validate: median(cpu.validate), offline: median(cpu.offline) }, calls, ideal, ratio: wall / ideal, ratioToStartup: wall / (startup + roundTrips), server, setup: setupSeconds, walls, startups, validates }
    } finally {
      await endpoint.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const rows: Row[] = []
for (const n of SIZES) {
  const row = await measure(n)
  rows.push(row)
  const seconds = (values: number[]) => values.map((v) => v.toFixed(3)).join(', ')
  console.error(`N = ${n}: setup ${row.setup.toFixed(1)} s; plan ${seconds(row.walls)} s (endpoint compute ${row.server.toFixed(3)} s); validate ${seconds(row.validates)} s; --refresh=false ${seconds(row.startups)} s; calls ${row.calls.map((c) => JSON.stringify(c)).join(' ')}`)
}

/** The calls of the median plan by total; a range when the plans differed (Search pages shifting under running jobs). */
const callText = (runs: Array<Record<string, number>>) => {
  const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0)
  const sorted = [...runs].sort((a, b) => total(a) - total(b))
  const calls = sorted[Math.floor(sorted.length / 2)]!
  const parts = Object.entries(calls).sort(([a], [b]) => (a < b ? -1 : 1)).map(([op, k]) => `${k} ${op}`)
  const range = total(sorted[0]!) === total(sorted.at(-1)!) ? '' : ` [${total(sorted[0]!)}–${total(sorted.at(-1)!)}]`
  return `${total(calls)}${range}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`
}
const verdict = (r: Row, ratio: number) => (r.n === TARGET_SIZE ? (ratio <= TARGET_RATIO ? ` ≤ ${TARGET_RATIO}` : ` > ${TARGET_RATIO}`) : '')
const table = [
  '| jobs in state | plan wall time | validate | ideal (validate + round trips) | plan / ideal | (plan − endpoint compute) / ideal |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const adjusted = (r.wall - r.server) / r.ideal
    return `| ${r.n.toLocaleString('en-US')} | ${r.wall.toFixed(3)} s | ${r.validate.toFixed(3)} s | ${r.ideal.toFixed(3)} s | ${r.ratio.toFixed(2)}${verdict(r, r.ratio)} | ${adjusted.toFixed(2)}${verdict(r, adjusted)} |`
  }),
  '',
  '| jobs in state | calls per plan | endpoint compute | plan --refresh=false | plan / (--refresh=false + round trips) | CPU: plan, validate, --refresh=false | CPU: plan / validate |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.n.toLocaleString('en-US')} | ${callText(r.calls)} | ${r.server.toFixed(3)} s | ${r.startup.toFixed(3)} s | ${r.ratioToStartup.toFixed(2)} | ${r.cpu.plan.toFixed(3)} s, ${r.cpu.validate.toFixed(3)} s, ${r.cpu.offline.toFixed(3)} s | ${(r.cpu.plan / r.cpu.validate).toFixed(2)} |`),
].join('\n')

console.log(`plan, cold wall time, median of ${RUNS}, endpoint latency ${LATENCY_MS} ms (node ${process.version}, ${process.platform})`)
console.log(table)

if (UPDATE_README) {
  const readme = join(root, 'bench', 'README.md')
  const text = readFileSync(readme, 'utf8')
  const section = `## plan (\`npm run bench:plan\`, bench/plan.ts)

Cold wall time of a fresh \`node bin/run.js plan\` process, median of ${RUNS}, with N training jobs in state (created
by \`apply --parallelism 50\`) and the local endpoint adding ${LATENCY_MS} ms to every response, beside \`validate\` and
\`plan --refresh=false\` on the same directory, all interleaved round by round. ideal = validate + ceil(N / ${PAGE}) ×
${LATENCY_MS} ms (one Search page of ${PAGE} jobs per round trip). Target (issue 17): plan / ideal ≤ ${TARGET_RATIO} at ${TARGET_SIZE}.
Load average when run: ${loadavg().map((l) => l.toFixed(1)).join(', ')}.

${table}

- calls: those of the median plan, with [fewest–most] when the plans differed.
- endpoint compute: the in-process endpoint's own time beyond the added latency (the simulator's cost, not sageform's).
- plan --refresh=false: what plan costs without SageMaker (configuration, state, planning, rendering); plan / (that +
  round trips) leaves only the refresh itself (loading the SDK, the calls, reading their answers).
- CPU: each process's own CPU time (user + system), medians; unlike wall time it hardly moves with the machine's load.
`
  const start = text.indexOf('## plan')
  const next = start === -1 ? -1 : text.indexOf('\n## ', start + 1)
  const updated = start === -1 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next === -1 ? '' : text.slice(next)}`
  writeFileSync(readme, updated)
  console.error(`updated ${readme}`)
}
