// Every remote call has a bound: against a server that accepts connections and never answers, each client gives up
// after its request timeout with one sentence naming the operation and the endpoint, and apply ends with its lock
// released.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSageMakerClient } from '../src/sagemaker/client.js'
import { createLogsClient } from '../src/sagemaker/logs-client.js'
import { createS3Store } from '../src/sagemaker/s3.js'
import { dummyAwsEnv, isolateAwsEnvPerTest } from './helpers/aws.js'
import { endpointEnv, runCli } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'

/** A TCP server that accepts every connection, reads what it is sent, and never writes a byte back. */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server: Server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('data', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

describe('request timeouts against a server that never answers', function () {
  this.timeout(60_000)
  this.slow(10_000)
  let silent: Awaited<ReturnType<typeof silentServer>>
  beforeEach(async () => {
    silent = await silentServer()
  })
  afterEach(() => silent.close())

  describe('each client, in this process', () => {
    isolateAwsEnvPerTest(() => dummyAwsEnv())
    const options = () => ({ endpoint: silent.url, region: 'us-east-1', requestTimeoutMs: 300 })

    it('SageMaker: the call fails as RequestTimeout naming the operation and the endpoint', async () => {
      await assert.rejects(createSageMakerClient(options()).describeTrainingJob('job-1'), (err: Error & { code?: string; retryable?: boolean }) => {
        assert.equal(err.code, 'RequestTimeout')
        assert.equal(err.message, `SageMaker did not answer DescribeTrainingJob within 300ms (endpoint ${silent.url}); raise --request-timeout (or SAGEFORM_REQUEST_TIMEOUT) if it is only slow.`)
        return true
      })
      assert.ok(silent.connections() >= 1, 'the request reached the server')
    })

    it('SageMaker: a paginated listing is bounded too', async () => {
      await assert.rejects(createSageMakerClient(options()).searchByTag('TrainingJob', 'sageform:lineage', 'x'), /did not answer Search within 300ms/)
    })

    it('S3: the state backend names the object and the endpoint', async () => {
      const store = createS3Store({ ...options(), bucket: 'state', usePathStyle: true })
      await assert.rejects(store.get('team/sageform.state.json'), (err: Error) => {
        assert.equal(err.message, `S3 did not answer GetObject of s3://state/team/sageform.state.json within 300ms (endpoint ${silent.url}); raise --request-timeout (or SAGEFORM_REQUEST_TIMEOUT) if it is only slow.`)
        return true
      })
      await assert.rejects(store.put('k', Buffer.from('{}'), { ifNoneMatch: '*' }), /S3 did not answer PutObject of s3:\/\/state\/k within 300ms/)
    })

    it('CloudWatch Logs', async () => {
      await assert.rejects(createLogsClient(options()).getLogEvents('/aws/sagemaker/TrainingJobs', 'job/algo-1'), /CloudWatch Logs did not answer GetLogEvents within 300ms \(endpoint http:\/\/127\.0\.0\.1:\d+\)/)
    })
  })

  it('apply (a real process) ends with one clear error, exit 1, no lock left, the state as before the call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-timeout-'))
    try {
      writeFileSync(join(dir, 'main.hcl'), `resource "sagemaker_training_job" "churn" {\n${TRAINING_BODY}}\n`)
      const run = await runCli(['apply', '--auto-approve', '--no-quota-check', '--request-timeout', '2s'], { cwd: dir, env: endpointEnv(silent.url) })
      assert.equal(run.status, 1, run.stdout + run.stderr)
      // With no state there is nothing to refresh, and quotas are not looked up: the first call is the create.
      assert.match(run.stdout + run.stderr, new RegExp(`SageMaker did not answer CreateTrainingJob within 2s \\(endpoint ${silent.url.replace(/\./g, '\\.')}\\)`))
      assert.doesNotMatch(run.stdout + run.stderr, /at .*\.js:\d+/, 'no stack trace')
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')
      // The state (and its lineage, which the job would carry in its tags) was written before the create went out, so
      // the next plan can find and adopt the job if the create did land.
      assert.deepEqual(readdirSync(dir).sort(), ['main.hcl', 'sageform.state.json'])
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')).resources, {})
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('SAGEFORM_REQUEST_TIMEOUT sets the same bound for cron and CI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-timeout-'))
    try {
      writeFileSync(join(dir, 'main.hcl'), `resource "sagemaker_training_job" "churn" {\n${TRAINING_BODY}}\n`)
      // A state to refresh: plan's first call is the Search for the lineage's jobs.
      writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify({ format_version: 1, lineage: '6f1c2a4e-0000-4000-8000-000000000001', serial: 1, resources: {} }))
      const run = await runCli(['plan'], { cwd: dir, env: endpointEnv(silent.url, { SAGEFORM_REQUEST_TIMEOUT: '1s' }) })
      assert.equal(run.status, 1, run.stdout + run.stderr)
      assert.match(run.stdout + run.stderr, /SageMaker did not answer Search within 1s/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
