// apply --wait and watch end to end: the built CLI against the local endpoint (started in this process, its clock sped
// up so jobs finish in seconds). Off a terminal: the plain log, the exit codes, the JSON payloads, throttling. On a
// terminal: `apply --wait` runs in a tmux pane and the screen it leaves is compared, with the volatile parts (times,
// hashes, elapsed times, spinner frames) normalised, with test/golden/apply-wait.txt. UPDATE_GOLDEN=1 rewrites it.
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { endpointEnv, root, runCli, schemaErrors, type CliRun } from './helpers/cli.js'

const BIN = join(root, 'bin', 'run.js')
const FIXTURE = join(root, 'test', 'fixtures', 'watch')
const GOLDEN = join(root, 'test', 'golden', 'apply-wait.txt')
const run = promisify(execFile)

const sageform = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => runCli(args, { cwd, env })

const show = (r: CliRun) => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

/** The fixture's configuration, or only some of its resources (split on the resource blocks). */
function workDir(only?: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-watch-'))
  cpSync(FIXTURE, dir, { recursive: true })
  if (only) {
    const text = readFileSync(join(FIXTURE, 'main.hcl'), 'utf8')
    const blocks = text.split(/\n(?=resource ")/)
    const kept = blocks.filter((b, i) => i === 0 || only.some((label) => b.includes(`" "${label}" {`)))
    writeFileSync(join(dir, 'main.hcl'), kept.join('\n'))
  }
  return dir
}

/** What differs from run to run on the screen: clock times, name hashes, elapsed times, spinner frames. */
function normaliseScreen(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\b\d\d:\d\d:\d\d\b/g, 'hh:mm:ss')
        .replace(/-[0-9a-f]{8}\b/g, '-xxxxxxxx')
        .replace(/\b\d+(?:d(?:\d+h)?|h(?:\d+m)?|m(?:\d+s)?|s)\b/g, '<elapsed>')
        .replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*')
        .replace(/ +$/, ''),
    )
    .join('\n')
    .replace(/\n+$/, '\n')
}

describe('apply --wait and watch, end to end', function () {
  this.slow(15_000)
  const dirs: string[] = []
  let endpoint: Endpoint | undefined
  afterEach(async () => {
    await endpoint?.close()
    endpoint = undefined
  })
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const dir = (only?: string[]) => {
    const d = workDir(only)
    dirs.push(d)
    return d
  }

  it('off a terminal, apply --wait logs every change as a timestamped line and exits 0 once all completed', async () => {
    endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 5 } })
    const work = dir(['churn'])
    const result = await sageform(['apply', '--auto-approve', '--wait', '--poll-interval', '200ms'], work, endpointEnv(endpoint.url))
    assert.equal(result.status, 0, show(result))
    assert.doesNotMatch(result.stdout, /\u001b/, 'no escape sequence at all: no colour, no cursor movement')
    const log = result.stdout.slice(result.stdout.indexOf('Waiting for'))
    const lines = log.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l))
    // Every secondary status, in order: the clock moves 5 s per request, so no poll misses a phase.
    const path = lines.map((l) => l.replace(/^\d\d:\d\d:\d\d sagemaker_training_job\.churn: /, '')).map((l) => l.replace(/ \[.*\]$/, '').replace(/ \(.*\)$/, '').replace(/ after .*$/, ''))
    const secondaries = path.filter((l) => l.includes(' → ') && !l.startsWith('InProgress'))
    const seen = [path[0]!.split(', ')[1]!, ...secondaries.map((l) => l.split(' → ')[1]!)]
    assert.deepEqual(seen, ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'], log)
    assert.match(lines.at(-1)!, /^\d\d:\d\d:\d\d sagemaker_training_job\.churn: InProgress → Completed after \d+m(?:\d+s)?$/)
    assert.match(result.stdout, /\nAll 1 job completed\.\n/)
  })

  it('apply --wait --json carries how each job ended, and exits 3 when one failed; watch agrees', async () => {
    // Only how each job ended is asserted: a simulated minute per request, so the tuning job's three waves end in a few polls.
    endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 60 } })
    const work = dir()
    const applied = await sageform(['apply', '--auto-approve', '--wait', '--poll-interval', '200ms', '--json'], work, endpointEnv(endpoint.url))
    assert.equal(applied.status, 3, show(applied))
    const payload = JSON.parse(applied.stdout)
    assert.deepEqual(schemaErrors('apply', payload), [])
    assert.equal(payload.wait.all_completed, false)
    const byAddress = Object.fromEntries(payload.wait.jobs.map((j: { address: string }) => [j.address, j]))
    assert.equal(byAddress['sagemaker_training_job.churn'].status, 'Completed')
    assert.equal(byAddress['sagemaker_training_job.broken'].status, 'Failed')
    assert.equal(byAddress['sagemaker_training_job.broken'].failure_reason, 'AlgorithmError: label column missing')
    const search = byAddress['sagemaker_hyperparameter_tuning_job.search']
    assert.equal(search.status, 'Completed')
    assert.equal(search.training_jobs.max, 6)
    assert.equal(search.training_jobs.completed + search.training_jobs.stopped_early + search.training_jobs.failed, 6)
    assert.equal(search.best.metric, 'validation:auc')

    const watched = await sageform(['watch', '--json'], work, endpointEnv(endpoint.url))
    assert.equal(watched.status, 3, show(watched))
    const watchPayload = JSON.parse(watched.stdout)
    assert.deepEqual(schemaErrors('watch', watchPayload), [])
    assert.deepEqual(watchPayload.jobs.map((j: { address: string; status: string }) => `${j.address} ${j.status}`), [
      'sagemaker_hyperparameter_tuning_job.search Completed',
      'sagemaker_training_job.broken Failed',
      'sagemaker_training_job.churn Completed',
    ])

    const one = await sageform(['watch', 'sagemaker_training_job.churn'], work, endpointEnv(endpoint.url))
    assert.equal(one.status, 0, show(one))
    assert.match(one.stdout, /sagemaker_training_job\.churn: churn-[0-9a-f]{8} Completed \[\d+m(?:\d+s)?\]\n\nAll 1 job completed\./)
    const unknown = await sageform(['watch', 'sagemaker_training_job.nope'], work, endpointEnv(endpoint.url))
    assert.equal(unknown.status, 1, show(unknown))
    assert.match(unknown.stderr, /No such resource in the state/)
  })

  it('backs off when SageMaker throttles Describe, says so, and still sees every job to the end', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sageform-watch-endpoint-'))
    dirs.push(dataDir)
    // The clock stands still while the job is created, so it has barely started when the watch begins.
    endpoint = await startEndpoint({ manualClock: {}, dataDir })
    const work = dir(['churn'])
    const applied = await sageform(['apply', '--auto-approve'], work, endpointEnv(endpoint.url))
    assert.equal(applied.status, 0, show(applied))
    await endpoint.close()
    // The same jobs, now with half the requests throttled, and no SDK retries: every throttle reaches the watch.
    endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 30 }, dataDir, throttleRate: 0.5, seed: 3 })
    const before = endpoint.callCounts()
    const watched = await sageform(['watch', '--poll-interval', '100ms'], work, endpointEnv(endpoint.url, { AWS_MAX_ATTEMPTS: '1' }))
    assert.equal(watched.status, 0, show(watched))
    assert.match(watched.stdout, /\d\d:\d\d:\d\d SageMaker is throttling Describe calls: polling every 200ms\n/)
    assert.match(watched.stdout, /All 1 job completed\./)
    assert.ok((endpoint.callCounts().DescribeTrainingJob ?? 0) - (before.DescribeTrainingJob ?? 0) >= 2)
  })

  const tmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' })
  ;(tmux.status === 0 ? it : it.skip)('on a terminal, draws the live view and leaves the screen in test/golden/apply-wait.txt (tmux)', async () => {
    // The screen left at the end is compared, not the phases on the way: a simulated minute per request.
    endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 60 } })
    const work = dir()
    const socket = `sageform-golden-${process.pid}`
    const script = join(work, 'run.sh')
    const env = endpointEnv(endpoint.url)
    const exports = ['AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'].map((k) => `export ${k}='${env[k]}'`)
    writeFileSync(
      script,
      [
        ...exports,
        // A person at a terminal: colour allowed, not in CI.
        'unset NO_COLOR CI CONTINUOUS_INTEGRATION GITHUB_ACTIONS FORCE_COLOR AWS_PROFILE AWS_ENDPOINT_URL',
        'for v in $(env | sed -n "s/^\\(CI_[A-Za-z0-9_]*\\)=.*/\\1/p"); do unset "$v"; done',
        `cd '${work}'`,
        `'${process.execPath}' '${BIN}' apply --auto-approve --wait --poll-interval 250ms --parallelism 1`,
        'echo "[exit $?]"',
        `tmux -L ${socket} wait-for -S done`,
        'sleep 600',
      ].join('\n'),
    )
    const tmuxArgs = (...args: string[]) => ['-L', socket, '-f', '/dev/null', ...args]
    await run('tmux', tmuxArgs('new-session', '-d', '-x', '120', '-y', '50', `sh '${script}'`))
    let screen: string
    try {
      await run('tmux', tmuxArgs('wait-for', 'done'), { timeout: 90_000 })
      screen = (await run('tmux', tmuxArgs('capture-pane', '-p', '-J', '-S', '-', '-t', '0'))).stdout
    } finally {
      await run('tmux', tmuxArgs('kill-server')).catch(() => undefined)
    }
    // From the apply's first step on: the plan above it is plan's own business (and covered by its own tests).
    const start = screen.search(/^\d\d:\d\d:\d\d \S+: Creating\.\.\.$/m)
    assert.ok(start >= 0, screen)
    const captured = normaliseScreen(screen.slice(start))
    assert.match(captured, /\[exit 3\]/, captured)
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, captured)
    assert.equal(captured, readFileSync(GOLDEN, 'utf8'))
  })
})
