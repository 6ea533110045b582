// SIGINT and SIGTERM in the middle of an apply, as CI and a user at a terminal send them, to the built CLI against the
// local endpoint with latency: the run stops starting changes, finishes and records the ones running, releases the
// lock and exits 130 or 143; the next apply converges with exactly one job per resource.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { trainingJobsByAddress } from './helpers/endpoint.js'

const COUNT = 24
const config = () => Array.from({ length: COUNT }, (_, i) => `resource "sagemaker_training_job" "job_${i}" {\n  name_prefix = "int-${i}"\n${TRAINING_BODY}}\n`).join('\n')
const output = (run: CliRun) => `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

function readState(dir: string): State | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
  } catch {
    return undefined
  }
}
const recorded = (dir: string) => Object.values(readState(dir)?.resources ?? {}).filter((r) => r.current).length

describe('interrupts: real signals to a running apply', function () {
  this.timeout(120_000)
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
