// End to end: the built CLI (bin/run.js → dist/) in child processes against the local SageMaker endpoint, started
// in-process. The CLI runs asynchronously (spawn, not spawnSync) so that this process stays free to answer it.
import assert from 'node:assert/strict'
import { storedState } from './helpers/stored-state.js'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SageMakerClient, paginateSearch, type TrainingJob } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint, type EndpointOptions } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { startFaultProxy } from './helpers/fault-proxy.js'

const ADDRESS_TAG = 'sageform:address'

/** Starts the CLI; `done` resolves when it has exited (and been reaped). */
const start = (args: string[], cwd: string, endpoint: Endpoint) => startCli(args, { cwd, env: endpointEnv(endpoint.url) })
const sageform = (args: string[], cwd: string, endpoint: Endpoint) => runCli(args, { cwd, env: endpointEnv(endpoint.url) })

function output(run: CliRun): string {
  return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
}

function expectExit(run: CliRun, status: number): void {
  assert.equal(run.status, status, output(run))
}

/** N training jobs, `job_0` .. `job_<N-1>`, each with its own name_prefix; `eta` varies the spec of job_0. */
function trainingConfig(count: number, eta = '0.1'): string {
  const blocks: string[] = []
  for (let i = 0; i < count; i++) {
    blocks.push(`resource "sagemaker_training_job" "job_${i}" {
  name_prefix = "e2e-${i}"
  hyper_parameters = { num_round = ${10 + i}, eta = ${i === 0 ? eta : '0.1'} }
${TRAINING_BODY}}
`)
  }
  return blocks.join('\n')
}

const dirs: string[] = []
function workDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-e2e-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'main.hcl'), trainingConfig(count))
  return dir
}

/** The state as the next run reads it: the file and its journal. */
const readStateFile = storedState

/** The state file when it exists and parses (it never should be half-written; a rename replaces it whole). */
function tryState(dir: string): State | undefined {
  try {
    return readStateFile(dir)
  } catch {
    return undefined
  }
}

function client(endpoint: Endpoint): SageMakerClient {
  // As sageform does for itself: the SDK's Node 20 deprecation notice says nothing about these tests.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 10 })
}

/** Every training job the endpoint holds, through Search (which returns the tags). */
async function allTrainingJobs(sm: SageMakerClient): Promise<TrainingJob[]> {
  const jobs: TrainingJob[] = []
  for await (const page of paginateSearch({ client: sm, pageSize: 100 }, { Resource: 'TrainingJob' })) {
    for (const result of page.Results ?? []) if (result.TrainingJob) jobs.push(result.TrainingJob)
  }
  return jobs
}

function jobsByAddress(jobs: TrainingJob[]): Map<string, TrainingJob[]> {
  const out = new Map<string, TrainingJob[]>()
  for (const job of jobs) {
    const address = job.Tags?.find((t) => t.Key === ADDRESS_TAG)?.Value ?? '(untagged)'
    out.set(address, [...(out.get(address) ?? []), job])
  }
  return out
}

/** Each of the `count` resources has exactly one job, the one its state entry names. */
async function assertOneJobPerResource(sm: SageMakerClient, dir: string, count: number): Promise<void> {
  const byAddress = jobsByAddress(await allTrainingJobs(sm))
  const expected = Array.from({ length: count }, (_, i) => `sagemaker_training_job.job_${i}`).sort()
  assert.deepEqual([...byAddress.keys()].sort(), expected)
  const duplicated = [...byAddress].filter(([, jobs]) => jobs.length !== 1).map(([address, jobs]) => `${address}: ${jobs.map((j) => j.TrainingJobName).join(', ')}`)
  assert.deepEqual(duplicated, [], 'resources with more than one job')
  const state = readStateFile(dir)
  assert.deepEqual(Object.keys(state.resources).sort(), expected)
  for (const [address, resource] of Object.entries(state.resources)) {
    assert.equal(resource.current?.name, byAddress.get(address)![0]!.TrainingJobName, `state's job for ${address}`)
  }
}

/** Waits until the running apply's state file records `count` jobs; fails if the apply ends first or takes over 30 s. */
async function untilRecorded(dir: string, count: number, child: ChildProcess, done: Promise<CliRun>): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) assert.fail(`apply ended before it could be killed:\n${output(await done)}`)
    const recorded = Object.values(tryState(dir)?.resources ?? {}).filter((r) => r.current).length
    if (recorded >= count) return
    assert.ok(Date.now() < deadline, `apply recorded only ${recorded} jobs within 30 s`)
    await sleep(5)
  }
}

/** The lock ID a command printed when it could not get the lock (`sageform force-unlock <ID>` in its hint). */
function lockId(run: CliRun): string {
  const m = /force-unlock ([0-9a-f-]{36})/.exec(run.stdout + run.stderr)
  assert.ok(m, `no force-unlock ID in the output:\n${output(run)}`)
  return m[1]!
}

describe('end to end: the CLI against the local endpoint', function () {
  this.slow(10_000)

  let endpoint: Endpoint | undefined
  let sm: SageMakerClient | undefined

  async function open(options: EndpointOptions): Promise<{ endpoint: Endpoint; sm: SageMakerClient }> {
    endpoint = await startEndpoint(options)
    sm = client(endpoint)
    return { endpoint, sm }
  }

  afterEach(async () => {
    sm?.destroy()
    await endpoint?.close()
    endpoint = sm = undefined
  })

  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('plans, applies, sees no changes, replaces an edited job, and destroy stops what runs', async () => {
    // The clock moves only when the test moves it: the jobs are still running when replace and destroy stop them, however
    // slow the machine (the stop paths would go untested if they had completed first).
    const { endpoint, sm } = await open({ manualClock: {} })
    const dir = workDir(2)

    const first = await sageform(['plan', '--detailed-exitcode'], dir, endpoint)
    expectExit(first, 2)
    assert.match(first.stdout, /sagemaker_training_job\.job_0 will be created/)
    assert.match(first.stdout, /Plan: 2 to create/, output(first))

    expectExit(await sageform(['apply', '--auto-approve'], dir, endpoint), 0)
    const applied = readStateFile(dir)
    const oldJob = applied.resources['sagemaker_training_job.job_0']!.current!.name
    const keptJob = applied.resources['sagemaker_training_job.job_1']!.current!.name

    const clean = await sageform(['plan', '--detailed-exitcode'], dir, endpoint)
    expectExit(clean, 0)
    assert.match(clean.stdout, /no changes/i)

    writeFileSync(join(dir, 'main.hcl'), trainingConfig(2, '0.2'))
    const edited = await sageform(['plan', '--detailed-exitcode'], dir, endpoint)
    expectExit(edited, 2)
    assert.match(edited.stdout, /sagemaker_training_job\.job_0 must be replaced/)
    assert.match(edited.stdout, /hyper_parameters\.eta = "0\.1" -> "0\.2" # forces replacement/)
    assert.doesNotMatch(edited.stdout, /job_1 must be replaced/)

    const replaced = await sageform(['apply', '--auto-approve'], dir, endpoint)
    expectExit(replaced, 0)
    const state = readStateFile(dir)
    const newJob = state.resources['sagemaker_training_job.job_0']!.current!.name
    assert.notEqual(newJob, oldJob)
    // The replaced job is deposed while it may still run, history once stopped.
    const replacedJob = state.resources['sagemaker_training_job.job_0']!
    assert.deepEqual([...(replacedJob.deposed ?? []), ...replacedJob.history].map((j) => j.name), [oldJob])
    assert.equal(state.resources['sagemaker_training_job.job_1']!.current!.name, keptJob)
    // Once SageMaker has stopped it, the next plan has no change to show (the move to history is a no-op).
    endpoint.advanceClock(120)
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)

    const destroyed = await sageform(['destroy', '--auto-approve'], dir, endpoint)
    expectExit(destroyed, 0)
    // A job still stopping stays in the state (deposed) until it has stopped; the next destroy forgets it.
    endpoint.advanceClock(120)
    expectExit(await sageform(['destroy', '--auto-approve'], dir, endpoint), 0)
    assert.deepEqual(readStateFile(dir).resources, {})
    const status = new Map((await allTrainingJobs(sm)).map((j) => [j.TrainingJobName!, j.TrainingJobStatus!]))
    assert.deepEqual([...status.keys()].sort(), [oldJob, keptJob, newJob].sort())
    // The job replace created a moment ago was certainly running, so destroy must have stopped it.
    assert.match(status.get(newJob)!, /^(Stopping|Stopped)$/, `${newJob} is ${status.get(newJob)}`)
    for (const name of [oldJob, keptJob]) assert.match(status.get(name)!, /^(Stopping|Stopped|Completed)$/, `${name} is ${status.get(name)}`)
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 2)
  })

  it('recovers from kill -9 in the middle of an apply: the next apply takes the dead lock over, one job per resource', async () => {
    const COUNT = 30
    const { endpoint, sm } = await open({ timeScale: 600, latencyMs: 150 })
    const dir = workDir(COUNT)

    const { child, done } = start(['apply', '--auto-approve', '--parallelism', '2'], dir, endpoint)
    await untilRecorded(dir, 5, child, done)
    child.kill('SIGKILL')
    const killed = await done
    assert.equal(killed.signal, 'SIGKILL')
    const afterKill = readStateFile(dir)
    const recordedAtKill = Object.keys(afterKill.resources).length
    assert.ok(recordedAtKill >= 5 && recordedAtKill < COUNT, `the kill came after ${recordedAtKill} of ${COUNT} jobs were recorded`)
    assert.ok(existsSync(join(dir, 'sageform.state.json.lock')), 'the killed apply left its lock behind')

    // The next run takes the dead holder's lock over by itself, saying so once: no force-unlock needed.
    const deadId = JSON.parse(readFileSync(join(dir, 'sageform.state.json.lock'), 'utf8')).id as string
    const resumed = await sageform(['apply', '--auto-approve', '--parallelism', '10'], dir, endpoint)
    expectExit(resumed, 0)
    assert.equal(resumed.stderr.match(/Took over a stale state lock/g)?.length, 1, output(resumed))
    assert.match(resumed.stderr, new RegExp(`pid ${child.pid} on .* is no longer running`))
    assert.ok(resumed.stderr.includes(deadId), 'the warning names the dead lock')
    assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the resumed apply released its lock')
    // Every resource the killed run did not record is created now, or adopted when its create had already gone out.
    const summary = /Resources: (\d+) created, 0 replaced, 0 updated, 0 stopped(?:, (\d+) adopted)?\./.exec(resumed.stdout)
    assert.ok(summary, output(resumed))
    assert.equal(Number(summary[1]) + Number(summary[2] ?? 0), COUNT - recordedAtKill, summary[0])
    await assertOneJobPerResource(sm, dir, COUNT)
    assert.deepEqual(readStateFile(dir).lineage, afterKill.lineage)
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)
  })

  it('kill -9 while a run replays the journal a killed apply left loses nothing: the files stay as they were, and the next run reads every job', async () => {
    const { endpoint } = await open({ timeScale: 600 })
    const dir = workDir(2)
    expectExit(await sageform(['apply', '--auto-approve'], dir, endpoint), 0)
    // The journal a killed apply of many jobs leaves: one line per write, each adding a resource.
    const state = readStateFile(dir)
    const [address, record] = Object.entries(state.resources)[0]!
    const EXTRA = 3000
    const lines = Array.from({ length: EXTRA }, (_, i) => {
      const extra = { ...record, current: { ...record.current!, name: `extra-${i}` } }
      return JSON.stringify({ state: { ...state, resources: undefined, serial: state.serial + 1 + i }, resources: { [`${address}_extra_${i}`]: extra } }) + '\n'
    })
    writeFileSync(join(dir, 'sageform.state.json.journal'), lines.join(''), { mode: 0o600 })
    const files = () => readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')])
    const before = files()
    // Killed at every stage of its run: starting, reading, replaying, printing (whichever the moment finds).
    for (const after of [0, 50, 100, 200, 300, 400, 600]) {
      const { child, done } = start(['state', 'list'], dir, endpoint)
      await sleep(after)
      child.kill('SIGKILL')
      await done
      assert.deepEqual(files(), before, `killed after ${after} ms`)
    }
    const listed = await sageform(['state', 'list'], dir, endpoint)
    expectExit(listed, 0)
    assert.equal(listed.stdout.trim().split('\n').length, 2 + EXTRA)
  })

  it('recovers from kill -9 during a group write: the state is the last whole write, and the next apply adopts every job the lost write carried', async () => {
    const COUNT = 30
    const PARALLELISM = 6
    const { endpoint, sm } = await open({ timeScale: 600, latencyMs: 50 })
    const dir = workDir(COUNT)
    const { child, done } = start(['apply', '--auto-approve', '--parallelism', String(PARALLELISM)], dir, endpoint)
    const deadline = Date.now() + 30_000
    await untilRecorded(dir, 5, child, done)
    // The apply's next state write opens either the journal (an append) or its temporary file (a whole write): here
    // FIFOs nobody reads, so the write stays in flight, and every create that finishes meanwhile queues its step behind
    // it, until all slots wait for the write. The journal is opened anew for each append: the lines already written are
    // moved aside (and put back after the kill) and the FIFO takes its place. A whole write under way has its regular
    // temporary file there (mkfifo fails), and removes the journal when done: then again.
    const journal = join(dir, 'sageform.state.json.journal')
    const temporary = join(dir, `sageform.state.json.tmp-${child.pid}`)
    const aside: string[] = []
    const isFifo = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFIFO() === true
    const fifo = (path: string) => {
      try {
        execFileSync('mkfifo', [path], { stdio: 'ignore' })
        return true
      } catch {
        return false
      }
    }
    for (;;) {
      if (statSync(journal, { throwIfNoEntry: false })?.isFile()) {
        aside.push(`${journal}.aside-${aside.length}`)
        renameSync(journal, aside.at(-1)!)
      }
      if ((isFifo(journal) || fifo(journal)) && (isFifo(temporary) || fifo(temporary)) && isFifo(journal)) break
      assert.ok(Date.now() < deadline, 'no moment between two state writes within 30 s')
      await sleep(1)
    }
    // Once every slot holds a created job waiting to be written, nothing else can happen. What is written counts the
    // journal lines moved aside, as the state will hold them once they are put back.
    const written = () => Object.keys(readStateFile(dir, aside.length > 0 ? Buffer.concat(aside.map((path) => readFileSync(path))) : undefined).resources).length
    const unwritten = () => (endpoint.callCounts().CreateTrainingJob ?? 0) - written()
    while (unwritten() < PARALLELISM) {
      if (child.exitCode !== null) assert.fail(`apply ended before it could be killed:\n${output(await done)}`)
      assert.ok(Date.now() < deadline, `the creates behind the blocked write never finished (${unwritten()} unwritten)`)
      await sleep(5)
    }
    child.kill('SIGKILL')
    const killed = await done
    assert.equal(killed.signal, 'SIGKILL')
    for (const path of [temporary, journal]) if (isFifo(path)) rmSync(path)
    if (aside.length > 0) writeFileSync(journal, Buffer.concat(aside.map((path) => readFileSync(path))))
    for (const path of aside) rmSync(path)
    const afterKill = readStateFile(dir)
    const recordedAtKill = Object.keys(afterKill.resources).length
    const created = endpoint.callCounts().CreateTrainingJob ?? 0
    assert.ok(created - recordedAtKill >= 2, `the lost write carried ${created - recordedAtKill} created jobs: not a group`)

    const resumed = await sageform(['apply', '--auto-approve', '--parallelism', '10'], dir, endpoint)
    expectExit(resumed, 0)
    const summary = /Resources: (\d+) created, 0 replaced, 0 updated, 0 stopped(?:, (\d+) adopted)?\./.exec(resumed.stdout)
    assert.ok(summary, output(resumed))
    // Every job the lost write carried was created before the kill: the next apply finds it under its name and adopts it.
    assert.equal(Number(summary[2] ?? 0), created - recordedAtKill, summary[0])
    assert.equal(Number(summary[1]) + Number(summary[2] ?? 0), COUNT - recordedAtKill, summary[0])
    await assertOneJobPerResource(sm, dir, COUNT)
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)
  })

  it('lets one of two concurrent applies hold the lock: the other fails fast naming force-unlock', async () => {
    const COUNT = 8
    const { endpoint, sm } = await open({ timeScale: 600 })
    // The winner's creates are held at a proxy, so it holds the lock for as long as the test needs: no race on timing.
    const proxy = await startFaultProxy(endpoint.url)
    try {
      proxy.set('CreateTrainingJob', { kind: 'hold' })
      const dir = workDir(COUNT)
      const env = endpointEnv(proxy.url)
      // One create at a time: the one held is the winner's only request in flight, so any other would be the loser's.
      const args = ['apply', '--auto-approve', '--parallelism', '1']
      const winner = startCli(args, { cwd: dir, env })
      await proxy.received('CreateTrainingJob')
      const loser = await runCli(args, { cwd: dir, env })
      expectExit(loser, 1)
      assert.match(loser.stdout + loser.stderr, /Error acquiring the state lock/)
      assert.match(loser.stdout + loser.stderr, /Another sageform process holds the lock/)
      lockId(loser)
      assert.equal(proxy.counts().CreateTrainingJob, 1, 'the loser created nothing')
      proxy.release('CreateTrainingJob')
      expectExit(await winner.done, 0)
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the winner released its lock')
      await assertOneJobPerResource(sm, dir, COUNT)
      expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)
    } finally {
      await proxy.close()
    }
  })

  it('with --lock-timeout, the second of two concurrent applies waits for the first and finds nothing to do', async () => {
    const COUNT = 8
    const { endpoint, sm } = await open({ timeScale: 600, latencyMs: 150 })
    const dir = workDir(COUNT)
    const runs = await Promise.all([0, 1].map(() => sageform(['apply', '--auto-approve', '--parallelism', '2', '--lock-timeout', '30s'], dir, endpoint)))
    for (const run of runs) expectExit(run, 0)
    // One created every job; the other, once it had the lock, planned against the new state and had nothing to do.
    const creators = runs.filter((r) => /Apply complete! Resources: 8 created/.test(r.stdout))
    assert.equal(creators.length, 1, runs.map(output).join('\n\n'))
    assert.ok(runs.some((r) => /no changes/i.test(r.stdout)), runs.map(output).join('\n\n'))
    await assertOneJobPerResource(sm, dir, COUNT)
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)
  })

  it('applies through 30% throttling (the SDK retries), and the next plan has no changes', async () => {
    const COUNT = 10
    let throttled = 0
    // The seed fixes which requests are throttled by arrival order (with 42, several of the first ten), not which job
    // they belong to: with the SDK's default of 3 attempts, about one apply in four failed (see DEFAULT_MAX_ATTEMPTS).
    const { endpoint, sm } = await open({ timeScale: 600, throttleRate: 0.3, seed: 42, log: (line) => void (/ThrottlingException/.test(line) && throttled++) })
    const dir = workDir(COUNT)
    // Not about quotas: their look-ups would be throttled too, and counted.
    const applied = await sageform(['apply', '--auto-approve', '--no-quota-check'], dir, endpoint)
    expectExit(applied, 0)
    assert.ok(throttled > 0, 'no request was throttled')
    assert.equal(endpoint.callCounts().CreateTrainingJob, COUNT + throttled, 'every throttled create was retried, and nothing else was sent twice')
    expectExit(await sageform(['plan', '--detailed-exitcode'], dir, endpoint), 0)
    await assertOneJobPerResource(sm, dir, COUNT)
  })
})
