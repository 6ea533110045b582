// SIGINT and SIGTERM in the middle of an apply, as CI and a user at a terminal send them, to the built CLI against the
// local endpoint with latency: the run stops starting changes, finishes and records the ones running, releases the
// lock and exits 130 or 143; the next apply converges with exactly one job per resource. Also a signal while apply is
// still planning, and the S3 lock under a second signal (released, unless a state write is under way).
import assert from 'node:assert/strict'
import { storedState } from './helpers/stored-state.js'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { trainingJobsByAddress, waitFor } from './helpers/endpoint.js'
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js'
import { startS3Bucket, type S3Bucket } from './helpers/s3-bucket.js'
import type { ChildProcess } from 'node:child_process'

const COUNT = 24
const config = () => Array.from({ length: COUNT }, (_, i) => `resource "sagemaker_training_job" "job_${i}" {\n  name_prefix = "int-${i}"\n${TRAINING_BODY}}\n`).join('\n')
const output = (run: CliRun) => `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

function readState(dir: string): State | undefined {
  try {
    return storedState(dir)
  } catch {
    return undefined
  }
}
const recorded = (dir: string) => Object.values(readState(dir)?.resources ?? {}).filter((r) => r.current).length

describe('interrupts: real signals to a running apply', function () {
  this.slow(20_000)
  let endpoint: Endpoint
  let sm: SageMakerClient
  const dirs: string[] = []

  beforeEach(async () => {
    endpoint = await startEndpoint({ timeScale: 600, latencyMs: 150 })
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
  })
  afterEach(async () => {
    sm.destroy()
    await endpoint.close()
  })
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })


  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: finishes what runs, records every job created, releases the lock, exits ${code}; the re-run converges`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sageform-interrupt-'))
      dirs.push(dir)
      writeFileSync(join(dir, 'main.hcl'), config())
      const env = endpointEnv(endpoint.url)
      const { child, done } = startCli(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir, env })
      while (recorded(dir) < 3) {
        if (child.exitCode !== null) assert.fail(`apply ended before the signal:\n${output(await done)}`)
        await sleep(20)
      }
      child.kill(signal)
      const run = await done
      assert.equal(run.status, code, output(run))
      assert.match(run.stderr, new RegExp(`${signal} received: no further changes will start`))
      assert.match(run.stdout + run.stderr, /Apply interrupted/)
      assert.match(run.stdout, /Skipped: not started: apply was interrupted/)
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')

      // Every job SageMaker has is in the state: the ones running when the signal came were finished and recorded.
      const state = readState(dir)!
      const live = await trainingJobsByAddress(sm)
      const inState = Object.fromEntries(Object.entries(state.resources).map(([address, r]) => [address, r.current?.name]))
      assert.deepEqual(Object.fromEntries([...live].map(([address, names]) => [address, names.join(',')])), inState)
      assert.ok(live.size < COUNT, `the signal came after all ${COUNT} jobs were created`)

      const rerun = await runCli(['apply', '--auto-approve', '--parallelism', '10'], { cwd: dir, env })
      assert.equal(rerun.status, 0, output(rerun))
      const after = await trainingJobsByAddress(sm)
      assert.equal(after.size, COUNT)
      assert.deepEqual([...after.values()].filter((names) => names.length !== 1), [], 'exactly one job per resource')
      assert.equal(recorded(dir), COUNT)
    })
  }

  it('a second signal exits at once, and the next run needs no force-unlock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-interrupt-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'main.hcl'), config())
    const env = endpointEnv(endpoint.url)
    const { child, done } = startCli(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir, env })
    while (recorded(dir) < 2) {
      if (child.exitCode !== null) assert.fail(`apply ended before the signal:\n${output(await done)}`)
      await sleep(20)
    }
    let stderr = ''
    child.stderr!.on('data', (chunk: string) => (stderr += chunk))
    child.kill('SIGINT')
    // The second signal only once the first was handled (its message is on stderr).
    while (!stderr.includes('SIGINT received') && child.exitCode === null) await sleep(10)
    child.kill('SIGINT')
    const run = await done
    assert.equal(run.status, 130, output(run))
    assert.match(run.stderr, /received again: exiting now/)
    const rerun = await runCli(['apply', '--auto-approve', '--parallelism', '10'], { cwd: dir, env })
    assert.equal(rerun.status, 0, output(rerun))
    const after = await trainingJobsByAddress(sm)
    assert.equal(after.size, COUNT)
    assert.deepEqual([...after.values()].filter((names) => names.length !== 1), [], 'exactly one job per resource')
  })
})

/** Collects a running CLI's stderr, to send a second signal only once the first was handled. */
function stderrOf(child: ChildProcess): () => string {
  let text = ''
  child.stderr!.on('data', (chunk: string) => (text += chunk))
  return () => text
}

async function untilSaid(child: ChildProcess, said: () => string, what: string): Promise<void> {
  while (!said().includes(what) && child.exitCode === null) await sleep(10)
}

describe('interrupts: signals while planning, and the S3 lock under a second signal', function () {
  this.slow(20_000)
  let endpoint: Endpoint
  let proxy: FaultProxy
  let sm: SageMakerClient
  let dir: string
  const resources = (n: number) => Array.from({ length: n }, (_, i) => `resource "sagemaker_training_job" "job_${i}" {\n  name_prefix = "sig-${i}"\n${TRAINING_BODY}}\n`).join('\n')

  beforeEach(async () => {
    endpoint = await startEndpoint({ timeScale: 600 })
    proxy = await startFaultProxy(endpoint.url)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
    dir = mkdtempSync(join(tmpdir(), 'sageform-interrupt-'))
  })
  afterEach(async () => {
    sm.destroy()
    await proxy.close()
    await endpoint.close()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while apply is still planning: nothing is created, the lock is released, exit ${code}`, async () => {
      writeFileSync(join(dir, 'main.hcl'), resources(3))
      // A state to refresh: planning starts with the Search for the lineage's jobs, which the proxy holds.
      writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify({ format_version: 1, lineage: '6f1c2a4e-0000-4000-8000-0000000000aa', serial: 1, resources: {} }))
      proxy.set('Search', { kind: 'hold' })
      const { child, done } = startCli(['apply', '--auto-approve'], { cwd: dir, env: endpointEnv(proxy.url) })
      const said = stderrOf(child)
      await proxy.received('Search')
      assert.ok(existsSync(join(dir, 'sageform.state.json.lock')), 'planning holds the lock')
      child.kill(signal)
      await untilSaid(child, said, `${signal} received`)
      proxy.release('Search')
      const run = await done
      assert.equal(run.status, code, output(run))
      assert.match(run.stderr, /Apply interrupted/)
      assert.match(run.stderr, /nothing was changed, and the lock was released/)
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')
      assert.equal(proxy.counts().CreateTrainingJob, undefined, 'no create was sent')
      assert.equal((await trainingJobsByAddress(sm)).size, 0)
      assert.deepEqual(readState(dir)!.resources, {})
    })
  }

  it('a second signal while planning exits at once and still releases the lock', async () => {
    writeFileSync(join(dir, 'main.hcl'), resources(2))
    writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify({ format_version: 1, lineage: '6f1c2a4e-0000-4000-8000-0000000000ab', serial: 1, resources: {} }))
    proxy.set('Search', { kind: 'hang' })
    const { child, done } = startCli(['apply', '--auto-approve'], { cwd: dir, env: endpointEnv(proxy.url) })
    const said = stderrOf(child)
    await proxy.received('Search')
    child.kill('SIGINT')
    await untilSaid(child, said, 'SIGINT received')
    child.kill('SIGINT')
    const run = await done
    assert.equal(run.status, 130, output(run))
    assert.match(run.stderr, /SIGINT received again: exiting now; the lock was released/)
    assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')
    assert.equal(proxy.counts().CreateTrainingJob, undefined)
  })

  describe('backend "s3"', () => {
    let bucket: S3Bucket
    const KEY = 'team/sageform.state.json'
    const LOCK = `${KEY}.tflock`
    const backend = () => `backend "s3" {\n  bucket         = "state"\n  key            = "${KEY}"\n  region         = "us-east-1"\n  endpoint       = "${bucket.url}"\n  use_path_style = true\n}\n\n`
    const recordedInBucket = () => Object.values((JSON.parse(bucket.text(KEY) ?? '{}') as Partial<State>).resources ?? {}).filter((r) => r.current).length
    beforeEach(async () => {
      bucket = await startS3Bucket('state')
    })
    afterEach(() => bucket.close())

    it('a second signal exits at once and releases the S3 lock; the next run converges with no force-unlock', async () => {
      writeFileSync(join(dir, 'main.hcl'), backend() + resources(3))
      const env = endpointEnv(proxy.url)
      // One change at a time, its create held at the proxy: when the signals come, a call is in flight and no state
      // write is under way (the state was written before the create went out).
      proxy.set('CreateTrainingJob', { kind: 'hold' })
      const { child, done } = startCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, env })
      const said = stderrOf(child)
      await proxy.received('CreateTrainingJob')
      assert.ok(bucket.text(LOCK), 'apply holds the S3 lock')
      child.kill('SIGINT')
      await untilSaid(child, said, 'SIGINT received')
      child.kill('SIGINT')
      const run = await done
      assert.equal(run.status, 130, output(run))
      assert.match(run.stderr, /SIGINT received again: releasing the lock, then exiting/)
      assert.match(run.stderr, /the lock was released/)
      assert.equal(bucket.text(LOCK), undefined, 'the S3 lock was released')
      assert.equal(recordedInBucket(), 0)

      // The create had gone out: it lands now, unrecorded, and the next run adopts it instead of creating another.
      proxy.release('CreateTrainingJob')
      await waitFor(() => trainingJobsByAddress(sm), (jobs) => jobs.size === 1)
      const rerun = await runCli(['apply', '--auto-approve'], { cwd: dir, env })
      assert.equal(rerun.status, 0, output(rerun))
      const after = await trainingJobsByAddress(sm)
      assert.equal(after.size, 3)
      assert.deepEqual([...after.values()].filter((names) => names.length !== 1), [], 'exactly one job per resource')
      assert.equal(recordedInBucket(), 3)
      assert.equal(bucket.text(LOCK), undefined)
    })

    it('a second signal during a state write exits at once and leaves the S3 lock, naming the force-unlock ID', async () => {
      writeFileSync(join(dir, 'main.hcl'), backend() + resources(2))
      // The first write of the new state (before any create) is accepted by the bucket and never answered.
      const writing = bucket.holdPuts(KEY)
      const { child, done } = startCli(['apply', '--auto-approve'], { cwd: dir, env: endpointEnv(proxy.url) })
      const said = stderrOf(child)
      await writing
      const lock = JSON.parse(bucket.text(LOCK)!) as { id: string }
      child.kill('SIGTERM')
      await untilSaid(child, said, 'SIGTERM received')
      child.kill('SIGTERM')
      const run = await done
      assert.equal(run.status, 143, output(run))
      assert.match(run.stderr, new RegExp(`exiting now, during a state write\\. The lock stays; run sageform force-unlock ${lock.id}`))
      assert.ok(bucket.text(LOCK), 'the lock stays: releasing it under a write could let another run in before the write lands')
      assert.equal(proxy.counts().CreateTrainingJob, undefined)
    })
  })
})
