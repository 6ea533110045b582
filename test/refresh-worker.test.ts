// plan's refresh from a worker thread (services/setup/refresh.ts, sagemaker/worker-client.ts): the built CLI in child
// processes against the local endpoint behind fault-injecting proxies. The worker's plan is the plan a refresh on the
// main thread makes (the worker broken on purpose by test/helpers/worker-hook.mjs gives that one): same payload,
// same diagnostics for refused, failing and hanging calls, and calls to the provider block's endpoint when it names
// another than the environment's.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { PlanResult } from '../src/services/plan.js'
import { endpointEnv, root, runCli, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite } from './helpers/endpoint.js'
import { refuse, startFaultProxy, type Fault, type FaultProxy } from './helpers/fault-proxy.js'

const open = endpointsOfSuite({})
const proxies: FaultProxy[] = []
after(async () => {
  for (const proxy of proxies) await proxy.close()
})

const WORKER_HOOK = pathToFileURL(join(root, 'test', 'helpers', 'worker-hook.mjs')).href
let logs = 0

/**
 * Runs with test/helpers/worker-hook.mjs: `fault` breaks the worker (the plan is then the main thread's, as without a
 * worker); `answers()` lists what the worker answered (value, or error and its code), one line each.
 */
function hooked(fault?: 'start' | 'request') {
  const log = join(mkdtempSync(join(tmpdir(), 'sageform-worker-log-')), `answers-${logs++}.txt`)
  return {
    env: { NODE_OPTIONS: `--import=${WORKER_HOOK}`, SAGEFORM_TEST_WORKER_LOG: log, SAGEFORM_TEST_WORKER_FAULT: fault },
    answers: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  }
}

const jobs = (labels: string[]) => labels.map((label) => `resource "sagemaker_training_job" "${label}" {\n  name_prefix = "${label}"\n${TRAINING_BODY}}\n`).join('\n')

function output(run: CliRun): string {
  return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
}

/** Two jobs applied through `proxy`; `cli` plans with the environment pointing at it. */
async function applied(proxy: FaultProxy) {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-refresh-worker-'))
  writeFileSync(join(dir, 'main.hcl'), jobs(['a', 'b']))
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: endpointEnv(proxy.url, { AWS_MAX_ATTEMPTS: '1', ...extra }) })
  const apply = await cli(['apply', '--auto-approve'])
  assert.equal(apply.status, 0, output(apply))
  const plan = async (extra: NodeJS.ProcessEnv = {}) => {
    const run = await cli(['plan', '--json', '--no-cost'], extra)
    return { run, payload: JSON.parse(run.stdout) as PlanResult }
  }
  return { dir, cli, plan }
}

async function proxied(): Promise<FaultProxy> {
  const { endpoint } = await open()
  const proxy = await startFaultProxy(endpoint.url)
  proxies.push(proxy)
  return proxy
}

const callsDuring = async <T>(proxy: FaultProxy, run: () => Promise<T>) => {
  const before = proxy.counts()
  const result = await run()
  const after = proxy.counts()
  return { result, calls: Object.fromEntries(Object.entries(after).flatMap(([op, n]) => (n - (before[op] ?? 0) > 0 ? [[op, n - (before[op] ?? 0)]] : []))) }
}

/** What differs between two runs of the same plan is when each was made (SageMaker's clock, read in both). */
const comparable = (payload: PlanResult): PlanResult => (payload.plan ? { ...payload, plan: { ...payload.plan, planned_at: 'the time' } } : payload)

describe('refresh from a worker thread', function () {
  this.slow(20_000)

  it('gives the plan the main thread gives, with the same calls; a worker that cannot start or dies falls back to it', async () => {
    const proxy = await proxied()
    const s = await applied(proxy)
    const [viaWorker, broken, dying] = [hooked(), hooked('start'), hooked('request')]
    const worker = await callsDuring(proxy, () => s.plan(viaWorker.env))
    const main = await callsDuring(proxy, () => s.plan(broken.env))
    for (const { result } of [worker, main]) assert.equal(result.run.status, 0, output(result.run))
    assert.deepEqual(worker.result.payload.plan!.changes.map((c) => c.action), ['no-op', 'no-op'])
    assert.deepEqual(viaWorker.answers(), ['value'], 'the worker answered the Search')
    assert.deepEqual(broken.answers(), [])
    assert.deepEqual(comparable(worker.result.payload), comparable(main.result.payload))
    // The Search the worker started before the configuration was parsed is the refresh's one Search.
    assert.deepEqual(worker.calls, { Search: 1 })
    assert.deepEqual(main.calls, worker.calls)
    assert.equal(worker.result.run.stderr, '')
    assert.equal(main.result.run.stderr, '')
    // Dead on its first request: its prefetched Search may have been sent; the main thread reads everything again.
    const died = await s.plan(dying.env)
    assert.equal(died.run.status, 0, output(died.run))
    assert.equal(died.run.stderr, '')
    assert.deepEqual(dying.answers(), [])
    assert.deepEqual(comparable(died.payload), comparable(main.result.payload))
  })

  it('a provider block naming another endpoint than the environment: its answer, not the worker\'s, makes the plan', async () => {
    const proxy = await proxied()
    const s = await applied(proxy)
    // The environment's endpoint refuses Search, as a wrong account or region would: were the worker's answer used,
    // the plan would warn and describe each job there.
    const other = await startFaultProxy(proxy.url)
    proxies.push(other)
    other.set('Search', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:Search'))
    writeFileSync(join(s.dir, 'provider.hcl'), `provider "sagemaker" {\n  endpoint = "${proxy.url}"\n}\n`)
    const viaWorker = hooked()
    const run = await runCli(['plan', '--json', '--no-cost'], { cwd: s.dir, env: endpointEnv(other.url, { AWS_MAX_ATTEMPTS: '1', ...viaWorker.env }) })
    assert.equal(run.status, 0, output(run))
    assert.deepEqual(viaWorker.answers(), [], 'nothing was asked of the worker')
    const payload = JSON.parse(run.stdout) as PlanResult
    assert.deepEqual(payload.plan!.changes.map((c) => c.action), ['no-op', 'no-op'])
    assert.deepEqual(payload.diagnostics, [])
    assert.equal(other.counts().DescribeTrainingJob, undefined, 'nothing read from the environment\'s endpoint was used')
  })

  for (const [why, fault] of [
    ['a 5xx', refuse('InternalFailure', 'We encountered an internal error. Please try again.', 500)],
    ['throttling', refuse('ThrottlingException', 'Rate exceeded')],
    ['AccessDenied (the Describe fallback)', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:Search')],
    ['a hang (the request timeout)', { kind: 'hang' }],
  ] as Array<[string, Fault]>) {
    it(`Search answered with ${why}: the same diagnostics and exit as a refresh on the main thread`, async () => {
      const proxy = await proxied()
      const s = await applied(proxy)
      proxy.set('Search', fault)
      const [viaWorker, broken] = [hooked(), hooked('start')]
      const worker = await callsDuring(proxy, () => s.plan({ SAGEFORM_REQUEST_TIMEOUT: '1s', ...viaWorker.env }))
      const main = await callsDuring(proxy, () => s.plan({ SAGEFORM_REQUEST_TIMEOUT: '1s', ...broken.env }))
      const code = fault.kind === 'error' ? fault.code : 'RequestTimeout'
      // AccessDenied: the Describe of each job in state comes from the worker too.
      assert.deepEqual(viaWorker.answers(), code === 'AccessDeniedException' ? [`error ${code}`, 'value', 'value'] : [`error ${code}`])
      assert.equal(worker.result.run.status, main.result.run.status, output(worker.result.run))
      assert.deepEqual(worker.result.payload.diagnostics, main.result.payload.diagnostics)
      assert.deepEqual(comparable(worker.result.payload), comparable(main.result.payload))
      assert.deepEqual(worker.calls, main.calls)
      if (fault.kind === 'error' && fault.code === 'AccessDeniedException') assert.equal(worker.result.run.status, 0, output(worker.result.run))
      else assert.match(worker.result.payload.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n'), /Cannot read jobs from SageMaker: (InternalFailure|ThrottlingException|RequestTimeout)/)
    })
  }

  it('never keeps the process alive: a plan that ends before its Search (a configuration error) exits while the call hangs', async () => {
    const proxy = await proxied()
    const s = await applied(proxy)
    proxy.set('Search', { kind: 'hang' })
    writeFileSync(join(s.dir, 'broken.hcl'), 'resource "sagemaker_training_job" "c" {\n  instance_count = 0\n')
    // A bound far beyond the test's own: a worker that kept the process alive would hang the test, not pass it.
    const run = await runCli(['plan'], { cwd: s.dir, env: endpointEnv(proxy.url, { SAGEFORM_REQUEST_TIMEOUT: '30m' }) })
    assert.equal(run.status, 1, output(run))
  })

  it('a worker never told what to do, or never closed, keeps no process alive (the refresh worker and the parse worker)', () => {
    // A 'message' listener refs a worker again: each worker is unref'd after its listeners, or these would never exit.
    // A module file: code given with -e ends its process once run, whatever it leaves behind.
    const script = join(mkdtempSync(join(tmpdir(), 'sageform-workers-')), 'leave.mjs')
    const dist = (path: string) => JSON.stringify(pathToFileURL(join(root, 'dist', path)).href)
    writeFileSync(
      script,
      `const { WorkerClient } = await import(${dist('sagemaker/worker-client.js')})
const { PieceWorker } = await import(${dist('config/parse-pieces.js')})
new WorkerClient()
new WorkerClient().start({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }, [])
new PieceWorker(new URL(${dist('config/parse-worker.js')}))
console.log('left them')
`,
    )
    // The bound is on a hang, not a speed check: a process kept alive would be killed after it.
    const run = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    assert.equal(run.signal, null, 'the process was kept alive')
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout.trim(), 'left them')
  })

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} while the worker's Search hangs: the process ends`, async () => {
      const proxy = await proxied()
      const s = await applied(proxy)
      proxy.set('Search', { kind: 'hang' })
      const { child, done } = startCli(['plan'], { cwd: s.dir, env: endpointEnv(proxy.url, { SAGEFORM_REQUEST_TIMEOUT: '30m' }) })
      await proxy.received('Search', (proxy.counts().Search ?? 0) + 1)
      child.kill(signal)
      const run = await done
      assert.equal(run.signal, signal, output(run))
    })
  }
})
