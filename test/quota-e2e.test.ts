// Quotas end to end: the built CLI against the local endpoint started in-process with a quota of 0 for ml.m5.large.
// The plan refuses with the exact increase command, the quota is raised through the Service Quotas API, the plan
// passes and apply creates; the endpoint itself refuses a Create past the quota, and apply explains it. The AWS CLI
// (when installed) reads the endpoint's Service Quotas API.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServiceQuotasClient, RequestServiceQuotaIncreaseCommand } from '@aws-sdk/client-service-quotas'
import { SageMakerClient, CreateTrainingJobCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { trainingJob } from './helpers/endpoint.js'

const M5_LARGE = 'ml.m5.large for training job usage'
const M5_LARGE_CODE = 'L-611FA074'

const output = (run: CliRun) => `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

function resource(label: string, instanceType = 'ml.m5.large'): string {
  return `resource "sagemaker_training_job" "${label}" {
  name_prefix = "quota-${label}"
${TRAINING_BODY.replace('ml.m5.large', instanceType)}}
`
}

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0

/** The AWS CLI, asynchronously: this process serves the endpoint it talks to. AWS CLI v1 reads AWS_DEFAULT_REGION. */
function aws(args: string[], url: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('aws', [...args, '--endpoint-url', url], { env: endpointEnv(url, { AWS_DEFAULT_REGION: 'us-east-1' }), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}

describe('quotas end to end: plan refuses, the quota is raised, plan passes, apply creates', function () {
  let endpoint: Endpoint
  const dirs: string[] = []
  const clientConfig = () => ({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 })

  before(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    endpoint = await startEndpoint({ manualClock: {}, quotas: { [M5_LARGE]: 0 } })
  })
  after(async () => {
    await endpoint.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  const workDir = (hcl: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-quota-e2e-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'main.hcl'), hcl)
    return dir
  }
  const sageform = (args: string[], cwd: string) => runCli(args, { cwd, env: endpointEnv(endpoint.url) })

  it('walks the whole loop', async () => {
    const dir = workDir(resource('churn'))
    const refused = await sageform(['plan', '--no-cost'], dir)
    assert.equal(refused.status, 1, output(refused))
    const hint = `aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code ${M5_LARGE_CODE} --desired-value 1 --region us-east-1`
    assert.match(refused.stdout + refused.stderr, /Plan exceeds the SageMaker quota "ml\.m5\.large for training job usage"/)
    assert.ok((refused.stdout + refused.stderr).replace(/\s+/g, ' ').includes(hint), output(refused))
    assert.match(refused.stdout, /ml\.m5\.large for training job usage \(L-611FA074\): need 1 \+ in use 0 of 0 — EXCEEDED/)

    const json = await sageform(['plan', '--no-cost', '--json'], dir)
    assert.equal(json.status, 1)
    const payload = JSON.parse(json.stdout)
    assert.deepEqual(schemaErrors('plan', payload), [])
    assert.equal(payload.plan.quota_check.items[0].outcome, 'exceeds')

    const markdown = await sageform(['plan', '--no-cost', '--markdown'], dir)
    assert.equal(markdown.status, 1)
    assert.match(markdown.stdout, /\*\*Quotas in us-east-1: 1 exceeded\*\*/)
    assert.match(markdown.stdout, /❌ `ml\.m5\.large for training job usage` \(L-611FA074\)/)
    assert.match(markdown.stdout, /\*\*Errors \(the plan cannot be applied\):\*\*/)

    // The hint, as a user would run it: through the AWS CLI when installed, else the SDK.
    if (awsCli) {
      const raised = await aws(hint.split(' ').slice(1), endpoint.url)
      assert.equal(raised.status, 0, raised.stderr)
      assert.equal(JSON.parse(raised.stdout).RequestedQuota.Status, 'APPROVED')
    } else {
      const sq = new ServiceQuotasClient(clientConfig())
      await sq.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'sagemaker', QuotaCode: M5_LARGE_CODE, DesiredValue: 1 }))
      sq.destroy()
    }

    const passes = await sageform(['plan', '--no-cost'], dir)
    assert.equal(passes.status, 0, output(passes))
    assert.match(passes.stdout, /Quotas in us-east-1: the new jobs fit/)
    assert.match(passes.stdout, /ml\.m5\.large for training job usage \(L-611FA074\): need 1 \+ in use 0 of 1 — ok/)

    const applied = await sageform(['apply', '--auto-approve'], dir)
    assert.equal(applied.status, 0, output(applied))
    const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
    assert.equal(state.resources['sagemaker_training_job.churn']?.current?.status, 'InProgress')

    // The endpoint refuses a Create past the quota with SageMaker's wording.
    const sm = new SageMakerClient(clientConfig())
    await assert.rejects(sm.send(new CreateTrainingJobCommand(trainingJob('past-the-quota'))), (e: Error) => {
      assert.equal(e.name, 'ResourceLimitExceeded')
      assert.equal(
        e.message,
        "The account-level service limit 'ml.m5.large for training job usage' is 1 Instances, with current utilization of 1 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.",
      )
      return true
    })
    sm.destroy()

    // A plan now warns that it fits only once the running job finishes; apply past the quota explains the refusal
    // and the independent change on another instance type goes on.
    const more = workDir(resource('second') + resource('other', 'ml.c5.xlarge'))
    const waits = await sageform(['plan', '--no-cost'], more)
    assert.equal(waits.status, 0, output(waits))
    assert.match(waits.stdout + waits.stderr, /fits the SageMaker quota "ml\.m5\.large for training job usage" only once other jobs finish/)
    const partial = await sageform(['apply', '--auto-approve'], more)
    assert.equal(partial.status, 1, output(partial))
    const text = (partial.stdout + partial.stderr).replace(/\s+/g, ' ')
    assert.ok(text.includes('The SageMaker quota "ml.m5.large for training job usage" (L-611FA074) is 1; 1 instance is in use and this job needs 1 instance more.'), output(partial))
    assert.ok(text.includes(`aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code ${M5_LARGE_CODE} --desired-value 2`), output(partial))
    const after = JSON.parse(readFileSync(join(more, 'sageform.state.json'), 'utf8')) as State
    assert.equal(after.resources['sagemaker_training_job.other']?.current?.status, 'InProgress')
    assert.equal(after.resources['sagemaker_training_job.second']?.current, undefined)
  })

  it('apply without a plan file (the cron path) checks the plan it makes: refused before anything is created', async () => {
    const zero = await startEndpoint({ manualClock: {}, quotas: { [M5_LARGE]: 0 } })
    try {
      const dir = workDir(resource('cron'))
      const env = endpointEnv(zero.url)
      const refused = await runCli(['apply', '--auto-approve'], { cwd: dir, env })
      assert.equal(refused.status, 1, output(refused))
      const text = (refused.stdout + refused.stderr).replace(/\s+/g, ' ')
      assert.match(text, /Plan exceeds the SageMaker quota "ml\.m5\.large for training job usage"/)
      assert.ok(text.includes(`aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code ${M5_LARGE_CODE} --desired-value 1 --region us-east-1`), output(refused))
      const sm = new SageMakerClient({ ...clientConfig(), endpoint: zero.url })
      assert.deepEqual((await sm.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries, [])
      // Skipped on request (Terraform's single dash too): the Create itself is then refused, and explained.
      const unchecked = await runCli(['apply', '-auto-approve', '-no-quota-check'], { cwd: dir, env })
      assert.equal(unchecked.status, 1, output(unchecked))
      assert.doesNotMatch(unchecked.stdout + unchecked.stderr, /Plan exceeds the SageMaker quota/)
      assert.ok((unchecked.stdout + unchecked.stderr).replace(/\s+/g, ' ').includes('The SageMaker quota "ml.m5.large for training job usage" (L-611FA074) is 0'), output(unchecked))
      assert.deepEqual((await sm.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries, [])
      sm.destroy()
    } finally {
      await zero.close()
    }
  })

  it('the AWS CLI reads the endpoint\'s Service Quotas API (when aws is installed)', async function () {
    if (!awsCli) this.skip()
    const listed = await aws(['service-quotas', 'list-service-quotas', '--service-code', 'sagemaker', '--output', 'json'], endpoint.url)
    assert.equal(listed.status, 0, listed.stderr)
    const quotas = JSON.parse(listed.stdout).Quotas as Array<{ QuotaCode: string; QuotaName: string; Value: number }>
    // The CLI follows NextToken itself: every page of 100 is read.
    assert.ok(quotas.length > 100, `${quotas.length} quotas`)
    assert.ok(quotas.some((q) => q.QuotaCode === 'L-00C91CB5' && q.QuotaName === 'Number of instances across all training jobs'))
    const got = await aws(['service-quotas', 'get-service-quota', '--service-code', 'sagemaker', '--quota-code', 'L-11294128'], endpoint.url)
    assert.equal(got.status, 0, got.stderr)
    assert.deepEqual(JSON.parse(got.stdout).Quota.Value, 10)
    const missing = await aws(['service-quotas', 'get-service-quota', '--service-code', 'sagemaker', '--quota-code', 'L-00000000'], endpoint.url)
    assert.notEqual(missing.status, 0)
    assert.match(missing.stderr, /NoSuchResourceException/)
  })
})
