// apply --wait --logs: the built CLI against the local endpoint streams each training job's log lines, prefixed by
// its resource address, as plain lines beside the progress lines, and still exits 0 once every job Completed.
import assert from 'node:assert/strict'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { endpointEnv, runCli } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

describe('apply --wait --logs', () => {
  let endpoint: Endpoint
  before(async () => (endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 10 } })))
  after(() => endpoint.close())

  it('streams the training logs of the jobs it started, then the wait summary, exit 0', async () => {
    const dir = configDir({ 'main.hcl': `resource "sagemaker_training_job" "logged" {\n${TRAINING_BODY}\n  hyper_parameters = { num_round = 3 }\n}\n` })
    const r = await runCli(['apply', '--auto-approve', '--wait', '--logs', '--poll-interval', '200ms'], { cwd: dir, env: endpointEnv(endpoint.url) })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    const logLines = r.stdout.split('\n').filter((l) => l.startsWith('sagemaker_training_job.logged | '))
    assert.ok(logLines.length >= 3, r.stdout)
    assert.ok(logLines.some((l) => /\[2\]/.test(l)), 'one line per round, the last round included')
    assert.match(r.stdout, /InProgress → Completed/)
    assert.doesNotMatch(r.stdout, /\u001b\[\d*[ABCDJK]/, 'plain lines: no cursor movement')
  })
})
