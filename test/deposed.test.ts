// No running job is ever left unaccounted for: the built CLI in child processes, the local endpoint behind a
// fault-injecting proxy. A replaced job whose stop fails, hangs or is cut short by kill -9 stays in the state as deposed,
// every later plan shows its stop, and apply stops it; destroy never forgets a job it could not stop or delete; a role
// without sagemaker:Search still gets a correct plan.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeTrainingJobCommand, ListTrainingJobsCommand, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker'
import type { ApplyPayload } from '../src/services/apply.js'
import type { PlanResult } from '../src/services/plan.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, waitFor, type OpenEndpoint } from './helpers/endpoint.js'
import { refuse, startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js'

// The clock moves only when a test moves it: a job runs until the test has its stop served and the clock moved on.
const open = endpointsOfSuite({ manualClock: {} })
const proxies: FaultProxy[] = []
after(async () => {
  for (const proxy of proxies) await proxy.close()
})

const ADDRESS = 'sagemaker_training_job.churn'
const config = (eta: string) => `resource "sagemaker_training_job" "churn" {
  name_prefix      = "churn"
  hyper_parameters = { eta = ${eta} }
${TRAINING_BODY}}
`

function output(run: CliRun): string {
  return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
}

interface Setup {
  ep: OpenEndpoint
  proxy: FaultProxy
  dir: string
  cli(args: string[]): Promise<CliRun>
  json<T>(args: string[]): Promise<{ run: CliRun; payload: T }>
}

async function setup(): Promise<Setup> {
  const ep = await open()
  const proxy = await startFaultProxy(ep.endpoint.url)
  proxies.push(proxy)
  const dir = mkdtempSync(join(tmpdir(), 'sageform-deposed-'))
  writeFileSync(join(dir, 'main.hcl'), config('0.1'))
  const env = endpointEnv(proxy.url, { AWS_MAX_ATTEMPTS: '1' })
  const cli = (args: string[]) => runCli(args, { cwd: dir, env })
  const json = async <T>(args: string[]) => {
    const run = await cli([...args, '--json'])
    return { run, payload: JSON.parse(run.stdout) as T }
  }
  return { ep, proxy, dir, cli, json }
}

const readState = (dir: string) => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State

/** Jobs SageMaker is running (InProgress or Stopping). */
async function runningJobs(ep: OpenEndpoint): Promise<string[]> {
  const listed = await ep.sm.send(new ListTrainingJobsCommand({ MaxResults: 100 }))
  return (listed.TrainingJobSummaries ?? []).filter((j) => j.TrainingJobStatus === 'InProgress' || j.TrainingJobStatus === 'Stopping').map((j) => j.TrainingJobName!).sort()
}

/** Every job the state holds that may cost money: current and deposed. */
function accountedFor(state: State): string[] {
  return Object.values(state.resources).flatMap((r) => [...(r.current ? [r.current.name] : []), ...(r.deposed ?? []).map((j) => j.name)])
}

async function assertNothingUnaccounted(s: Setup): Promise<void> {
  const running = await runningJobs(s.ep)
  const known = new Set(accountedFor(readState(s.dir)))
  assert.deepEqual(running.filter((name) => !known.has(name)), [], 'every running job is in the state')
}

/** First apply, then a changed spec: the replacement's apply, with a fault on StopTrainingJob. */
async function appliedThenChanged(s: Setup): Promise<string> {
  const first = await s.cli(['apply', '--auto-approve'])
  assert.equal(first.status, 0, output(first))
  const old = readState(s.dir).resources[ADDRESS]!.current!.name
  writeFileSync(join(s.dir, 'main.hcl'), config('0.2'))
  return old
}

/** The next plan shows the deposed job's stop; apply stops it; once SageMaker says Stopped it moves to history. */
async function deposedIsStoppedNext(s: Setup, old: string): Promise<void> {
  const { run, payload } = await s.json<PlanResult>(['plan'])
  assert.equal(run.status, 0, output(run))
  assert.deepEqual(schemaErrors('plan', payload), [])
  const stop = payload.plan!.changes.find((c) => c.deposed === old)!
  assert.deepEqual([stop.action, stop.reason, stop.before?.status], ['stop', 'deposed_running', 'InProgress'])
  assert.equal(payload.plan!.summary.stop, 1)
  const shown = await s.cli(['state', 'show', ADDRESS])
  assert.match(shown.stdout, new RegExp(`deposed \\(1\\)[\\s\\S]*${old}\\s+InProgress`))

  // Through a saved plan: its deposed stop is checked against the state like any other change.
  assert.equal((await s.cli(['plan', '--out', 'plan.json'])).status, 0)
  const applied = await s.json<ApplyPayload>(['apply', 'plan.json'])
  assert.equal(applied.run.status, 0, output(applied.run))
  assert.deepEqual(applied.payload.results.find((r) => r.deposed === old)?.outcome, 'done')
  assert.equal(readState(s.dir).resources[ADDRESS]!.deposed![0]!.status, 'Stopping')
  await assertNothingUnaccounted(s)

  s.ep.endpoint.advanceClock(120)
  assert.equal((await s.cli(['plan', '--out', 'plan.json'])).status, 0)
  const settled = await s.json<ApplyPayload>(['apply', 'plan.json'])
  assert.equal(settled.run.status, 0, output(settled.run))
  const resource = readState(s.dir).resources[ADDRESS]!
  assert.equal(resource.deposed, undefined)
  assert.deepEqual(resource.history.map((j) => [j.name, j.status]), [[old, 'Stopped']])
  const quiet = await s.cli(['plan'])
  assert.match(quiet.stdout, /No changes/, output(quiet))
}

describe('deposed jobs: a replaced job that may still run stays in the state until it has stopped', function () {

  it('StopTrainingJob fails after the replacement was created: exit 1, the old job deposed, the next apply stops it', async () => {
    const s = await setup()
    const old = await appliedThenChanged(s)
    s.proxy.set('StopTrainingJob', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:StopTrainingJob'))
    const failed = await s.cli(['apply', '--auto-approve'])
    assert.equal(failed.status, 1, output(failed))
    assert.match(failed.stdout + failed.stderr, /recorded as a deposed job/)
    const resource = readState(s.dir).resources[ADDRESS]!
    assert.notEqual(resource.current!.name, old)
    assert.deepEqual(resource.deposed!.map((j) => [j.name, j.status]), [[old, 'InProgress']])
    await assertNothingUnaccounted(s)
    s.proxy.set('StopTrainingJob', undefined)
    await deposedIsStoppedNext(s, old)
  })

  it('StopTrainingJob hangs and the apply is killed (SIGKILL): the next plan shows the deposed stop, apply stops it', async () => {
    const s = await setup()
    const old = await appliedThenChanged(s)
    s.proxy.set('StopTrainingJob', { kind: 'hang' })
    const { child, done } = startCli(['apply', '--auto-approve'], { cwd: s.dir, env: endpointEnv(s.proxy.url, { AWS_MAX_ATTEMPTS: '1' }) })
    await s.proxy.received('StopTrainingJob')
    child.kill('SIGKILL')
    const killed = await done
    assert.equal(killed.signal, 'SIGKILL', output(killed))
    const resource = readState(s.dir).resources[ADDRESS]!
    assert.deepEqual(resource.deposed!.map((j) => [j.name, j.status]), [[old, 'InProgress']], 'recorded before the stop was asked')
    await assertNothingUnaccounted(s)
    // The dead run's lock: released the way a person would (force-unlock with its ID) when it is still there.
    const lockFile = join(s.dir, 'sageform.state.json.lock')
    if (existsSync(lockFile)) await s.cli(['force-unlock', (JSON.parse(readFileSync(lockFile, 'utf8')) as { id: string }).id])
    s.proxy.set('StopTrainingJob', undefined)
    await deposedIsStoppedNext(s, old)
  })

  it('an old state whose history still says Stopping is refreshed to Stopped', async () => {
    const s = await setup()
    const old = await appliedThenChanged(s)
    assert.equal((await s.cli(['apply', '--auto-approve'])).status, 0)
    // As an older sageform left it: the replaced job in history, Stopping forever.
    const state = readState(s.dir)
    const resource = state.resources[ADDRESS]!
    resource.history = [...(resource.deposed ?? []), ...resource.history]
    delete resource.deposed
    writeFileSync(join(s.dir, 'sageform.state.json'), JSON.stringify(state))
    s.ep.endpoint.advanceClock(120)
    const applied = await s.cli(['apply', '--auto-approve'])
    assert.equal(applied.status, 0, output(applied))
    assert.deepEqual(readState(s.dir).resources[ADDRESS]!.history.map((j) => [j.name, j.status]), [[old, 'Stopped']])
  })
})

describe('destroy keeps what it could not stop or delete', function () {

  it('a failing StopTrainingJob keeps the resource; a finished job is reported and counted as forgotten', async () => {
    const s = await setup()
    writeFileSync(join(s.dir, 'main.hcl'), config('0.1') + config('0.3').replace('"churn" {', '"done" {').replace('"churn"', '"done"'))
    assert.equal((await s.cli(['apply', '--auto-approve'])).status, 0)
    const done = readState(s.dir).resources['sagemaker_training_job.done']!.current!.name
    await s.ep.sm.send(new StopTrainingJobCommand({ TrainingJobName: done }))
    s.ep.endpoint.advanceClock(60)
    s.proxy.set('StopTrainingJob', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:StopTrainingJob'))
    const failed = await s.cli(['destroy', '--auto-approve'])
    assert.equal(failed.status, 1, output(failed))
    assert.match(failed.stdout, /sagemaker_training_job\.done: Forgotten/)
    assert.match(failed.stdout, /0 stopped, 1 forgotten/)
    assert.doesNotMatch(failed.stdout, /sagemaker_training_job\.done: Stopping/)
    const state = readState(s.dir)
    assert.ok(state.resources[ADDRESS]?.current, 'the resource whose stop failed is kept')
    assert.equal(state.resources['sagemaker_training_job.done'], undefined)
    await assertNothingUnaccounted(s)
    const plan = await s.json<PlanResult>(['plan'])
    assert.ok(plan.payload.plan!.changes.some((c) => c.address === ADDRESS))
  })

  it('destroy --delete plans one delete per job record; a failed delete keeps the record for the next run', async () => {
    const s = await setup()
    const old = await appliedThenChanged(s)
    assert.equal((await s.cli(['apply', '--auto-approve'])).status, 0)
    s.ep.endpoint.advanceClock(120)
    const current = readState(s.dir).resources[ADDRESS]!.current!.name
    s.proxy.set('DeleteTrainingJob', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:DeleteTrainingJob'))
    // The running current job is stopped and waited for before its delete: the endpoint's clock is moved on meanwhile.
    const destroying = startCli(['destroy', '--auto-approve', '--delete', '--json'], { cwd: s.dir, env: endpointEnv(s.proxy.url, { AWS_MAX_ATTEMPTS: '1' }) })
    // The proxy has the stop before the endpoint serves it: the clock moves on only once the endpoint says Stopping.
    await s.proxy.received('StopTrainingJob', 2)
    await waitFor(() => s.ep.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: current })), (job) => job.TrainingJobStatus === 'Stopping', { timeoutMs: 60_000 })
    s.ep.endpoint.advanceClock(120)
    const run = await destroying.done
    const failed = { run, payload: JSON.parse(run.stdout) as ApplyPayload }
    assert.equal(failed.run.status, 1, output(failed.run))
    assert.deepEqual(schemaErrors('apply', failed.payload), [])
    const deletes = failed.payload.plan!.changes.filter((c) => c.action === 'delete')
    assert.deepEqual(deletes.map((c) => [c.deposed, c.reason]).sort(), [[current, 'destroy_delete'], [old, 'destroy_delete']].sort())
    const kept = readState(s.dir).resources[ADDRESS]!
    assert.deepEqual([...kept.history, ...(kept.deposed ?? []), ...(kept.current ? [kept.current] : [])].map((j) => j.name).sort(), [current, old].sort(), 'no record was forgotten')

    s.proxy.set('DeleteTrainingJob', undefined)
    const again = await s.json<ApplyPayload>(['destroy', '--auto-approve', '--delete'])
    assert.equal(again.run.status, 0, output(again.run))
    assert.deepEqual(again.payload.deleted, [current, old].sort())
    assert.equal(again.payload.summary.deleted, 2)
    assert.deepEqual(readState(s.dir).resources, {})
    assert.equal(s.proxy.counts().DeleteTrainingJob, 4)
  })
})

describe('refresh when Search is refused', function () {

  for (const [why, fault] of [
    ['AccessDenied (no sagemaker:Search)', refuse('AccessDeniedException', 'User is not authorized to perform: sagemaker:Search')],
    ['ValidationException on the resource type', refuse('ValidationException', "1 validation error detected: Value 'TrainingJob' at 'resource' failed to satisfy constraint")],
  ] as const) {
    it(`${why}: a correct no-op plan, one warning, one Describe per job in state`, async () => {
      const s = await setup()
      const three = ['a', 'b', 'c'].map((label) => config('0.1').replace(/"churn"/g, `"${label}"`)).join('\n')
      writeFileSync(join(s.dir, 'main.hcl'), three)
      assert.equal((await s.cli(['apply', '--auto-approve'])).status, 0)
      s.proxy.set('Search', fault)
      const before = s.proxy.counts()
      const { run, payload } = await s.json<PlanResult>(['plan', '--detailed-exitcode'])
      assert.equal(run.status, 0, output(run))
      assert.deepEqual(payload.plan!.changes.map((c) => c.action), ['no-op', 'no-op', 'no-op'])
      const warnings = payload.diagnostics.filter((d) => d.severity === 'warning')
      assert.equal(warnings.length, 1)
      assert.match(warnings[0]!.detail!, /3 jobs in the state one by one \(3 calls/)
      assert.match(warnings[0]!.hint!, /sagemaker:Search/)
      const after = s.proxy.counts()
      assert.equal((after.DescribeTrainingJob ?? 0) - (before.DescribeTrainingJob ?? 0), 3, 'call count = jobs in state')
      assert.equal((after.ListTags ?? 0) - (before.ListTags ?? 0), 0)
    })
  }
})
