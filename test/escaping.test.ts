// Terminal injection: a FailureReason (or any other string from SageMaker, CloudWatch or a manifest) holding escape
// sequences reaches no output raw. The attack string sets the window title, clears the screen and fakes a result.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from 'ink-testing-library'
import { createElement } from 'react'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { escapeStrings, jsonSafe, oneLine, terminalSafe } from '../src/ui/escape.js'
import { WatchView } from '../src/ui/live/view.js'
import { makeStyle } from '../src/ui/style.js'
import { endpointEnv, runCli, type CliRun } from './helpers/cli.js'

const ATTACK = 'boom\u001b]0;pwned\u0007\u001b[2J\u001b[31mFAKE: all jobs Completed'
const SHOWN = 'boom\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mFAKE: all jobs Completed'
/** Any escape or bell character, or a C1 control: nothing of the attack may survive raw. */
const RAW = /[\u0007\u001b\u0080-\u009f]/

describe('escaping what reaches the terminal', () => {
  describe('the helpers', () => {
    it('terminalSafe shows every control character but tab and newline, keeping only our own colour codes when styled', () => {
      assert.equal(terminalSafe(`a\tb\n${ATTACK}\r\u202e\u009b`, false), `a\tb\n${SHOWN}\\r\\u202e\\x9b`)
      const red = makeStyle(true).red('Error:')
      // On a colour terminal a bare colour code like sageform's own passes (it can colour text, nothing more); the
      // title, the screen and the cursor stay out of reach.
      assert.equal(terminalSafe(`${red} ${ATTACK}`, true), `${red} ${SHOWN.replace('\\x1b[31m', '\u001b[31m')}`)
      assert.equal(terminalSafe(red, false), '\\x1b[31mError:\\x1b[39m')
    })

    it('oneLine escapes newlines too; escapeStrings reaches into objects; jsonSafe keeps the data', () => {
      assert.equal(oneLine('line 1\nFAKE line 2'), 'line 1\\nFAKE line 2')
      assert.deepEqual(escapeStrings({ a: [ATTACK], n: 1, z: null }), { a: [SHOWN], n: 1, z: null })
      const text = jsonSafe(JSON.stringify({ v: 'x\u009by\u202ez\u007f' }))
      assert.doesNotMatch(text, /[\u007f-\u009f\u202e]/)
      assert.deepEqual(JSON.parse(text), { v: 'x\u009by\u202ez\u007f' })
    })
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
    this.timeout(120_000)
    this.slow(20_000)
    let endpoint: Endpoint
    let dir: string
    const cli = (args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const clean = (run: CliRun, what: string) => {
      assert.doesNotMatch(run.stdout + run.stderr, RAW, `${what} printed a raw control character:\n${run.stdout}\n${run.stderr}`)
    }

    before(async () => {
      endpoint = await startEndpoint({ timeScale: 3600 })
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
      // Without --wait nothing records the failure: once the job has failed, plan reports it as drift.
      const created = await cli(['apply', '--auto-approve'])
      assert.equal(created.status, 0, created.stdout + created.stderr)
      let planned = await cli(['plan', '--out', 'plan.json'])
      for (let i = 0; i < 100 && !/is Failed/.test(planned.stdout); i++) planned = await cli(['plan', '--out', 'plan.json'])
      clean(planned, 'plan')
      assert.match(planned.stdout, /~ sagemaker_training_job\.boom: job .* is Failed \(AlgorithmError: boom\\x1b\]0;pwned/)
      // plan --json before watch: watch records the failure, and the drift is gone.
      for (const args of [['plan', '--markdown'], ['show', '--markdown', 'plan.json'], ['plan', '--json'], ['watch'], ['state', 'show', 'sagemaker_training_job.boom'], ['logs', 'sagemaker_training_job.boom'], ['watch', '--json']]) {
        const run = await cli(args)
        clean(run, args.join(' '))
        assert.ok((run.stdout + run.stderr).includes('pwned'), `${args.join(' ')} shows the reason:\n${run.stdout}\n${run.stderr}`)
      }
      clean(await cli(['show']), 'show')

      const applied = await cli(['apply', '--auto-approve', '--replace', 'sagemaker_training_job.boom', '--wait', '--poll-interval', '1s'])
      const shown = `exit ${applied.status}\n--- stdout\n${applied.stdout}\n--- stderr\n${applied.stderr}`
      assert.equal(applied.status, 3, shown)
      clean(applied, 'apply --wait')
      assert.ok(applied.stdout.includes(`AlgorithmError: ${SHOWN}`), shown)
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
