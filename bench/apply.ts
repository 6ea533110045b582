// apply of N training jobs against the local endpoint (no added latency), and what persisting the state costs.
//
// Two measurements, interleaved run by run so that both see the same machine:
// - the CLI: cold wall time of `sageform apply --auto-approve` (a fresh process, default parallelism), target ≤ 5 s
//   at 1,000 jobs;
// - persistence on / off: the apply service itself (prepareApply + executeApply, as the CLI calls them) timed inside a
//   child process, once with the real state backend and once with one whose writes do nothing. Target: on ≤ 1.5 × off.
// Each run gets a fresh directory and a fresh endpoint, so every run creates all N jobs.
//
// Each is also given with its CPU time (user + system), far less sensitive than wall time to the load of a shared machine.
//
// Run `npm run build` first: the CLI and the service are measured as built (dist/).
// Usage: npm run bench:apply [-- --jobs=1000] [-- --runs=3]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { endpointEnv, root, runCli } from '../test/helpers/cli.js'
import { generatedConfiguration, ROOMY } from './generate.js'

const TARGET_SECONDS = 5
const TARGET_RATIO = 1.5
const CPU_FILE = join(mkdtempSync(join(tmpdir(), 'sageform-cpu-')), 'cpu.txt')
const CPU_TIMER = pathToFileURL(join(root, 'bench', 'cpu-time.mjs')).href

const argv = process.argv.slice(2)
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

if (argv[0] === '--child') await child(argv[1]!, option('persist') !== 'off')
else await main()

/** In the child: one apply through the services, timed from planning to the last state write. */
async function child(dir: string, persist: boolean): Promise<void> {
  // The built service, as the CLI runs it (the sources through tsx's loader run markedly slower).
  const { prepareApply, executeApply } = (await import(join(root, 'dist', 'services', 'apply.js'))) as typeof import('../src/services/apply.js')
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  const { prepared, diagnostics } = await prepareApply({ dir, variables: [], env: process.env, refresh: true, replace: [], parallelism: 10, lockTimeoutMs: 0 })
  if (!prepared) throw new Error(`no plan: ${JSON.stringify(diagnostics)}`)
  if (!persist) prepared.backend = { ...prepared.backend, write: async () => undefined }
  const result = await executeApply(prepared)
  const failed = result.results.filter((r) => r.outcome !== 'done')
  if (failed.length > 0 || result.diagnostics.some((d) => d.severity === 'error')) throw new Error(`apply failed: ${JSON.stringify(result.diagnostics.slice(0, 3))}`)
  const cpu = process.cpuUsage(cpuStart)
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6, created: result.summary.created }))
}

interface Sample {
  cli: number
  /** CPU time (user + system) of each: far less sensitive than wall time to the load of a shared machine. */
  cliCpu: number
  on: number
  off: number
  onCpu: number
  offCpu: number
  stateBytes: number
  writes: number
}

async function main(): Promise<void> {
  const jobs = Number(option('jobs') ?? 1000)
  const runs = Number(option('runs') ?? 3)
  const config = generatedConfiguration(jobs, 'training')
  const samples: Sample[] = []
  for (let i = 0; i < runs; i++) {
    const sample: Partial<Sample> = {}
    // The order rotates, so no kind of run always comes first after the machine was idle.
    const order = [['cli', 'on', 'off'], ['on', 'off', 'cli'], ['off', 'cli', 'on']][i % 3]! as Array<'cli' | 'on' | 'off'>
    for (const kind of order) {
      await withFreshApply(config, async (dir, endpoint) => {
        if (kind === 'cli') {
          rmSync(CPU_FILE, { force: true })
          const run = await runCli(['apply', '--auto-approve'], { cwd: dir, env: endpointEnv(endpoint.url, { NODE_OPTIONS: `--import=${CPU_TIMER}`, SAGEFORM_CPU_FILE: CPU_FILE }) })
          if (run.status !== 0) throw new Error(`apply of ${jobs} jobs: exit ${run.status}\n${run.stdout.slice(-2000)}\n${run.stderr}`)
          const summary = new RegExp(`${jobs} created`).test(run.stdout)
          if (!summary) throw new Error(`apply did not create ${jobs} jobs:\n${run.stdout.slice(-2000)}`)
          sample.cli = run.seconds
          sample.cliCpu = Number(readFileSync(CPU_FILE, 'utf8')) / 1e6
          console.error(`CLI apply: ${run.seconds.toFixed(2)} s`)
          sample.stateBytes = statSync(join(dir, 'sageform.state.json')).size
          sample.writes = (JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as { serial: number }).serial
        } else {
          const out = await runChild(dir, endpoint, kind)
          if (out.created !== jobs) throw new Error(`the ${kind} run created ${out.created} of ${jobs} jobs`)
          sample[kind] = out.seconds
          sample[`${kind}Cpu`] = out.cpu
        }
      })
    }
    samples.push(sample as Sample)
    const s = sample as Sample
    console.error(`run ${i + 1}: CLI ${s.cli.toFixed(2)} s (CPU ${s.cliCpu.toFixed(2)} s); service with persistence ${s.on.toFixed(2)} s (CPU ${s.onCpu.toFixed(2)} s), without ${s.off.toFixed(2)} s (CPU ${s.offCpu.toFixed(2)} s) (${(s.on / s.off).toFixed(2)} ×); state ${(s.stateBytes / 1e6).toFixed(2)} MB, serial ${s.writes}`)
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const cli = median(samples.map((s) => s.cli))
  const ratio = median(samples.map((s) => s.on / s.off))
  const verdict = (ok: boolean, target: string) => `${ok ? '≤' : '>'} ${target}`
  console.log(`apply of ${jobs.toLocaleString('en-US')} training jobs, local endpoint, no added latency; median of ${runs} (node ${process.version}, ${process.platform})`)
  console.log('| work | measured | target |')
  console.log('| --- | --- | --- |')
  const cpuRatio = median(samples.map((s) => s.onCpu / s.offCpu))
  console.log(`| \`apply\`, CLI wall time | ${cli.toFixed(2)} s (CPU ${median(samples.map((s) => s.cliCpu)).toFixed(2)} s) | ${verdict(cli <= TARGET_SECONDS, `${TARGET_SECONDS} s`)} |`)
  console.log(`| \`apply\`, persistence on / off (same run) | ${ratio.toFixed(2)} × (${median(samples.map((s) => s.on)).toFixed(2)} s / ${median(samples.map((s) => s.off)).toFixed(2)} s; runs ${samples.map((s) => (s.on / s.off).toFixed(2)).join(', ')}) | ${verdict(ratio <= TARGET_RATIO, `${TARGET_RATIO} ×`)} |`)
  console.log(`| \`apply\`, persistence on / off, CPU time | ${cpuRatio.toFixed(2)} × (${median(samples.map((s) => s.onCpu)).toFixed(2)} s / ${median(samples.map((s) => s.offCpu)).toFixed(2)} s) | |`)
  console.log(`| state file after apply | ${(median(samples.map((s) => s.stateBytes)) / 1e6).toFixed(2)} MB, serial ${median(samples.map((s) => s.writes))} (writes) | |`)
}

async function withFreshApply(config: string, measure: (dir: string, endpoint: Endpoint) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-bench-apply-'))
  const endpoint = await startEndpoint({ quotas: ROOMY })
  try {
    writeFileSync(join(dir, 'main.hcl'), config)
    await measure(dir, endpoint)
  } finally {
    await endpoint.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The child is this script (through tsx) running the built service; its own clock leaves loading the service out. */
function runChild(dir: string, endpoint: Endpoint, persist: 'on' | 'off'): Promise<{ seconds: number; cpu: number; created: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'apply.ts'), '--child', dir, `--persist=${persist}`], {
      cwd: root,
      env: endpointEnv(endpoint.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    proc.on('error', reject)
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`apply child (persistence ${persist}) exited ${code}:\n${stderr}`))
      else resolve(JSON.parse(stdout) as { seconds: number; cpu: number; created: number })
    })
  })
}
