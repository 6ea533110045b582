// The plan and apply services end to end over HTTP: the services build the real SDK v3 client themselves (adaptive retry
// mode, credentials and endpoint from the environment) and nock plays SageMaker, so these tests pin the exact requests
// (X-Amz-Target and JSON body) each command sends, and how many.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nock from 'nock'
import type { Plan } from '../src/plan/types.js'
import { writePlanFile } from '../src/state/plan-file.js'
import { TAG } from '../src/model/kinds.js'
import { sageformTags } from '../src/apply/records.js'
import type { ApplyOptions, ApplyPayload } from '../src/services/apply.js'
import type { PlanOptions } from '../src/services/plan.js'
import { statePath } from '../src/state/store.js'
import type { State } from '../src/model/state.js'
import { AwsJsonDouble, dummyAwsEnv, isolateAwsEnvPerTest, nockOnly, type Body, type Reply } from './helpers/aws.js'
import { sageform, schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { exampleCopy } from './helpers/examples.js'

const ENDPOINT = 'https://api.sagemaker.us-east-1.amazonaws.com'
const ARN_PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012:training-job'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/SageMakerRole'
const ADDRESS = 'sagemaker_training_job.churn'
const CREATED = 1795000000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** The training job of most tests; the tags vary. */
const churn = (tags = 'team = "ml", env = "dev"') => `resource "sagemaker_training_job" "churn" {
  name_prefix = "churn"
${TRAINING_BODY}
  hyper_parameters = { eta = 0.1, num_round = 200, objective = "binary:logistic" }
  tags = { ${tags} }
}
`

/** What CreateTrainingJob must carry besides the name and the tags: hyperparameters go over the wire as strings. */
const REQUEST = {
  RoleArn: ROLE_ARN,
  AlgorithmSpecification: { TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  HyperParameters: { eta: '0.1', num_round: '200', objective: 'binary:logistic' },
}

/** SageMaker over nock, requests routed by X-Amz-Target SageMaker.<op>. */
const sageMakerDouble = () => new AwsJsonDouble(ENDPOINT, 'SageMaker')

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
const tagsOf = (body: Body) => Object.fromEntries((body.Tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]))
const searchQuery = (lineage: string) => ({
  Resource: 'TrainingJob',
  SearchExpression: { Filters: [{ Name: `Tags.${TAG.lineage}`, Operator: 'Equals', Value: lineage }] },
  SortBy: 'CreationTime',
  SortOrder: 'Ascending',
  MaxResults: 100,
})

/** A Search result as SageMaker returns it: the full TrainingJob, tags included, timestamps in epoch seconds. */
function searchRecord(name: string, status: string, tags: Record<string, string>) {
  return {
    TrainingJob: {
      TrainingJobName: name,
      TrainingJobArn: `${ARN_PREFIX}/${name}`,
      TrainingJobStatus: status,
      SecondaryStatus: status === 'InProgress' ? 'Training' : status,
      CreationTime: CREATED,
      ...(status === 'InProgress' ? {} : { TrainingEndTime: CREATED + 600 }),
      RoleArn: ROLE_ARN,
      Tags: tagList(tags),
    },
  }
}

/** sageform's three tags plus the user's, as a job it created carries them. */
function ownTags(job: { name: string; spec_hash: string; tags?: Record<string, string> }, lineage: string, address = ADDRESS) {
  return { ...job.tags, ...sageformTags({ address, lineage, specHash: job.spec_hash }) }
}

// Mocha require()s this file, so tsx compiles it and its static imports to CommonJS, while the services load the SDK
// client lazily with import(), which gets the ESM copies of src/. Two copies of src/sagemaker/types.ts would mean two
// SageMakerError classes, and the engine's `instanceof` checks would miss the client's errors (ResourceInUse would not be
// recognised). Loading the services with import() too keeps the whole graph on the ESM copies, as in the built CLI.
const services = async () => ({ ...(await import('../src/services/plan.js')), ...(await import('../src/services/apply.js')) })

const planOptions = (dir: string): PlanOptions => ({ dir, variables: [], env: {}, refresh: true, replace: [], parallelism: 10 })

async function plan(dir: string): Promise<Plan> {
  const { planService } = await services()
  const result = await planService(planOptions(dir))
  assert.ok(result.plan, `no plan: ${JSON.stringify(result.diagnostics)}`)
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), [])
  assert.deepEqual(schemaErrors('plan', json({ plan: result.plan, diagnostics: result.diagnostics })), [])
  return result.plan
}

/** prepareApply + executeApply as `apply --auto-approve` runs them; the payload is checked against schemas/apply.json. */
async function apply(dir: string): Promise<ApplyPayload> {
  const { prepareApply, executeApply } = await services()
  const options: ApplyOptions = { ...planOptions(dir), lockTimeoutMs: 0 }
  const { prepared, diagnostics } = await prepareApply(options)
  assert.ok(prepared, `apply did not start: ${JSON.stringify(diagnostics)}`)
  const payload = await executeApply(prepared)
  assert.deepEqual(schemaErrors('apply', json(payload)), [])
  return payload
}

/** As the CLI prints it: undefined members dropped. */
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown

const readState = (dir: string) => JSON.parse(readFileSync(statePath(dir), 'utf8')) as State

/** A state file as written by hand (or by an earlier sageform). */
function writeStateFile(dir: string, state: State): void {
  writeFileSync(statePath(dir), JSON.stringify(state, null, 2) + '\n')
}

/** Setup shared by several tests: `apply` of `churn()` on a fresh directory, answered by nock. */
async function appliedDir(sm: AwsJsonDouble): Promise<{ dir: string; state: State; job: NonNullable<State['resources'][string]['current']> }> {
  const dir = configDir({ 'main.hcl': churn() })
  sm.on('CreateTrainingJob', (body) => [200, { TrainingJobArn: `${ARN_PREFIX}/${body.TrainingJobName as string}` }])
  const payload = await apply(dir)
  assert.equal(payload.summary.created, 1)
  const state = readState(dir)
  sm.calls.length = 0
  return { dir, state, job: state.resources[ADDRESS]!.current! }
}

describe('plan and apply over HTTP (real SDK client, nock)', function () {
  let sm: AwsJsonDouble

  isolateAwsEnvPerTest(() => ({ ...dummyAwsEnv(), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SAGEMAKER: ENDPOINT }))
  nockOnly()
  beforeEach(() => {
    sm = sageMakerDouble()
  })

  it('apply on a fresh directory sends one CreateTrainingJob with the exact body and records the job', async () => {
    const dir = configDir({ 'main.hcl': churn() })
    sm.on('CreateTrainingJob', (body) => [200, { TrainingJobArn: `${ARN_PREFIX}/${body.TrainingJobName as string}` }])

    const payload = await apply(dir)
    sm.scope.done()

    assert.deepEqual(sm.ops(), ['CreateTrainingJob'], 'no state yet: nothing to refresh, one create')
    const [body] = sm.bodies('CreateTrainingJob')
    const { TrainingJobName: name, Tags: tags, ...request } = body!
    assert.match(name as string, /^churn-[0-9a-f]{8}$/)
    assert.deepEqual(request, REQUEST)
    const sent = tagsOf(body!)
    assert.match(sent[TAG.lineage]!, UUID)
    assert.match(sent[TAG.specHash]!, /^[0-9a-f]{64}$/)
    assert.equal(name, `churn-${sent[TAG.specHash]!.slice(0, 8)}`, 'the name is the prefix and 8 hex of the spec hash')
    assert.deepEqual(tags, [
      { Key: 'team', Value: 'ml' },
      { Key: 'env', Value: 'dev' },
      { Key: TAG.address, Value: ADDRESS },
      { Key: TAG.lineage, Value: sent[TAG.lineage] },
      { Key: TAG.specHash, Value: sent[TAG.specHash] },
    ])

    const state = readState(dir)
    assert.equal(state.lineage, sent[TAG.lineage], 'the state file carries the lineage the job was tagged with')
    assert.equal(state.serial, 1)
    const job = state.resources[ADDRESS]!.current!
    assert.match(job.created_at, ISO)
    assert.match(job.updated_at, ISO)
    assert.deepEqual(state.resources[ADDRESS], {
      type: 'sagemaker_training_job',
      current: {
        name,
        arn: `${ARN_PREFIX}/${name as string}`,
        spec_hash: sent[TAG.specHash],
        status: 'InProgress',
        created_at: job.created_at,
        updated_at: job.updated_at,
        generation: 1,
        request: REQUEST,
        tags: { team: 'ml', env: 'dev' },
      },
      history: [],
    })
    assert.deepEqual(
      payload.results.map((r) => [r.address, r.action, r.outcome, r.job]),
      [[ADDRESS, 'create', 'done', name]],
    )
    assert.deepEqual(payload.summary, { created: 1, replaced: 0, updated: 0, stopped: 0, adopted: 0, failed: 0, deferred: 0 })
    assert.equal(payload.applied, true)
    assert.deepEqual(payload.diagnostics, [])
  })

  it('plan against that state sends one Search by the lineage tag and no Describe: no-op, live status Completed', async () => {
    const { dir, state, job } = await appliedDir(sm)
    sm.on('Search', [200, { Results: [searchRecord(job.name, 'Completed', ownTags(job, state.lineage))] }])

    const p = await plan(dir)
    sm.scope.done()

    assert.deepEqual(sm.calls, [{ op: 'Search', body: searchQuery(state.lineage) }])
    assert.equal(p.refreshed, true)
    assert.deepEqual(
      p.changes.map((c) => [c.address, c.action, c.before?.name, c.before?.status]),
      [[ADDRESS, 'no-op', job.name, 'Completed']],
    )
    assert.deepEqual(p.drift, [], 'a job finishing on its own is not drift')
    assert.deepEqual(p.summary, { create: 0, replace: 0, update: 0, stop: 0, adopt: 0, retune: 0, delete: 0 })
  })

  describe('refresh cost: Search pages of 100, never one Describe per job', () => {
    /** N identical training jobs, state written from a first plan's names, then a refreshing plan; returns the calls. */
    async function refreshCost(n: number): Promise<{ searches: number; ops: string[] }> {
      const hcl = Array.from({ length: n }, (_, i) => `resource "sagemaker_training_job" "job_${i}" {\n${TRAINING_BODY}\n}\n`).join('')
      const dir = configDir({ 'main.hcl': hcl })
      // Without a state file the plan reads nothing remote, and names every job deterministically.
      const first = await plan(dir)
      assert.equal(sm.calls.length, 0, 'no state file: no refresh')
      const lineage = '0c0ffee0-0000-4000-8000-000000000250'
      const resources: State['resources'] = {}
      for (const c of first.changes) {
        const after = c.after!
        resources[c.address] = {
          type: c.type,
          current: { name: after.name!, arn: `${ARN_PREFIX}/${after.name!}`, spec_hash: after.spec_hash!, status: 'InProgress', created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z', generation: 1, request: after.request, tags: {} },
          history: [],
        }
      }
      writeStateFile(dir, { format_version: 1, lineage, serial: 5, resources })

      const records = Object.entries(resources).map(([address, r]) => searchRecord(r.current!.name, 'Completed', ownTags(r.current!, lineage, address)))
      const pages = Math.ceil(n / 100)
      for (let page = 0; page < pages; page++) {
        const token = page === 0 ? undefined : `page-${page + 1}`
        const next = page + 1 < pages ? { NextToken: `page-${page + 2}` } : {}
        sm.on('Search', [200, { Results: records.slice(page * 100, page * 100 + 100), ...next, TotalHits: { Value: n, Relation: 'EqualTo' } }], (body) => body.NextToken === token)
      }

      const p = await plan(dir)
      sm.scope.done()
      assert.equal(p.changes.length, n)
      assert.ok(p.changes.every((c) => c.action === 'no-op' && c.before?.status === 'Completed'))
      assert.deepEqual(
        sm.calls.map((c) => c.body),
        Array.from({ length: pages }, (_, page) => (page === 0 ? searchQuery(lineage) : { ...searchQuery(lineage), NextToken: `page-${page + 1}` })),
      )
      const result = { searches: sm.calls.filter((c) => c.op === 'Search').length, ops: sm.ops() }
      nock.cleanAll()
      sm = sageMakerDouble()
      return result
    }

    it('250 jobs in state: exactly 3 Search calls (NextToken pages of 100) and no Describe', async () => {
      const { searches, ops } = await refreshCost(250)
      assert.equal(searches, 3)
      assert.deepEqual(ops, ['Search', 'Search', 'Search'])
    })

    it('1, 100 and 1,000 jobs: ceil(N/100) Search calls each (table printed)', async () => {
      const table: Array<{ jobs: number; searchCalls: number; describeCalls: number }> = []
      for (const n of [1, 100, 1000]) {
        const { searches, ops } = await refreshCost(n)
        table.push({ jobs: n, searchCalls: searches, describeCalls: ops.filter((op) => op.startsWith('Describe')).length })
        assert.equal(searches, Math.ceil(n / 100), `${n} jobs`)
        assert.equal(ops.length, searches, `${n} jobs: nothing but Search`)
      }
      console.log('      refresh cost:', table.map((r) => `${r.jobs} jobs → ${r.searchCalls} Search, ${r.describeCalls} Describe`).join('; '))
      assert.deepEqual(
        table.map((r) => r.searchCalls),
        [1, 1, 10],
      )
    })
  })

  it('a job Search does not return is described; ValidationException "Requested resource not found." means missing: drift and create', async () => {
    const { dir, state, job } = await appliedDir(sm)
    sm.on('Search', [200, { Results: [] }])
    sm.on('DescribeTrainingJob', [400, { __type: 'ValidationException', Message: 'Requested resource not found.' }])

    const p = await plan(dir)
    sm.scope.done()

    assert.deepEqual(sm.calls, [
      { op: 'Search', body: searchQuery(state.lineage) },
      { op: 'DescribeTrainingJob', body: { TrainingJobName: job.name } },
    ])
    assert.deepEqual(p.drift, [{ address: ADDRESS, kind: 'missing', detail: `job ${job.name} was deleted outside sageform` }])
    const [change] = p.changes
    assert.equal(change!.action, 'create')
    assert.equal(change!.reason, 'job_missing')
    assert.equal(change!.after!.name, job.name, 'the same spec gets the same name again')
    assert.deepEqual(p.summary, { create: 1, replace: 0, update: 0, stop: 0, adopt: 0, retune: 0, delete: 0 })
  })

  it('a changed and a removed tag: apply sends AddTags and DeleteTags, and no CreateTrainingJob', async () => {
    const { dir, state, job } = await appliedDir(sm)
    writeFileSync(join(dir, 'main.hcl'), churn('team = "research", owner = "alice"'))
    sm.on('Search', [200, { Results: [searchRecord(job.name, 'InProgress', ownTags(job, state.lineage))] }])
    sm.on('DescribeTrainingJob', [200, searchRecord(job.name, 'InProgress', {}).TrainingJob])
    sm.on('AddTags', (body) => [200, { Tags: body.Tags as object }])
    sm.on('DeleteTags', [200, {}])

    const payload = await apply(dir)
    sm.scope.done()

    assert.deepEqual(sm.calls, [
      { op: 'Search', body: searchQuery(state.lineage) },
      { op: 'DescribeTrainingJob', body: { TrainingJobName: job.name } },
      { op: 'AddTags', body: { ResourceArn: job.arn, Tags: [{ Key: 'team', Value: 'research' }, { Key: 'owner', Value: 'alice' }] } },
      { op: 'DeleteTags', body: { ResourceArn: job.arn, TagKeys: ['env'] } },
    ])
    assert.deepEqual(
      payload.results.map((r) => [r.action, r.outcome]),
      [['update', 'done']],
    )
    assert.deepEqual(payload.plan!.changes[0]!.tag_changes, { set: { team: 'research', owner: 'alice' }, remove: ['env'], before: { team: 'ml', env: 'dev' } })
    const after = readState(dir).resources[ADDRESS]!.current!
    assert.equal(after.name, job.name, 'the same job')
    assert.deepEqual(after.tags, { team: 'research', owner: 'alice' })
  })

  it('a saved plan whose running job finished meanwhile is refused as stale, before anything is sent', async () => {
    const { dir, state, job } = await appliedDir(sm)
    writeFileSync(join(dir, 'main.hcl'), churn('team = "research"'))
    sm.on('Search', [200, { Results: [searchRecord(job.name, 'InProgress', ownTags(job, state.lineage))] }])
    const saved = await plan(dir)
    assert.equal(saved.changes[0]!.action, 'update')
    const planFile = join(dir, 'plan.json')
    const { prepareApply, executeApply } = await services()
    await writePlanFile(planFile, saved)

    sm.calls.length = 0
    sm.on('DescribeTrainingJob', [200, searchRecord(job.name, 'Completed', {}).TrainingJob])
    const { prepared } = await prepareApply({ ...planOptions(dir), planFile, lockTimeoutMs: 0 })
    const payload = await executeApply(prepared!)
    sm.scope.done()

    assert.deepEqual(sm.ops(), ['DescribeTrainingJob'], 'no AddTags: nothing was applied')
    assert.equal(payload.applied, false)
    const error = payload.diagnostics.find((d) => d.severity === 'error')!
    assert.equal(error.summary, 'The plan is stale')
    assert.match(error.detail!, new RegExp(`${ADDRESS}: job ${job.name} was InProgress when planned and is now Completed`))
    assert.match(error.hint!, /plan --out FILE again/)
    assert.equal(readState(dir).serial, state.serial, 'the state is untouched')
  })

  it('a resource removed from the configuration while its job runs: StopTrainingJob, then it leaves the state', async () => {
    const { dir, state, job } = await appliedDir(sm)
    writeFileSync(join(dir, 'main.hcl'), '# nothing left\n')
    sm.on('Search', [200, { Results: [searchRecord(job.name, 'InProgress', ownTags(job, state.lineage))] }])
    sm.on('DescribeTrainingJob', [200, searchRecord(job.name, 'InProgress', {}).TrainingJob])
    sm.on('StopTrainingJob', [200, {}])

    const payload = await apply(dir)
    sm.scope.done()

    assert.deepEqual(sm.calls, [
      { op: 'Search', body: searchQuery(state.lineage) },
      { op: 'DescribeTrainingJob', body: { TrainingJobName: job.name } },
      { op: 'StopTrainingJob', body: { TrainingJobName: job.name } },
    ])
    assert.deepEqual(
      payload.results.map((r) => [r.address, r.action, r.outcome, r.job]),
      [[ADDRESS, 'stop', 'done', job.name]],
    )
    assert.equal(payload.summary.stopped, 1)
    // Stopping is not stopped: the job stays in the state, deposed, until SageMaker says it has ended.
    const kept = readState(dir).resources[ADDRESS]!
    assert.equal(kept.current, undefined)
    assert.deepEqual(kept.deposed!.map((j) => [j.name, j.status]), [[job.name, 'Stopping']])
  })

  it('rides out a throttling burst on CreateTrainingJob with the SDK adaptive retries', async () => {
    const dir = configDir({ 'main.hcl': churn() })
    const throttled: Reply = [400, { __type: 'ThrottlingException', Message: 'Rate exceeded' }]
    sm.on('CreateTrainingJob', throttled)
    sm.on('CreateTrainingJob', throttled)
    sm.on('CreateTrainingJob', (body) => [200, { TrainingJobArn: `${ARN_PREFIX}/${body.TrainingJobName as string}` }])

    const started = performance.now()
    const payload = await apply(dir)
    const seconds = (performance.now() - started) / 1000
    sm.scope.done()

    assert.deepEqual(sm.ops(), ['CreateTrainingJob', 'CreateTrainingJob', 'CreateTrainingJob'])
    const [first, ...retries] = sm.bodies('CreateTrainingJob')
    for (const retry of retries) assert.deepEqual(retry, first, 'each retry sends the same request')
    assert.deepEqual(payload.diagnostics, [])
    assert.equal(payload.summary.created, 1)
    assert.equal(readState(dir).resources[ADDRESS]!.current!.name, first!.TrainingJobName)
    assert.ok(seconds < 15, `the adaptive backoff took ${seconds.toFixed(1)} s`)
  })

  describe('an apply that died between CreateTrainingJob and the state write', () => {
    const LINEAGE = '5e1f0000-0000-4000-8000-00000000c0de'

    /** The state that apply writes before its first create: a lineage, no resources. */
    function crashedDir(): string {
      const dir = configDir({ 'main.hcl': churn() })
      writeStateFile(dir, { format_version: 1, lineage: LINEAGE, serial: 0, resources: {} })
      return dir
    }

    it('Search finds the orphan by its tags: plan says adopt, apply records it via Describe and never creates', async () => {
      const dir = crashedDir()
      // What the dead apply was creating: the plan against an empty Search names it.
      sm.on('Search', [200, { Results: [] }])
      const fresh = await plan(dir)
      const planned = fresh.changes[0]!
      assert.equal(planned.action, 'create')
      const name = planned.after!.name!
      const specHash = planned.after!.spec_hash!
      const orphanTags = { team: 'ml', env: 'dev', ...sageformTags({ address: ADDRESS, lineage: LINEAGE, specHash }) }
      const arn = `${ARN_PREFIX}/${name}`

      sm.on('Search', [200, { Results: [searchRecord(name, 'InProgress', orphanTags)] }])
      const p = await plan(dir)
      assert.deepEqual(
        p.changes.map((c) => [c.address, c.action, c.before?.name, c.before?.status]),
        [[ADDRESS, 'adopt', name, 'InProgress']],
      )
      assert.deepEqual(p.summary, { create: 0, replace: 0, update: 0, stop: 0, adopt: 1, retune: 0, delete: 0 })

      sm.on('Search', [200, { Results: [searchRecord(name, 'InProgress', orphanTags)] }])
      sm.on('DescribeTrainingJob', [200, { TrainingJobName: name, TrainingJobArn: arn, TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training', CreationTime: CREATED, RoleArn: ROLE_ARN }])
      sm.on('ListTags', [200, { Tags: tagList(orphanTags) }])
      const payload = await apply(dir)
      sm.scope.done()

      assert.deepEqual(sm.calls, [
        { op: 'Search', body: searchQuery(LINEAGE) },
        { op: 'Search', body: searchQuery(LINEAGE) },
        { op: 'Search', body: searchQuery(LINEAGE) },
        { op: 'DescribeTrainingJob', body: { TrainingJobName: name } },
        { op: 'ListTags', body: { ResourceArn: arn } },
      ])
      assert.ok(!sm.ops().includes('CreateTrainingJob'))
      assert.deepEqual(payload.summary, { created: 0, replaced: 0, updated: 0, stopped: 0, adopted: 1, failed: 0, deferred: 0 })
      const state = readState(dir)
      assert.equal(state.lineage, LINEAGE)
      assert.deepEqual(Object.keys(state.resources), [ADDRESS])
      const job = state.resources[ADDRESS]!
      assert.deepEqual(job.history, [])
      assert.deepEqual(
        { ...job.current, updated_at: undefined },
        { name, arn, spec_hash: specHash, status: 'InProgress', created_at: new Date(CREATED * 1000).toISOString(), updated_at: undefined, generation: 1, request: REQUEST, tags: { team: 'ml', env: 'dev' } },
      )
    })

    it('Search has not indexed it yet: Create answers ResourceInUse, and the job is described, its tags checked and adopted', async () => {
      const dir = crashedDir()
      let name = ''
      let tags: Record<string, string> = {}
      sm.on('Search', [200, { Results: [] }])
      sm.on('CreateTrainingJob', (body) => {
        name = body.TrainingJobName as string
        tags = tagsOf(body)
        return [400, { __type: 'ResourceInUse', Message: `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${ARN_PREFIX}/${name})` }]
      })
      sm.on('DescribeTrainingJob', () => [200, { TrainingJobName: name, TrainingJobArn: `${ARN_PREFIX}/${name}`, TrainingJobStatus: 'InProgress', SecondaryStatus: 'Downloading', CreationTime: CREATED }])
      sm.on('ListTags', () => [200, { Tags: tagList(tags) }])

      const payload = await apply(dir)
      sm.scope.done()

      assert.deepEqual(sm.ops(), ['Search', 'CreateTrainingJob', 'DescribeTrainingJob', 'ListTags'], 'one create, no second attempt')
      assert.equal(tags[TAG.lineage], LINEAGE, 'the create was tagged with the existing lineage')
      assert.deepEqual(sm.bodies('DescribeTrainingJob'), [{ TrainingJobName: name }])
      assert.deepEqual(sm.bodies('ListTags'), [{ ResourceArn: `${ARN_PREFIX}/${name}` }])
      assert.equal(payload.plan!.changes[0]!.action, 'create')
      assert.deepEqual(
        payload.results.map((r) => [r.action, r.outcome, r.job]),
        [['create', 'done', name]],
      )
      assert.match(payload.results[0]!.message!, /^adopted training job .* created by an earlier apply that did not record it$/)
      assert.deepEqual(payload.diagnostics, [])
      const state = readState(dir)
      assert.deepEqual(Object.keys(state.resources), [ADDRESS], 'exactly one job')
      assert.deepEqual(state.resources[ADDRESS]!.history, [])
      assert.equal(state.resources[ADDRESS]!.current!.name, name)
      assert.equal(state.resources[ADDRESS]!.current!.spec_hash, tags[TAG.specHash])
      assert.equal(state.resources[ADDRESS]!.current!.created_at, new Date(CREATED * 1000).toISOString())
    })
  })

  describe('through the built CLI (npm run build first)', () => {
    it('a corrupt state file is one clear error from plan and apply, exit 1, and neither it nor its backup is touched', async () => {
      const dir = configDir({ 'main.hcl': churn() })
      const corrupt = '{"format_version": 1, "lineage": '
      const backup = JSON.stringify({ format_version: 1, lineage: 'b4c6a11f-0000-4000-8000-000000000001', serial: 3, resources: {} }, null, 2) + '\n'
      writeFileSync(statePath(dir), corrupt)
      writeFileSync(`${statePath(dir)}.backup`, backup)
      const files = readdirSync(dir).sort()
      // Never reached, but a connection to anything must fail fast if it were.
      const env = { AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:9' }

      for (const command of [['plan'], ['apply', '--auto-approve']]) {
        const human = sageform([...command, '-C', dir], { env })
        assert.equal(human.status, 1, `${command[0]}: ${human.stdout}${human.stderr}`)
        const output = human.stdout + human.stderr
        assert.equal(output.split('The state file cannot be read').length - 1, 1, `${command[0]} says it once:\n${output}`)
        assert.match(output, /is not valid JSON/)
        assert.doesNotMatch(output, /at .*\.js:\d+/, 'no stack trace')

        const machine = sageform([...command, '-C', dir, '--json'], { env })
        assert.equal(machine.status, 1)
        const payload = JSON.parse(machine.stdout) as { plan: unknown; diagnostics: Array<{ severity: string; summary: string; detail?: string }> }
        assert.equal(payload.plan, null)
        assert.deepEqual(
          payload.diagnostics.map((d) => [d.severity, d.summary]),
          [['error', 'The state file cannot be read']],
        )
        assert.ok(payload.diagnostics[0]!.detail!.includes(statePath(dir)))
        assert.deepEqual(schemaErrors(command[0]!, payload), [])

        assert.equal(readFileSync(statePath(dir), 'utf8'), corrupt, `${command[0]} leaves the state file byte-identical`)
        assert.equal(readFileSync(`${statePath(dir)}.backup`, 'utf8'), backup, `${command[0]} leaves the backup alone`)
        assert.deepEqual(readdirSync(dir).sort(), files, `${command[0]} leaves no lock, errored state or temporary file`)
      }
      assert.ok(!existsSync(join(dir, 'errored.sageform.state.json')))
    })

    it('plan --json on examples/bayesian-tuning matches schemas/plan.json', () => {
      const { status, stdout, stderr } = sageform(['plan', '--json', '--refresh=false', '-C', exampleCopy('bayesian-tuning')])
      assert.equal(status, 0, stderr)
      const payload = JSON.parse(stdout) as { plan: Plan; diagnostics: unknown[] }
      assert.deepEqual(schemaErrors('plan', payload), [])
      assert.deepEqual(
        payload.plan.changes.map((c) => [c.action, Boolean(c.deferred)]),
        [
          ['create', false],
          ['create', true],
        ],
      )
      // And the schema is not vacuous: a plan missing its changes, or with an unknown that is not {"$unknown": string}, fails.
      const { changes: _changes, ...withoutChanges } = payload.plan
      assert.notDeepEqual(schemaErrors('plan', { ...payload, plan: withoutChanges }), [])
      const badTags = structuredClone(payload)
      badTags.plan.changes[0]!.after!.tags = { team: { $unknown: 3 } as never }
      assert.notDeepEqual(schemaErrors('plan', badTags), [])
    })
  })
})
