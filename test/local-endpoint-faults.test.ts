// `sageform local-endpoint`'s failure simulation, as a real process on a real socket: --fail-training-jobs fails the
// training jobs it names, --throttle-rate and --error-rate answer with SageMaker's throttling and internal errors and
// serve nothing, --seed repeats the same faults, and every flag of the command is documented in the README.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import LocalEndpointCommand from '../src/commands/local-endpoint.js'
import { root, startCli } from './helpers/cli.js'
import { trainingJob, waitFor } from './helpers/endpoint.js'

interface Served {
  url: string
  stop(): Promise<void>
}

/** Starts the command and reads its URL (the first stdout line); stop() sends SIGTERM and waits for the exit. */
async function serve(args: string[]): Promise<Served> {
  const { child, done } = startCli(['local-endpoint', ...args], { cwd: root, env: { ...process.env } })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n')
      if (line.length > 1) resolve(line[0]!)
    })
    child.once('exit', (code) => reject(new Error(`local-endpoint exited ${code} before printing its URL`)))
  })
  return {
    url,
    async stop() {
      child.kill('SIGTERM')
      const run = await done
      assert.equal(run.status, 0, run.stderr)
    },
  }
}

function post(url: string, operation: string, body: object): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `SageMaker.${operation}` }, body: JSON.stringify(body) })
}

async function call(url: string, operation: string, body: object = {}): Promise<{ status: number; type?: string }> {
  const res = await post(url, operation, body)
  const payload = (await res.json()) as { __type?: string }
  return { status: res.status, type: payload.__type }
}

describe('local-endpoint failure simulation', function () {

  it('--throttle-rate 1 throttles every request, --error-rate 1 fails every one, and neither serves it', async () => {
    const throttled = await serve(['--throttle-rate', '1'])
    try {
      assert.deepEqual(await call(throttled.url, 'ListTrainingJobs'), { status: 400, type: 'ThrottlingException' })
    } finally {
      await throttled.stop()
    }
    const failing = await serve(['--error-rate', '1'])
    try {
      assert.deepEqual(await call(failing.url, 'StopTrainingJob', { TrainingJobName: 'x' }), { status: 500, type: 'InternalFailure' })
    } finally {
      await failing.stop()
    }
  })

  it('--fail-training-jobs fails the training jobs whose name matches, part way through training', async () => {
    const endpoint = await serve(['--fail-training-jobs', 'broken-*', '--time-scale', '3600'])
    try {
      for (const name of ['broken-1', 'fine-1']) assert.equal((await call(endpoint.url, 'CreateTrainingJob', trainingJob(name))).status, 200)
      const described = async (name: string) => (await (await post(endpoint.url, 'DescribeTrainingJob', { TrainingJobName: name })).json()) as { TrainingJobStatus: string; FailureReason?: string; SecondaryStatusTransitions: Array<{ Status: string }> }
      const broken = await waitFor(() => described('broken-1'), (d) => d.TrainingJobStatus !== 'InProgress')
      assert.equal(broken.TrainingJobStatus, 'Failed')
      assert.equal(broken.FailureReason, 'AlgorithmError: simulated failure (--fail-training-jobs broken-*)')
      assert.ok(broken.SecondaryStatusTransitions.some((t) => t.Status === 'Training'), 'it failed while training')
      const fine = await waitFor(() => described('fine-1'), (d) => d.TrainingJobStatus !== 'InProgress')
      assert.equal(fine.TrainingJobStatus, 'Completed')
    } finally {
      await endpoint.stop()
    }
  })

  it('--seed makes the same requests fail the same way', async () => {
    const pattern = async (seed: string) => {
      const endpoint = await serve(['--throttle-rate', '0.5', '--seed', seed])
      try {
        const out: number[] = []
        for (let i = 0; i < 16; i++) out.push((await call(endpoint.url, 'ListTrainingJobs')).status)
        return out.join(' ')
      } finally {
        await endpoint.stop()
      }
    }
    const first = await pattern('7')
    assert.equal(await pattern('7'), first)
    assert.match(first, /400/, 'some requests throttled')
    assert.match(first, /200/, 'some served')
  })

  it('refuses a rate outside 0..1 with one sentence', async () => {
    const { done } = startCli(['local-endpoint', '--error-rate', '2'], { cwd: root, env: { ...process.env } })
    const run = await done
    assert.equal(run.status, 1)
    assert.match(run.stderr, /--error-rate must be a number from 0 to 1; got "2"/)
  })

  it('has every flag documented in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### The local endpoint and its failure simulation'))
    for (const flag of ['fail-training-jobs', 'time-scale', 'latency', 'throttle-rate', 'error-rate', 'seed', 'data-dir']) {
      assert.ok(flag in LocalEndpointCommand.flags, `--${flag} is a flag of local-endpoint`)
      assert.match(section, new RegExp(`\\| \`--${flag}\\b`), `--${flag} in the README's table`)
    }
  })
})
