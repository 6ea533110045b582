// A disk that fills up in the middle of an apply (a real tmpfs, filled by the test once two jobs are recorded): the job
// created but not recorded is named, in plain output and in --json; the state goes to stderr when not even
// errored.sageform.state.json can be written; the lock is released; and once there is room, a re-run adopts the job.
import assert from 'node:assert/strict'
import { storedState } from './helpers/stored-state.js'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { trainingJobsByAddress } from './helpers/endpoint.js'

const COUNT = 5
const config = () => Array.from({ length: COUNT }, (_, i) => `resource "sagemaker_training_job" "job_${i}" {\n  name_prefix = "full-${i}"\n${TRAINING_BODY}}\n`).join('\n')
const output = (run: CliRun) => `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

function recorded(dir: string): number {
  try {
    return Object.values(storedState(dir).resources).filter((r) => r.current).length
  } catch {
    return 0
  }
}

/** Writes until the filesystem has no room left. */
function fill(dir: string): void {
  spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' })
}

describe('a full disk in the middle of apply (tmpfs)', function () {
  this.slow(20_000)
  let root: string
  let mount: string
  let endpoint: Endpoint
  let sm: SageMakerClient

  before(function () {
    root = mkdtempSync(join(tmpdir(), 'sageform-full-'))
    mount = join(root, 'disk')
    mkdirSync(mount)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mount], { stdio: 'ignore' })
    } catch {
      // Mounting needs root (CI runs as root); elsewhere the case cannot be set up.
      rmSync(root, { recursive: true, force: true })
      this.skip()
    }
  })
  after(() => {
    if (!mount || !existsSync(root)) return
    spawnSync('umount', [mount])
    rmSync(root, { recursive: true, force: true })
  })
  beforeEach(async () => {
    endpoint = await startEndpoint({ timeScale: 600, latencyMs: 300 })
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
  })
  afterEach(async () => {
    sm.destroy()
    await endpoint.close()
  })


  for (const json of [false, true]) {
    it(`names the job created but not recorded${json ? ' in the --json payload' : ''}, prints the state on stderr, releases the lock; a re-run adopts it`, async () => {
      const dir = join(mount, json ? 'json' : 'plain')
      mkdirSync(dir)
      writeFileSync(join(dir, 'main.hcl'), config())
      const env = endpointEnv(endpoint.url)
      const { child, done } = startCli(['apply', '--auto-approve', '--parallelism', '1', ...(json ? ['--json'] : [])], { cwd: dir, env })
      while (recorded(dir) < 2) {
        if (child.exitCode !== null) assert.fail(`apply ended before the disk filled:\n${output(await done)}`)
        await sleep(10)
      }
      fill(mount)
      const run = await done
      assert.equal(run.status, 1, output(run))
      const inState = recorded(dir)
      assert.ok(inState >= 2 && inState < COUNT, `${inState} recorded`)

      const live = await trainingJobsByAddress(sm)
      const state = storedState(dir)
      const unrecorded = [...live].filter(([address]) => !state.resources[address]?.current).map(([, names]) => names[0]!)
      assert.equal(unrecorded.length, 1, `one job was created after the disk filled: ${[...live.keys()].join(', ')}`)
      const [job] = unrecorded

      let diagnostics: Array<{ summary: string; detail?: string }>
      if (json) {
        const payload = JSON.parse(run.stdout) as { applied: boolean; diagnostics: typeof diagnostics }
        assert.deepEqual(schemaErrors('apply', payload), [])
        diagnostics = payload.diagnostics
      } else {
        diagnostics = [{ summary: run.stdout + run.stderr }]
      }
      const named = diagnostics.find((d) => /created but not recorded in the state/.test(d.summary))
      assert.ok(named, `no diagnostic names the unrecorded job:\n${output(run)}`)
      assert.ok(`${named.summary} ${named.detail ?? ''}`.includes(job!), `the diagnostic names ${job}`)
      // Not even errored.sageform.state.json fits: the state after the apply is on stderr, whole, naming the job.
      assert.ok((run.stdout + run.stderr).includes('The state could not be saved anywhere'), output(run))
      const printed = JSON.parse(run.stderr.slice(run.stderr.indexOf('{\n'), run.stderr.lastIndexOf('\n}') + 2)) as State
      assert.ok(Object.values(printed.resources).some((r) => r.current?.name === job), 'the printed state holds the job')
      assert.ok(!existsSync(join(dir, 'errored.sageform.state.json')) || readFileSync(join(dir, 'errored.sageform.state.json'), 'utf8').length > 0, 'never a 0-byte errored file')
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')

      rmSync(join(mount, 'filler'))
      const rerun = await runCli(['apply', '--auto-approve'], { cwd: dir, env })
      assert.equal(rerun.status, 0, output(rerun))
      assert.match(rerun.stdout, /1 adopted/)
      const after = await trainingJobsByAddress(sm)
      assert.equal(after.size, COUNT)
      assert.deepEqual([...after.values()].filter((names) => names.length !== 1), [], 'exactly one job per resource')
      assert.equal(recorded(dir), COUNT)
    })
  }

  it('a filesystem that turns read-only: the job and the lock left behind are named; once writable, the next run takes the lock over and adopts the job', async () => {
    const dir = join(mount, 'readonly')
    mkdirSync(dir)
    writeFileSync(join(dir, 'main.hcl'), config())
    const env = endpointEnv(endpoint.url)
    const { child, done } = startCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, env })
    try {
      while (recorded(dir) < 2) {
        if (child.exitCode !== null) assert.fail(`apply ended before the remount:\n${output(await done)}`)
        await sleep(10)
      }
      execFileSync('mount', ['-o', 'remount,ro', mount])
      const run = await done
      assert.equal(run.status, 1, output(run))
      const text = run.stdout + run.stderr
      assert.match(text, /created but not recorded in the state/)
      assert.match(text, /The state could not be saved anywhere/)
      assert.match(text, /The state lock could not be released/)
      assert.match(text, /sageform force-unlock [0-9a-f-]{36}/)
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mount])
    }
    const rerun = await runCli(['apply', '--auto-approve'], { cwd: dir, env })
    assert.equal(rerun.status, 0, output(rerun))
    assert.match(rerun.stderr, /Took over a stale state lock/)
    assert.match(rerun.stdout, /1 adopted/)
    const after = await trainingJobsByAddress(sm)
    assert.equal(after.size, COUNT)
    assert.deepEqual([...after.values()].filter((names) => names.length !== 1), [], 'exactly one job per resource')
  })
})
