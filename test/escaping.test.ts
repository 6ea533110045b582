// Terminal injection: a FailureReason (or any other string from SageMaker, CloudWatch or a manifest) holding escape
// sequences reaches no output raw. The attack string sets the window title, clears the screen and fakes a result.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from 'ink-testing-library'
import { createElement } from 'react'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { escapeStrings, jsonSafe, oneLine, terminalSafe } from '../src/ui/escape.js'
import { WatchView } from '../src/ui/live/view.js'
import { makeStyle } from '../src/ui/style.js'
import { renderDiagnostic } from '../src/ui/diagnostics.js'
import { renderLogLine, renderLogsEnd } from '../src/ui/logs.js'
import { renderOutputs } from '../src/ui/output.js'
import { renderResults } from '../src/ui/results.js'
import { renderShow } from '../src/ui/show.js'
import { renderStateList, renderStateShow } from '../src/ui/state.js'
import { renderWatchEvent, renderWatchSummary } from '../src/ui/watch-log.js'
import type { JobRecord, State } from '../src/model/state.js'
import type { ResultsResult } from '../src/services/results.js'
import { SageMakerError } from '../src/sagemaker/types.js'
import type { LogLine, LogsResult } from '../src/services/logs.js'
import { endpointEnv, root, runCli, startProcess, type CliRun } from './helpers/cli.js'

const ATTACK = 'boom\u001b]0;pwned\u0007\u001b[2J\u001b[31m\nFAKE: all jobs Completed'
const SHOWN = 'boom\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m\\nFAKE: all jobs Completed'
/** The attack's second line, had its newline been printed raw: a line of output of its own. */
const FAKE_LINE = /^\s*FAKE/m
/** Any escape or bell character, or a C1 control: nothing of the attack may survive raw. */
const RAW = /[\u0007\u001b\u0080-\u009f]/

describe('escaping what reaches the terminal', () => {
  describe('the helpers', () => {
    it('terminalSafe shows every control character but tab and newline; only the colour sageform applied is colour', () => {
      assert.equal(terminalSafe(`a\tb\n${oneLine(ATTACK)}\r\u202e\u009b`, false), `a\tb\n${SHOWN}\\r\\u202e\\x9b`)
      const style = makeStyle(true)
      // A value holding exactly the SGR code sageform writes for red stays text, styled or not, even where the
      // renderer forgot to escape it: the colour codes come from style marks, turned into SGR after escaping.
      const injected = '\u001b[31mFAKE\u001b[39m'
      assert.equal(terminalSafe(`${style.red('Error:')} ${injected}`, true), '\u001b[31mError:\u001b[39m \\x1b[31mFAKE\\x1b[39m')
      assert.equal(terminalSafe(style.red(style.bold(injected)), true), '\u001b[31m\u001b[1m\\x1b[31mFAKE\\x1b[39m\u001b[22m\u001b[39m')
      assert.equal(terminalSafe(`${style.red('Error:')} ${injected}`, false), 'Error: \\x1b[31mFAKE\\x1b[39m')
      // A mark cannot be forged from outside: it carries a token of this run that is never printed.
      const mark = style.red('x').slice(0, style.red('x').indexOf('x'))
      assert.ok(mark.length > 20 && !/[\u0000-\u001f]/.test(mark))
      assert.equal(terminalSafe('\ue000:31;text', true), '\ue000:31;text')
    })

    it('oneLine escapes newlines too; escapeStrings reaches into objects; jsonSafe keeps the data', () => {
      assert.equal(oneLine('line 1\nFAKE line 2'), 'line 1\\nFAKE line 2')
      assert.deepEqual(escapeStrings({ a: [ATTACK], n: 1, z: null }), { a: [SHOWN], n: 1, z: null })
      const text = jsonSafe(JSON.stringify({ v: 'x\u009by\u202ez\u007f' }))
      assert.doesNotMatch(text, /[\u007f-\u009f\u202e]/)
      assert.deepEqual(JSON.parse(text), { v: 'x\u009by\u202ez\u007f' })
    })
  })

  describe('each renderer escapes a value before styling it: one value, one line, on a colour terminal too', () => {
    const style = makeStyle(true)
    const job: JobRecord = { name: `job-1${ATTACK}`, arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/job-1', spec_hash: 'h', status: 'Failed', created_at: '2026-11-23T12:00:00Z', updated_at: '2026-11-23T12:00:00Z', failure_reason: `AlgorithmError: ${ATTACK}`, tags: { team: ATTACK } }
    const state: State = { format_version: 1, lineage: 'l-1', serial: 1, resources: { 'sagemaker_training_job.boom': { type: 'sagemaker_training_job', current: job, history: [{ ...job, status: ATTACK }], deposed: [] } }, outputs: { reason: { value: ATTACK, sensitive: false } } } as unknown as State
    const results: ResultsResult = {
      format_version: '1.0',
      address: 'sagemaker_hyperparameter_tuning_job.hpo',
      tuning_job: { name: 'hpo', arn: 'arn', status: ATTACK, strategy: ATTACK, objective: { metric_name: ATTACK, type: 'Maximize' }, best_training_job: 'hpo-1', overall_best_training_job: null, current: true, generation: 1 },
      hyperparameters: ['optimizer'],
      training_jobs: [{ rank: 1, name: `hpo-1${ATTACK}`, status: ATTACK, objective: 0.9, objective_status: 'Succeeded', hyperparameters: { optimizer: ATTACK }, definition_name: null, created_at: null, started_at: null, ended_at: null, duration_seconds: null, best: true, failure_reason: ATTACK }],
      diagnostics: [],
    } as ResultsResult
    const line: LogLine = { job: 'job-1', host: 'algo-1', stream: 'job-1/algo-1', timestamp: 0, message: ATTACK, text: `[algo-1] ${ATTACK}` } as LogLine
    const outputs: Array<[string, string]> = [
      ['show', renderShow({ state, diagnostics: [] }, style)],
      ['state show', renderStateShow({ format_version: '1.0', address: 'sagemaker_training_job.boom', resource: state.resources['sagemaker_training_job.boom']!, diagnostics: [] } as never, style)],
      ['state list', renderStateList({ format_version: '1.0', lineage: 'l', serial: 1, resources: [{ address: 'sagemaker_training_job.boom', job: job.name, status: ATTACK }], diagnostics: [] } as never, style)],
      ['output', renderOutputs({ format_version: '1.0', outputs: { [`reason${ATTACK}`]: { value: { nested: [ATTACK] }, sensitive: false } }, diagnostics: [] }, style)],
      ['output NAME', renderOutputs({ format_version: '1.0', outputs: { reason: { value: ATTACK, sensitive: false } }, diagnostics: [] }, style, { name: 'reason' })],
      ['results', renderResults(results, style)],
      ['logs', renderLogLine(line, style)],
      ['logs (end)', renderLogsEnd({ training_job: job.name, status: 'Failed', failure_reason: ATTACK } as LogsResult, style)],
      ['watch', renderWatchEvent({ kind: 'status', address: 'sagemaker_training_job.boom', name: job.name, from: 'InProgress', to: 'Failed', failureReason: ATTACK, at: 0 } as never, style)],
      ['watch (summary)', renderWatchSummary({ total: 1, completed: 0, allCompleted: false, others: [{ address: 'sagemaker_training_job.boom', name: job.name, status: 'Failed', failureReason: ATTACK }] } as never, style)],
      // A diagnostic's detail keeps its own line breaks; SageMaker's message in it was made one line by SageMakerError.
      ['diagnostic', renderDiagnostic({ severity: 'error', summary: `SageMaker refused: ${ATTACK}`, detail: `ValidationException: ${new SageMakerError('ValidationException', ATTACK).message}`, hint: ATTACK.replace('\n', ' '), address: `x${ATTACK}` }, style)],
    ]
    for (const [what, rendered] of outputs) {
      it(what, () => {
        const text = terminalSafe(rendered, true)
        assert.doesNotMatch(text, FAKE_LINE, `${what} let a value start a line:\n${text}`)
        // Only the colour codes sageform applied remain; the attack's own \e[31m (identical to sageform's red) is text.
        assert.doesNotMatch(text.replace(/\u001b\[(?:1|2|22|31|32|33|36|39)m/g, ''), RAW, text)
        assert.ok(text.includes('\\x1b[31m') || text.includes('\\u001b[31m'), `${what} shows the attack escaped:\n${text}`)
        if (!what.startsWith('output')) assert.ok(text.includes('\u001b['), `${what} is still coloured`)
      })
    }
  })

  it('the live view (ink) draws a failure reason escaped', () => {
    const { lastFrame, unmount } = render(
      createElement(WatchView, {
        snapshot: { jobs: [{ address: 'sagemaker_training_job.boom', type: 'sagemaker_training_job', name: 'boom-1', status: 'Failed', failureReason: `AlgorithmError: ${ATTACK}`, elapsedMs: 1000 }], at: 0, intervalMs: 5000, throttled: false, done: true },
        now: 0,
        frame: 0,
      }),
    )
    const text = lastFrame() ?? ''
    unmount()
    // ink colours with SGR codes of its own; no other escape may appear.
    const withoutInkColours = text.replace(/\u001b\[[0-9;]*m/g, '')
    assert.doesNotMatch(withoutInkColours, RAW)
    assert.ok(withoutInkColours.includes('boom\\x1b]0;pwned'), withoutInkColours)
  })

  describe('every command output, as real processes against the local endpoint', function () {
    this.slow(20_000)
    let endpoint: Endpoint
    let dir: string
    const cli = (args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const clean = (run: CliRun, what: string) => {
      assert.doesNotMatch(run.stdout + run.stderr, RAW, `${what} printed a raw control character:\n${run.stdout}\n${run.stderr}`)
      assert.doesNotMatch(run.stdout + run.stderr, FAKE_LINE, `${what} let the failure reason start a line:\n${run.stdout}\n${run.stderr}`)
    }

    before(async () => {
      // A simulated minute per request: apply --wait sees the job fail after a few polls, however slow the machine.
      endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 60 } })
      dir = mkdtempSync(join(tmpdir(), 'sageform-escape-'))
      // The local endpoint fails a job whose environment names SAGEFORM_SIMULATE_FAILURE, with that value as the reason.
      writeFileSync(
        join(dir, 'main.hcl'),
        `resource "sagemaker_training_job" "boom" {
  role_arn = "arn:aws:iam::123456789012:role/SageMakerRole"
  algorithm_specification {
    training_image      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    training_input_mode = "File"
  }
  environment = { SAGEFORM_SIMULATE_FAILURE = ${JSON.stringify(ATTACK).replace(/\\u001b/g, '\\u001b')} }
  output_data_config {
    s3_output_path = "s3://bucket/out"
  }
  resource_config {
    instance_type     = "ml.m5.large"
    instance_count    = 1
    volume_size_in_gb = 10
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}
`,
      )
    })
    after(async () => {
      await endpoint.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('apply --wait (plain lines), the drift line of plan, plan --markdown, watch, state show, show and logs', async () => {
      const applied = await cli(['apply', '--auto-approve', '--wait', '--poll-interval', '100ms'])
      const shown = `exit ${applied.status}\n--- stdout\n${applied.stdout}\n--- stderr\n${applied.stderr}`
      assert.equal(applied.status, 3, shown)
      clean(applied, 'apply --wait')
      assert.ok(applied.stdout.includes(`AlgorithmError: ${SHOWN}`), shown)

      // The state as recorded before SageMaker failed the job: the next plan reports the failure as drift.
      const statePath = join(dir, 'sageform.state.json')
      const recordAs = (fields: Record<string, unknown>) => {
        const state = JSON.parse(readFileSync(statePath, 'utf8'))
        const job = state.resources['sagemaker_training_job.boom'].current
        delete job.failure_reason
        Object.assign(job, fields)
        writeFileSync(statePath, JSON.stringify(state))
      }
      recordAs({ status: 'InProgress' })
      const planned = await cli(['plan', '--out', 'plan.json'])
      clean(planned, 'plan')
      assert.match(planned.stdout, /~ sagemaker_training_job\.boom: job .* is Failed \(AlgorithmError: boom\\x1b\]0;pwned/)
      // plan --json before watch: watch records the failure, and the drift is gone.
      for (const args of [['plan', '--markdown'], ['show', '--markdown', 'plan.json'], ['plan', '--json'], ['watch'], ['state', 'show', 'sagemaker_training_job.boom'], ['logs', 'sagemaker_training_job.boom'], ['watch', '--json']]) {
        const run = await cli(args)
        clean(run, args.join(' '))
        assert.ok((run.stdout + run.stderr).includes('pwned'), `${args.join(' ')} shows the reason:\n${run.stdout}\n${run.stderr}`)
      }
      // The state as apply --wait recorded the failure (its FailureReason too), for show and state show.
      recordAs({ status: 'Failed', failure_reason: `AlgorithmError: ${ATTACK}` })
      for (const args of [['show'], ['state', 'show', 'sagemaker_training_job.boom'], ['state', 'list']]) {
        const run = await cli(args)
        clean(run, args.join(' '))
        assert.ok(run.stdout.includes(`AlgorithmError: ${SHOWN}`) || args[1] === 'list', `${args.join(' ')}:\n${run.stdout}`)
      }
    })

    it('on a colour terminal (a real pseudo-terminal): only the colours sageform applies, the reason escaped on its line', async () => {
      // script(1) runs the CLI on a pty, so stdout is a TTY and colour is on, as for a person at a terminal.
      for (const args of [['state', 'show', 'sagemaker_training_job.boom'], ['show'], ['watch'], ['logs', 'sagemaker_training_job.boom']]) {
        const command = [process.execPath, join(root, 'bin', 'run.js'), ...args].map((a) => `'${a}'`).join(' ')
        const env = endpointEnv(endpoint.url, { NO_COLOR: undefined, CI: undefined, TERM: 'xterm-256color', COLUMNS: '200' })
        const run = await startProcess('script', ['-qefc', `stty rows 50 cols 200; ${command}`, '/dev/null'], { cwd: dir, env }).done
        const text = run.stdout
        assert.ok(text.includes('\u001b['), `${args.join(' ')} is coloured on a terminal:\n${text}`)
        assert.ok(text.includes('\\x1b[31m') || text.includes('\\u001b[31m'), `${args.join(' ')} shows the attack's colour code as text:\n${text}`)
        // The attack's title (OSC), bell, and clear-screen with its colour never reach the terminal.
        assert.doesNotMatch(text, /\u001b\]|\u0007|\u001b\[2J\u001b\[31m/, `${args.join(' ')}:\n${text}`)
        assert.doesNotMatch(text.replace(/\r/g, ''), FAKE_LINE, `${args.join(' ')} let the reason start a line:\n${text}`)
      }
    })

    it('validate shows a manifest line holding raw escape bytes escaped, in its diagnostic', async () => {
      writeFileSync(join(dir, 'bad.hcl'), `locals {\n  x = nope # \u001b]0;pwned\u0007\u001b[2J\n}\n`)
      try {
        const run = await cli(['validate'])
        assert.equal(run.status, 1)
        clean(run, 'validate')
        assert.ok(run.stdout.includes('# \\x1b]0;pwned\\x07\\x1b[2J') || run.stderr.includes('# \\x1b]0;pwned\\x07\\x1b[2J'), run.stdout + run.stderr)
      } finally {
        rmSync(join(dir, 'bad.hcl'))
      }
    })
  })
})
