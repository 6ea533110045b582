// Every remote call has a bound: against a server that accepts connections and never answers, each client gives up
// after its request timeout with one sentence naming the operation and the endpoint, and apply ends with its lock
// released; against one that never completes the connection, an attempt gives up after the connect timeout. The
// price and quota look-ups of plan are bounded by the same setting.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSageMakerClient } from '../src/sagemaker/client.js'
import { createLogsClient } from '../src/sagemaker/logs-client.js'
import { createS3Store } from '../src/sagemaker/s3.js'
import { connectTimeoutMs } from '../src/sagemaker/timeouts.js'
import { startEndpoint } from '../src/endpoint/server.js'
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

/**
 * A listening socket whose connections never complete: a process that listens with a backlog of 1 and then blocks its
 * event loop, so it never accepts; once the two connections Linux queues for that backlog are taken, the kernel drops
 * further SYNs and a client's connect hangs, as against a firewall that drops packets.
 */
async function unconnectableServer(): Promise<{ url: string; close: () => void }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', "const s = require('net').createServer().listen(0, '127.0.0.1', 1, () => { console.log(s.address().port); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) })"], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim()))))
  const queued = await Promise.all([0, 1].map(() => new Promise<Socket>((resolve) => { const socket = connect(port, '127.0.0.1', () => resolve(socket)) })))
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of queued) socket.destroy()
      child.kill('SIGKILL')
    },
  }
}

describe('the connect timeout', function () {
  isolateAwsEnvPerTest(() => dummyAwsEnv())

  it('is a sixth of the request timeout, at least 1 s, at most the request timeout', () => {
    assert.equal(connectTimeoutMs(60_000), 10_000)
    assert.equal(connectTimeoutMs(30_000), 5_000)
    assert.equal(connectTimeoutMs(2_000), 1_000)
    assert.equal(connectTimeoutMs(500), 500)
  })

  it('abandons an attempt whose connection never completes, naming the service, the operation and the endpoint', async () => {
    const server = await unconnectableServer()
    try {
      // One attempt, a 12 s request timeout: the 2 s connect timeout, not the deadline, ends the call.
      const client = createSageMakerClient({ endpoint: server.url, region: 'us-east-1', requestTimeoutMs: 12_000, maxAttempts: 1 })
      await assert.rejects(client.describeTrainingJob('job-1'), (err: Error & { code?: string; retryable?: boolean }) => {
        assert.equal(err.code, 'RequestTimeout')
        assert.equal(err.retryable, true)
        assert.equal(err.message, `SageMaker could not be reached for DescribeTrainingJob: no connection to ${server.url} within 2s (the connect timeout, a sixth of --request-timeout or SAGEFORM_REQUEST_TIMEOUT).`)
        return true
      })
      const store = createS3Store({ endpoint: server.url, region: 'us-east-1', requestTimeoutMs: 6_000, maxAttempts: 1, bucket: 'state', usePathStyle: true })
      await assert.rejects(store.get('k'), /S3 could not be reached for GetObject of s3:\/\/state\/k: no connection to http:\/\/127\.0\.0\.1:\d+ within 1s/)
    } finally {
      server.close()
    }
  })
})

describe('request timeouts against a server that never answers', function () {
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

  it('plan: the price list and Service Quotas look-ups end within the request timeout; the plan goes on without them', async () => {
    const endpoint = await startEndpoint()
    const dir = mkdtempSync(join(tmpdir(), 'sageform-timeout-'))
    try {
      writeFileSync(join(dir, 'main.hcl'), `resource "sagemaker_training_job" "churn" {\n${TRAINING_BODY}}\n`)
      const env = endpointEnv(endpoint.url, { AWS_ENDPOINT_URL_PRICING: silent.url, AWS_ENDPOINT_URL_SERVICE_QUOTAS: silent.url, SAGEFORM_CACHE_DIR: join(dir, 'cache') })
      const run = await runCli(['plan', '--request-timeout', '1s'], { cwd: dir, env })
      assert.equal(run.status, 0, run.stdout + run.stderr)
      assert.match(run.stdout, /price unknown \(price list unreachable\)/)
      assert.match(run.stdout + run.stderr, /Quotas: not checked \(Service Quotas: no answer within 1s\)/)
      assert.ok(silent.connections() >= 2, 'both look-ups reached the silent server')
    } finally {
      await endpoint.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
