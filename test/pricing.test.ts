// Prices for plan: AWS's Price List Query API over HTTP (nock answers GetProducts in its real shape: PriceList is an
// array of JSON strings), the per-region cache, the deadline when the network is unreachable, and pinned prices.
// No test reaches the real network: nock refuses every connection it was not told about.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import type { Plan } from '../src/plan/types.js'
import type { PlanOptions } from '../src/services/plan.js'
import { AWS_JSON_HEADERS, dummyAwsEnv, isolateAwsEnvPerTest } from './helpers/aws.js'
import { sageform, schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { exampleCopy } from './helpers/examples.js'

const PRICING_ENDPOINT = 'https://api.pricing.us-east-1.amazonaws.com'
const PUBLISHED = '2026-11-01T00:00:00Z'
const DAY = 24 * 3600 * 1000

/** One GetProducts PriceList entry as the service returns it: a JSON string. */
function product(attributes: Record<string, string>, usd: string, unit = 'Hrs'): string {
  const sku = `SKU${Math.abs(hash(JSON.stringify(attributes)))}`
  return JSON.stringify({
    product: { productFamily: attributes.instanceName ? 'ML Instance' : 'ML Storage', attributes: { servicecode: 'AmazonSageMaker', servicename: 'Amazon SageMaker', locationType: 'AWS Region', location: 'US East (N. Virginia)', regionCode: 'us-east-1', operation: 'RunInstance', ...attributes }, sku },
    serviceCode: 'AmazonSageMaker',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: { [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: { unit, endRange: 'Inf', description: `$${usd} per ${unit}`, appliesTo: [], rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`, beginRange: '0', pricePerUnit: { USD: usd } } },
          sku,
          effectiveDate: PUBLISHED,
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: PUBLISHED,
  })
}

function hash(s: string): number {
  let h = 0
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0
  return h
}

const training = (instance: string, usd: string) => product({ instanceName: instance, instanceType: `${instance}-Training`, component: 'Training', usagetype: `USE1-Train:${instance}`, vCpu: '4', memory: '16 GiB', gpu: '0' }, usd)
const PAGE_1 = [training('ml.m5.large', '0.1150000000'), training('ml.g5.xlarge', '1.4080000000'), product({ component: 'Training', usagetype: 'USE1-Train:VolumeUsage.gp2', volumeType: 'General Purpose' }, '0.1400000000', 'GB-Mo')]
const PAGE_2 = [training('ml.c5.xlarge', '0.2040000000')]

interface GetProducts {
  body: Record<string, unknown>
}

/** Queues GetProducts answers (each a page); records each request's body. */
function pricingApi(pages: Array<{ items: string[]; next?: string }>, options: { delayMs?: number } = {}) {
  const calls: GetProducts[] = []
  const scope = nock(PRICING_ENDPOINT)
  for (const page of pages) {
    const interceptor = scope
      .post('/', (body: Record<string, unknown>) => {
        calls.push({ body: typeof body === 'string' ? JSON.parse(body) : body })
        return true
      })
      .matchHeader('x-amz-target', 'AWSPriceListService.GetProducts')
    ;(options.delayMs ? interceptor.delay(options.delayMs) : interceptor).reply(200, JSON.stringify({ FormatVersion: 'aws_v1', PriceList: page.items, ...(page.next ? { NextToken: page.next } : {}) }), AWS_JSON_HEADERS)
  }
  return { calls, scope }
}

const HCL = (instance = 'ml.m5.large') => `provider "sagemaker" {
  region = "us-east-1"
}

resource "sagemaker_training_job" "churn" {
  name_prefix = "churn"
${TRAINING_BODY.replace('ml.m5.large', instance)}
}
`

// See commands-nock.test.ts: the services are loaded with import() so that PriceListError is one class.
const planModule = () => import('../src/services/plan.js')

describe('plan cost: prices', () => {
  let cacheDir: string
  const dirs: string[] = []

  before(() => {
    nock.disableNetConnect()
  })
  after(() => {
    nock.enableNetConnect()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  isolateAwsEnvPerTest(() => dummyAwsEnv())
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'sageform-cache-'))
    dirs.push(cacheDir)
  })
  afterEach(() => {
    nock.abortPendingRequests()
    nock.cleanAll()
  })

  const options = (dir: string, cost: PlanOptions['cost'] = {}): PlanOptions => ({ dir, variables: [], env: { SAGEFORM_CACHE_DIR: cacheDir }, refresh: false, replace: [], parallelism: 10, cost })

  async function plan(dir: string, cost: PlanOptions['cost'] = {}): Promise<Plan> {
    const { planService } = await planModule()
    const result = await planService(options(dir, cost))
    assert.ok(result.plan, JSON.stringify(result.diagnostics))
    assert.deepEqual(schemaErrors('plan', JSON.parse(JSON.stringify({ plan: result.plan, diagnostics: result.diagnostics }))), [])
    return result.plan
  }

  const cachePath = (region = 'us-east-1') => join(cacheDir, `sagemaker-training-prices.${region}.json`)
  const writeCache = (fetchedAt: Date, prices: Record<string, number>) =>
    writeFileSync(cachePath(), JSON.stringify({ format_version: 1, region: 'us-east-1', prices, publication_date: '2026-10-01T00:00:00Z', fetched_at: fetchedAt.toISOString() }))

  it('asks GetProducts for the region\'s training prices, every page, and caches them with the publication date', async () => {
    const api = pricingApi([{ items: PAGE_1, next: 'page-2' }, { items: PAGE_2 }])
    const result = await plan(configDir({ 'main.hcl': HCL() }))
    assert.deepEqual(
      api.calls.map((c) => c.body),
      [
        { ServiceCode: 'AmazonSageMaker', Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'component', Value: 'Training' }], FormatVersion: 'aws_v1', MaxResults: 100 },
        { ServiceCode: 'AmazonSageMaker', Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'component', Value: 'Training' }], FormatVersion: 'aws_v1', MaxResults: 100, NextToken: 'page-2' },
      ],
    )
    assert.deepEqual(result.cost, {
      region: 'us-east-1',
      instance_hours: [{ instance_type: 'ml.m5.large', hours: 1, usd_per_hour: 0.115, price_source: 'aws', usd: 0.115 }],
      hours: 1,
      usd: 0.115,
      prices_as_of: '2026-11-01',
      managed_spot: false,
      not_counted: [],
    })
    const cached = JSON.parse(readFileSync(cachePath(), 'utf8'))
    assert.deepEqual(cached.prices, { 'ml.m5.large': 0.115, 'ml.g5.xlarge': 1.408, 'ml.c5.xlarge': 0.204 }, 'the storage product is not an instance')
    assert.equal(cached.publication_date, PUBLISHED)
    assert.ok(Date.now() - Date.parse(cached.fetched_at) < 60_000)
  })

  it('a cache younger than a week answers without a request', async () => {
    writeCache(new Date(Date.now() - 6 * DAY), { 'ml.m5.large': 0.1 })
    let requests = 0
    const count = () => requests++
    nock.emitter.on('no match', count)
    try {
      const result = await plan(configDir({ 'main.hcl': HCL() }))
      assert.equal(requests, 0)
      assert.deepEqual(result.cost!.instance_hours, [{ instance_type: 'ml.m5.large', hours: 1, usd_per_hour: 0.1, price_source: 'aws', usd: 0.1 }])
      assert.equal(result.cost!.prices_as_of, '2026-10-01')
    } finally {
      nock.emitter.removeListener('no match', count)
    }
  })

  it('a cached region without the instance type says so, and asks nothing', async () => {
    writeCache(new Date(Date.now() - DAY), { 'ml.c5.xlarge': 0.2 })
    const result = await plan(configDir({ 'main.hcl': HCL() }))
    assert.deepEqual(result.cost!.instance_hours, [{ instance_type: 'ml.m5.large', hours: 1, usd_per_hour: null, price_source: null, usd: null, price_unknown_reason: "not in AWS's price list for us-east-1" }])
    assert.equal(result.cost!.usd, null)
  })

  it('a cache a week old is fetched again and replaced', async () => {
    writeCache(new Date(Date.now() - 7 * DAY - 1000), { 'ml.m5.large': 0.1 })
    const api = pricingApi([{ items: PAGE_1 }])
    const result = await plan(configDir({ 'main.hcl': HCL() }))
    assert.equal(api.calls.length, 1)
    assert.equal(result.cost!.usd, 0.115)
    assert.equal(result.cost!.prices_as_of, '2026-11-01')
    assert.equal(JSON.parse(readFileSync(cachePath(), 'utf8')).prices['ml.m5.large'], 0.115)
  })

  it('a price list that does not answer within the request timeout: instance-hours, "price unknown"', async () => {
    // The look-up is bounded like every remote call, by --request-timeout (here through its variable).
    pricingApi([{ items: PAGE_1 }], { delayMs: 20_000 })
    const dir = configDir({ 'main.hcl': HCL() })
    const { planService } = await planModule()
    const saved = process.env.SAGEFORM_REQUEST_TIMEOUT
    process.env.SAGEFORM_REQUEST_TIMEOUT = '500ms'
    let result
    try {
      result = await planService(options(dir))
    } finally {
      if (saved === undefined) delete process.env.SAGEFORM_REQUEST_TIMEOUT
      else process.env.SAGEFORM_REQUEST_TIMEOUT = saved
    }
    assert.deepEqual(result.plan!.cost!.instance_hours, [{ instance_type: 'ml.m5.large', hours: 1, usd_per_hour: null, price_source: null, usd: null, price_unknown_reason: 'price list unreachable' }])
    assert.deepEqual(result.diagnostics, [])
    assert.ok(!existsSync(cachePath()), 'nothing cached')
    const { renderPlan } = await import('../src/ui/plan.js')
    const { makeStyle } = await import('../src/ui/style.js')
    assert.match(renderPlan(result.plan!, makeStyle(false)), /\nCost: at most 1 instance-hour of ml\.m5\.large, price unknown \(price list unreachable\)\./)
  })

  it('a refused connection fails fast the same way', async () => {
    nock(PRICING_ENDPOINT).post('/').replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    // Fast means one attempt: a retry would be a second request, which nock has no answer for.
    const unmatched: unknown[] = []
    const onNoMatch = (req: unknown) => unmatched.push(req)
    nock.emitter.on('no match', onNoMatch)
    const result = await plan(configDir({ 'main.hcl': HCL() })).finally(() => nock.emitter.removeListener('no match', onNoMatch))
    assert.equal(unmatched.length, 0, 'the refused connection was tried again')
    assert.equal(result.cost!.instance_hours[0]!.price_unknown_reason, 'price list unreachable')
  })

  it('no credentials: "price unknown (no AWS credentials)"', async () => {
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    const result = await plan(configDir({ 'main.hcl': HCL() }))
    assert.equal(result.cost!.instance_hours[0]!.price_unknown_reason, 'no AWS credentials')
  })

  it('an error answer is "price unknown" too, never a failed plan', async () => {
    nock(PRICING_ENDPOINT).post('/').reply(400, JSON.stringify({ __type: 'AccessDeniedException', Message: 'not allowed' }), AWS_JSON_HEADERS)
    const result = await plan(configDir({ 'main.hcl': HCL() }))
    assert.equal(result.cost!.instance_hours[0]!.price_unknown_reason, 'price list answered AccessDeniedException')
  })

  it('no region: no request, "price unknown (no AWS region)"', async () => {
    const result = await plan(configDir({ 'main.hcl': HCL().replace(/provider "sagemaker" \{[^}]*\}/, '') }))
    assert.equal(result.cost!.region, null)
    assert.equal(result.cost!.instance_hours[0]!.price_unknown_reason, 'no AWS region')
  })

  it('a profile\'s region in the shared config counts, as it does for SageMaker', async () => {
    const config = join(cacheDir, 'aws-config')
    writeFileSync(config, '[default]\nregion = eu-west-1\n')
    process.env.AWS_CONFIG_FILE = config
    const api = pricingApi([{ items: [training('ml.m5.large', '0.1280000000').replace('"us-east-1"', '"eu-west-1"')] }])
    const result = await plan(configDir({ 'main.hcl': HCL().replace(/provider "sagemaker" \{[^}]*\}/, '') }))
    assert.deepEqual(api.calls[0]!.body.Filters, [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' }, { Type: 'TERM_MATCH', Field: 'component', Value: 'Training' }])
    assert.equal(result.cost!.region, 'eu-west-1')
    assert.equal(result.cost!.usd, 0.128)
  })

  it('sageform.pricing.json beside the manifests pins prices: they win, are labelled, and nothing is asked', async () => {
    writeCache(new Date(), { 'ml.m5.large': 0.1 })
    const dir = configDir({ 'main.hcl': HCL(), 'sageform.pricing.json': JSON.stringify({ 'ml.m5.large': 0.5, 'ml.p5.48xlarge': 98.32 }) })
    const result = await plan(dir)
    assert.deepEqual(result.cost!.instance_hours, [{ instance_type: 'ml.m5.large', hours: 1, usd_per_hour: 0.5, price_source: 'pinned', usd: 0.5 }])
    assert.equal(result.cost!.prices_as_of, null)
    const { totalCostLine } = await import('../src/ui/cost.js')
    assert.equal(totalCostLine(result.cost!), 'Cost: at most 1 instance-hour of ml.m5.large, $0.50 (pinned prices).')
  })

  it('--pricing FILE pins some types; the others come from AWS', async () => {
    const pricing = join(cacheDir, 'ci-prices.json')
    writeFileSync(pricing, JSON.stringify({ 'ml.m5.large': 0.5 }))
    const api = pricingApi([{ items: PAGE_1 }])
    const hcl = HCL() + `\nresource "sagemaker_training_job" "gpu" {\n  name_prefix = "gpu"\n${TRAINING_BODY.replace('ml.m5.large', 'ml.g5.xlarge')}\n}\n`
    const result = await plan(configDir({ 'main.hcl': hcl }), { pricingFile: pricing })
    assert.equal(api.calls.length, 1)
    assert.deepEqual(
      result.cost!.instance_hours.map((i) => [i.instance_type, i.price_source, i.usd]),
      [
        ['ml.g5.xlarge', 'aws', 1.408],
        ['ml.m5.large', 'pinned', 0.5],
      ],
    )
    assert.equal(result.cost!.usd, 1.908)
  })

  it('a pricing file that cannot be used is a warning, and the plan goes on', async () => {
    writeCache(new Date(), { 'ml.m5.large': 0.1 })
    const { planService } = await planModule()
    const bad = await planService(options(configDir({ 'main.hcl': HCL(), 'sageform.pricing.json': '{"ml.m5.large": ' })))
    assert.deepEqual(bad.diagnostics.map((d) => [d.severity, d.summary]), [['warning', 'The pricing file is not valid JSON']])
    assert.equal(bad.plan!.cost!.instance_hours[0]!.price_source, 'aws')
    const missing = await planService({ ...options(configDir({ 'main.hcl': HCL() })), cost: { pricingFile: join(cacheDir, 'nope.json') } })
    assert.deepEqual(missing.diagnostics.map((d) => [d.severity, d.summary]), [['warning', 'Cannot read the pricing file']])
    const wrong = await planService(options(configDir({ 'main.hcl': HCL(), 'sageform.pricing.json': '{"ml.m5.large": "cheap", "ml.c5.xlarge": 0.2}' })))
    assert.deepEqual(wrong.diagnostics.map((d) => [d.severity, d.summary]), [['warning', 'Pricing file entries ignored']])
  })

  it('without cost options (plan --no-cost, apply) nothing is priced and nothing asked', async () => {
    const api = pricingApi([{ items: PAGE_1 }])
    const { planService } = await planModule()
    const result = await planService({ ...options(configDir({ 'main.hcl': HCL() })), cost: undefined })
    assert.equal(result.plan!.cost, undefined)
    assert.ok(result.plan!.changes.every((c) => c.cost === undefined))
    assert.equal(api.calls.length, 0)
    assert.ok(!existsSync(cachePath()))
  })

  it('takes any PriceListApi (the fake), and maps its errors', async () => {
    const { PriceListError } = await import('../src/sagemaker/price-list.js')
    const { FakePriceList } = await import('./helpers/fake-price-list.js')
    const fake = new FakePriceList({ 'us-east-1': { prices: { 'ml.m5.large': 0.2 }, publication_date: PUBLISHED } })
    const priced = await plan(configDir({ 'main.hcl': HCL() }), { priceList: fake })
    assert.deepEqual(fake.calls, ['us-east-1'])
    assert.equal(priced.cost!.usd, 0.2)
    rmSync(cachePath())
    const failing = new FakePriceList({}, new PriceListError('credentials', 'no credentials'))
    const unknown = await plan(configDir({ 'main.hcl': HCL() }), { priceList: failing })
    assert.equal(unknown.cost!.instance_hours[0]!.price_unknown_reason, 'no AWS credentials')
  })

  it('parses the PriceList strings: instance from instanceName, instanceType or usagetype; hourly on-demand USD only', async () => {
    const { parseTrainingPriceList } = await import('../src/sagemaker/price-list.js')
    const items = [
      product({ instanceType: 'ml.p4d.24xlarge-Training', component: 'Training', usagetype: 'USE1-Train:ml.p4d.24xlarge' }, '37.6880000000'),
      product({ component: 'Training', usagetype: 'USE1-Train:ml.trn1.2xlarge' }, '1.5000000000'),
      product({ instanceName: 'ml.m5.large', component: 'Hosting', usagetype: 'USE1-Host:ml.m5.large' }, '0.1150000000'),
      product({ instanceName: 'ml.m5.large', component: 'Training', usagetype: 'USE1-Train:ml.m5.large', regionCode: 'eu-west-1' }, '0.1280000000'),
      product({ instanceName: 'ml.c5.xlarge', component: 'Training', usagetype: 'USE1-Train:ml.c5.xlarge' }, '0.0000000000'),
      'not json',
    ]
    assert.deepEqual(parseTrainingPriceList(items, 'us-east-1'), { region: 'us-east-1', prices: { 'ml.p4d.24xlarge': 37.688, 'ml.trn1.2xlarge': 1.5 }, publication_date: PUBLISHED })
  })
})

describe('plan cost through the built CLI (npm run build first)', () => {
  // Child processes: a closed local port stands in for the price list, so nothing can reach the real network.
  const offline = (cache: string) => ({ SAGEFORM_CACHE_DIR: cache, AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' })
  const dirs: string[] = []
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const tempCache = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-cache-'))
    dirs.push(dir)
    return dir
  }

  it('plan on examples/xgboost-training shows the job\'s size and the total with the cached prices\' date', () => {
    const cache = tempCache()
    writeFileSync(join(cache, 'sagemaker-training-prices.us-east-1.json'), JSON.stringify({ format_version: 1, region: 'us-east-1', prices: { 'ml.m5.xlarge': 0.23 }, publication_date: PUBLISHED, fetched_at: new Date().toISOString() }))
    const { status, stdout, stderr } = sageform(['plan', '--refresh=false', '-C', exampleCopy('xgboost-training')], { env: offline(cache) })
    assert.equal(status, 0, stderr)
    const lines = stdout.split('\n')
    assert.ok(lines.includes('  # max size: 1 × ml.m5.xlarge × 1h = 1 instance-hour, $0.23; wall time ≤ 2h; managed spot: up to 90% cheaper, billed time only'), stdout)
    const summary = lines.indexOf('Plan: 1 to create, 0 to replace, 0 to update, 0 to stop.')
    assert.equal(lines[summary + 1], 'Cost: at most 1 instance-hour of ml.m5.xlarge, $0.23 (us-east-1 on-demand prices as of 2026-11-01). Managed spot jobs may cost up to 90% less.')
  })

  it('plan with the price list unreachable: "price unknown", exit 0', () => {
    const { status, stdout, stderr } = sageform(['plan', '--refresh=false', '-C', exampleCopy('bayesian-tuning')], { env: offline(tempCache()) })
    assert.equal(status, 0, stderr)
    assert.match(stdout, /\nCost: at most 60 instance-hours of ml\.g5\.xlarge, price unknown \(price list unreachable\)\.\n/)
    assert.doesNotMatch(stdout, /\$/)
  })

  it('plan --json carries the cost fields, valid against schemas/plan.json; --no-cost leaves them out', () => {
    const cache = tempCache()
    const pricing = join(cache, 'pinned.json')
    writeFileSync(pricing, JSON.stringify({ 'ml.m5.2xlarge': 0.461, 'ml.c5.2xlarge': 0.408 }))
    const example = exampleCopy('hyperband-multi-algorithm')
    const run = sageform(['plan', '--json', '--refresh=false', '--pricing', pricing, '-C', example], { env: offline(cache) })
    assert.equal(run.status, 0, run.stderr)
    const payload = JSON.parse(run.stdout) as { plan: Plan }
    assert.deepEqual(schemaErrors('plan', payload), [])
    assert.deepEqual(payload.plan.changes[0]!.cost, {
      instances: [{ instance_type: 'ml.m5.2xlarge', count: 1 }],
      max_runtime_seconds: 3600,
      max_runtime_defaulted: false,
      training_jobs: 60,
      training_jobs_basis: 'manifest',
      max_parallel_training_jobs: 6,
      tuning_max_runtime_seconds: 21600,
      definition: 'definition "xgboost"',
      candidates: 2,
      capped_by_tuning_runtime: true,
      wall_time_seconds: 21600,
      managed_spot: false,
      instance_hours: [{ instance_type: 'ml.m5.2xlarge', hours: 36, usd_per_hour: 0.461, price_source: 'pinned', usd: 16.596 }],
      usd: 16.596,
    })
    assert.deepEqual(payload.plan.cost, { region: 'us-east-1', instance_hours: [{ instance_type: 'ml.m5.2xlarge', hours: 36, usd_per_hour: 0.461, price_source: 'pinned', usd: 16.596 }], hours: 36, usd: 16.596, prices_as_of: null, managed_spot: false, not_counted: [] })
    // The schema is not vacuous for cost: a negative price or a missing total fails.
    const bad = structuredClone(payload)
    bad.plan.cost!.instance_hours[0]!.usd = -1
    assert.notDeepEqual(schemaErrors('plan', bad), [])
    const { hours: _hours, ...noHours } = payload.plan.cost!
    assert.notDeepEqual(schemaErrors('plan', { ...payload, plan: { ...payload.plan, cost: noHours } }), [])

    const none = sageform(['plan', '--json', '--refresh=false', '--no-cost', '-C', example], { env: offline(cache) })
    assert.equal(none.status, 0, none.stderr)
    const plain = JSON.parse(none.stdout) as { plan: Plan }
    assert.equal(plain.plan.cost, undefined)
    assert.ok(plain.plan.changes.every((c) => c.cost === undefined))
    assert.deepEqual(schemaErrors('plan', plain), [])
  })
})
