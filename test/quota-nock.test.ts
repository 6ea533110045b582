// The quota check of plan over HTTP: nock plays Service Quotas (ListServiceQuotas, JSON 1.1) and SageMaker (Search for
// InProgress jobs) with the exact requests the SDK clients send, then the degraded cases: access denied, no answer in
// time, a cached answer. No test reaches the real network.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import type { Plan } from '../src/plan/types.js'
import type { PlanOptions } from '../src/services/plan.js'
import { AwsJsonDouble, dummyAwsEnv, isolateAwsEnvPerTest, nockOnly, type Body, type Reply } from './helpers/aws.js'
import { schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

const QUOTAS_ENDPOINT = 'https://servicequotas.us-east-1.amazonaws.com'
const SAGEMAKER_ENDPOINT = 'https://api.sagemaker.us-east-1.amazonaws.com'

const quota = (code: string, name: string, value: number) => ({
  ServiceCode: 'sagemaker',
  ServiceName: 'Amazon SageMaker',
  QuotaArn: `arn:aws:servicequotas:us-east-1:123456789012:sagemaker/${code}`,
  QuotaCode: code,
  QuotaName: name,
  Value: value,
  Unit: 'None',
  Adjustable: true,
  GlobalQuota: false,
})

const PAGE_1 = [quota('L-00C91CB5', 'Number of instances across all training jobs', 10), quota('L-622CFD70', 'Maximum number of instances per training job', 20)]
const PAGE_2 = [quota('L-611FA074', 'ml.m5.large for training job usage', 4), quota('L-29688C85', 'ml.m5.large for spot training job usage', 0)]

/** A running training job as Search returns it. */
const runningJob = (name: string, count: number) => ({ TrainingJob: { TrainingJobName: name, TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, TrainingJobStatus: 'InProgress', ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: count, VolumeSizeInGB: 30 } } })

const HCL = (count: number, instanceType = 'ml.m5.large') => `provider "sagemaker" {
  region = "us-east-1"
}

resource "sagemaker_training_job" "churn" {
  name_prefix = "churn"
${TRAINING_BODY.replace(/instance_count\s*=\s*\d+/, `instance_count = ${count}`).replace('ml.m5.large', instanceType)}
}
`

/** ml.p3.2xlarge is not in sageform's table of codes: its quota is found by name in the whole list. */
const P3 = 'ml.p3.2xlarge'
const P3_QUOTA = quota('L-2D3A4F5E', 'ml.p3.2xlarge for training job usage', 1)

const planModule = () => import('../src/services/plan.js')

describe('plan quota check over HTTP (nock)', () => {
  nockOnly()
  isolateAwsEnvPerTest(() => dummyAwsEnv())
  let cacheDir: string
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'sageform-quota-cache-'))
  })
  afterEach(() => {
    nock.abortPendingRequests()
    rmSync(cacheDir, { recursive: true, force: true })
  })

  const options = (dir: string, quotaCheck: PlanOptions['quotaCheck'] = {}): PlanOptions => ({ dir, variables: [], env: { SAGEFORM_CACHE_DIR: cacheDir }, refresh: true, replace: [], parallelism: 10, quotaCheck })

  async function plan(dir: string, quotaCheck: PlanOptions['quotaCheck'] = {}): Promise<Plan> {
    const { planService } = await planModule()
    const result = await planService(options(dir, quotaCheck))
    assert.ok(result.plan, JSON.stringify(result.diagnostics))
    assert.deepEqual(schemaErrors('plan', JSON.parse(JSON.stringify({ plan: result.plan, diagnostics: result.diagnostics }))), [])
    return result.plan
  }

  /** Search answers: training jobs in pages as given, no tuning jobs. */
  function sageMaker(trainingPages: object[][]): AwsJsonDouble {
    const sm = new AwsJsonDouble(SAGEMAKER_ENDPOINT, 'SageMaker')
    trainingPages.forEach((results, i) => sm.on('Search', [200, { Results: results, ...(i < trainingPages.length - 1 ? { NextToken: `t${i + 1}` } : {}) }], (b) => b.Resource === 'TrainingJob' && (i === 0 ? b.NextToken === undefined : b.NextToken === `t${i}`)))
    sm.on('Search', [200, { Results: [] }], (b) => b.Resource === 'HyperParameterTuningJob')
    return sm
  }

  function serviceQuotas(replies: Array<Reply | ((body: Body) => Reply)>): AwsJsonDouble {
    const sq = new AwsJsonDouble(QUOTAS_ENDPOINT, 'ServiceQuotasV20190624')
    for (const reply of replies) sq.on('ListServiceQuotas', reply)
    return sq
  }

  /** GetServiceQuota answers for these quotas, one request each. */
  function getQuotas(quotas: Array<ReturnType<typeof quota>>): AwsJsonDouble {
    const sq = new AwsJsonDouble(QUOTAS_ENDPOINT, 'ServiceQuotasV20190624')
    for (const q of quotas) sq.on('GetServiceQuota', [200, { Quota: q }], (b) => b.QuotaCode === q.QuotaCode)
    return sq
  }

  /** The three quotas a plan of one ml.m5.large training job counts against, all with codes sageform knows. */
  const M5_QUOTAS = (value = 4) => [quota('L-611FA074', 'ml.m5.large for training job usage', value), PAGE_1[0]!, PAGE_1[1]!]

  it('sends one GetServiceQuota per quota the plan needs, in parallel, and Search for what runs: ceil(N/100) calls, no Describe', async () => {
    const dir = configDir({ 'main.hcl': HCL(2) })
    const sq = getQuotas(M5_QUOTAS())
    // 150 running jobs of one instance each: two Search pages.
    const jobs = Array.from({ length: 150 }, (_, i) => runningJob(`other-${i}`, 1))
    const sm = sageMaker([jobs.slice(0, 100), jobs.slice(100)])
    const result = await plan(dir)
    assert.deepEqual(
      sq.bodies('GetServiceQuota').sort((a, b) => String(a.QuotaCode).localeCompare(String(b.QuotaCode))),
      ['L-00C91CB5', 'L-611FA074', 'L-622CFD70'].map((QuotaCode) => ({ ServiceCode: 'sagemaker', QuotaCode })),
    )
    const searches = sm.bodies('Search')
    assert.deepEqual(sm.ops(), ['Search', 'Search', 'Search'])
    assert.deepEqual(searches.find((b) => b.Resource === 'TrainingJob'), {
      Resource: 'TrainingJob',
      SearchExpression: { Filters: [{ Name: 'TrainingJobStatus', Operator: 'Equals', Value: 'InProgress' }] },
      SortBy: 'CreationTime',
      SortOrder: 'Ascending',
      MaxResults: 100,
    })
    assert.deepEqual(searches.find((b) => b.Resource === 'HyperParameterTuningJob')!.SearchExpression, { Filters: [{ Name: 'HyperParameterTuningJobStatus', Operator: 'Equals', Value: 'InProgress' }] })
    const check = result.quota_check!
    assert.equal(check.status, 'checked')
    const item = check.items.find((i) => i.quota_name === 'ml.m5.large for training job usage')!
    assert.deepEqual({ code: item.quota_code, value: item.value, usage: item.usage, need: item.need, outcome: item.outcome }, { code: 'L-611FA074', value: 4, usage: 150, need: 2, outcome: 'after-others' })
    const across = check.items.find((i) => i.quota_name === 'Number of instances across all training jobs')!
    assert.equal(across.usage, 150)
    assert.ok(result.diagnostics.some((d) => d.severity === 'warning' && d.summary.includes('only once other jobs finish')))
  })

  it('an instance type without a known code: every page of ListServiceQuotas, matched by name', async () => {
    const dir = configDir({ 'main.hcl': HCL(1, P3) })
    const sq = serviceQuotas([[200, { Quotas: PAGE_1, NextToken: 'q2' }], [200, { Quotas: [...PAGE_2, P3_QUOTA] }]])
    sageMaker([[]])
    const result = await plan(dir)
    assert.deepEqual(sq.bodies('ListServiceQuotas'), [{ ServiceCode: 'sagemaker', MaxResults: 100 }, { ServiceCode: 'sagemaker', MaxResults: 100, NextToken: 'q2' }])
    const item = result.quota_check!.items.find((i) => i.quota_name === 'ml.p3.2xlarge for training job usage')!
    assert.deepEqual({ code: item.quota_code, value: item.value, outcome: item.outcome }, { code: 'L-2D3A4F5E', value: 1, outcome: 'fits' })
  })

  it('a quota without an applied value (GetServiceQuota says NoSuchResource): the whole list instead', async () => {
    const dir = configDir({ 'main.hcl': HCL(1) })
    const sq = new AwsJsonDouble(QUOTAS_ENDPOINT, 'ServiceQuotasV20190624')
    sq.on('GetServiceQuota', [400, { __type: 'NoSuchResourceException', Message: 'The request failed because the specified quota does not exist.' }], (b) => b.QuotaCode === 'L-611FA074')
    sq.on('GetServiceQuota', [200, { Quota: PAGE_1[0] }], (b) => b.QuotaCode === 'L-00C91CB5')
    sq.on('GetServiceQuota', [200, { Quota: PAGE_1[1] }], (b) => b.QuotaCode === 'L-622CFD70')
    sq.on('ListServiceQuotas', [200, { Quotas: PAGE_1 }])
    sageMaker([[]])
    const result = await plan(dir)
    const item = result.quota_check!.items.find((i) => i.quota_name === 'ml.m5.large for training job usage')!
    assert.equal(item.outcome, 'not-listed')
    assert.ok(result.diagnostics.some((d) => d.summary === 'No SageMaker quota "ml.m5.large for training job usage" in us-east-1'))
  })

  it('a plan that cannot start: an error naming the quota, its value, usage and need, with the increase command', async () => {
    const dir = configDir({ 'main.hcl': HCL(5) })
    getQuotas(M5_QUOTAS())
    sageMaker([[runningJob('other', 1)]])
    const { planService } = await planModule()
    const result = await planService(options(dir))
    const errors = result.diagnostics.filter((d) => d.severity === 'error')
    assert.equal(errors.length, 1, JSON.stringify(result.diagnostics))
    assert.equal(errors[0]!.summary, 'Plan exceeds the SageMaker quota "ml.m5.large for training job usage"')
    assert.match(errors[0]!.detail!, /need 5 instances at once \(sagemaker_training_job\.churn\); the quota \(L-611FA074\) is 4 in us-east-1, and 1 instance is in use now/)
    assert.equal(errors[0]!.hint, 'Ask AWS to raise it: aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-611FA074 --desired-value 6 --region us-east-1')
  })

  it('AccessDenied from Service Quotas: one warning, "Quotas not checked", and the plan goes on', async () => {
    const dir = configDir({ 'main.hcl': HCL(2, P3) })
    serviceQuotas([[400, { __type: 'AccessDeniedException', Message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: servicequotas:ListServiceQuotas' }]])
    sageMaker([[]])
    const result = await plan(dir)
    assert.equal(result.quota_check!.status, 'not-checked')
    assert.match(result.quota_check!.reason!, /AccessDeniedException/)
    const quotaDiags = result.diagnostics.filter((d) => /quota/i.test(d.summary))
    assert.deepEqual(quotaDiags.map((d) => [d.severity, d.summary]), [['warning', 'Quotas not checked']])
    assert.match(quotaDiags[0]!.hint!, /servicequotas:ListServiceQuotas/)
  })

  it('AccessDenied from Search: the same single warning', async () => {
    const dir = configDir({ 'main.hcl': HCL(2, P3) })
    serviceQuotas([[200, { Quotas: PAGE_1 }]])
    const sm = new AwsJsonDouble(SAGEMAKER_ENDPOINT, 'SageMaker')
    sm.on('Search', [400, { __type: 'AccessDeniedException', Message: 'not authorized to perform: sagemaker:Search' }])
    sm.on('Search', [400, { __type: 'AccessDeniedException', Message: 'not authorized to perform: sagemaker:Search' }])
    const result = await plan(dir)
    assert.equal(result.quota_check!.status, 'not-checked')
    assert.match(result.quota_check!.reason!, /SageMaker Search: AccessDeniedException/)
    assert.equal(result.diagnostics.filter((d) => d.severity === 'error').length, 0)
  })

  it('no answer in time: "Quotas not checked" once the deadline passes, never a hang', async () => {
    const dir = configDir({ 'main.hcl': HCL(2, P3) })
    new AwsJsonDouble(QUOTAS_ENDPOINT, 'ServiceQuotasV20190624').scope.post('/').delay(60_000).reply(200, '{}')
    sageMaker([[]])
    const result = await plan(dir, { timeoutMs: 200 })
    assert.equal(result.quota_check!.status, 'not-checked')
    assert.equal(result.quota_check!.reason, 'Service Quotas: no answer within 200ms')
    nock.abortPendingRequests()
    nock.cleanAll()
  })

  it('caches the quotas per region and account: the next plan asks only Search', async () => {
    const dir = configDir({ 'main.hcl': HCL(2) })
    getQuotas(M5_QUOTAS())
    sageMaker([[]])
    await plan(dir)
    assert.equal(readdirSync(cacheDir).filter((f) => f.startsWith('sagemaker-quotas.us-east-1.')).length, 1)
    const sm = sageMaker([[]])
    const again = await plan(dir)
    assert.equal(again.quota_check!.status, 'checked')
    assert.deepEqual(sm.ops(), ['Search', 'Search'])
  })

  it('a cached value that refuses the plan is confirmed against a fresh answer first (a raised quota passes)', async () => {
    const dir = configDir({ 'main.hcl': HCL(6) })
    getQuotas(M5_QUOTAS())
    sageMaker([[]])
    const { planService } = await planModule()
    const refused = await planService(options(dir))
    assert.equal(refused.diagnostics.filter((d) => d.severity === 'error').length, 1)
    const sq = getQuotas(M5_QUOTAS(8))
    sageMaker([[]])
    const passed = await plan(dir)
    assert.equal(sq.ops().length, 3)
    assert.equal(passed.quota_check!.items.find((i) => i.quota_code === 'L-611FA074')!.outcome, 'fits')
  })

  it('--no-quota-check: no Service Quotas call, no Search, no quota_check', async () => {
    const dir = configDir({ 'main.hcl': HCL(2) })
    const { planService } = await planModule()
    const result = await planService({ ...options(dir), quotaCheck: undefined })
    assert.ok(result.plan)
    assert.equal(result.plan.quota_check, undefined)
  })
})
