// Every usage error of every command exits 1 with one sentence and a usage hint: 2 means "changes" to
// --detailed-exitcode, and CI and systemd count it as success, so a typo must never exit 2.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { COMMANDS } from '../src/commands/index.js'
import { runCli, schemaErrors, type CliRun } from './helpers/cli.js'
import { runInProcess } from './helpers/in-process.js'
import { mapLimit } from '../src/util/pool.js'

interface Case {
  command: string
  kind: string
  args: string[]
  json?: boolean
  /** A phrase the one sentence must hold. */
  says: RegExp
}

type Ctor = { args?: Record<string, { required?: boolean }>; flags?: Record<string, unknown>; strict?: boolean; enableJsonFlag?: boolean }

function casesFor(id: string, ctor: Ctor): Case[] {
  const words = id.split(':')
  const args = Object.values(ctor.args ?? {})
  const required = args.filter((a) => a.required).map((_, i) => `arg${i}`)
  const cases: Case[] = [
    ctor.enableJsonFlag
      ? { command: id, kind: 'unknown flag (--json)', args: [...words, ...required, '--no-such-flag', '--json'], json: true, says: /Unknown flag --no-such-flag/ }
      : { command: id, kind: 'unknown flag', args: [...words, ...required, '--no-such-flag'], says: /Unknown flag --no-such-flag/ },
    { command: id, kind: 'misspelt flag', args: [...words, ...required, '--request-timout', '5s'], says: /Unknown flag --request-timout .*did you mean --request-timeout\?/ },
    { command: id, kind: 'bad value', args: [...words, ...required, '--request-timeout', '0s'], says: /Invalid value for --request-timeout/ },
  ]
  // The duration flags share one type (commands/flags.ts): one minimum each, one message, wherever they appear.
  if (ctor.flags?.['lock-timeout']) cases.push({ command: id, kind: 'bad --lock-timeout', args: [...words, ...required, '--lock-timeout', 'soon'], says: /Invalid value for --lock-timeout: "soon" is not a duration, such as 0s/ })
  if (ctor.flags?.['poll-interval']) cases.push({ command: id, kind: '--poll-interval under its minimum', args: [...words, ...required, '--poll-interval', '50ms'], says: /Invalid value for --poll-interval: "50ms" is not a duration of at least 100ms/ })
  if (required.length > 0) cases.push({ command: id, kind: 'missing argument', args: words, says: new RegExp(`Missing ${required.length} required arg`) })
  if (ctor.strict !== false) cases.push({ command: id, kind: 'extra argument', args: [...words, ...args.map((_, i) => `arg${i}`), 'one-too-many'], says: /Unexpected argument.*one-too-many/ })
  return cases
}

describe('usage errors: every command', function () {
  this.slow(20_000)
  let dir: string
  let cwd: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sageform-usage-'))
    cwd = process.cwd()
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  const cases = Object.entries(COMMANDS).flatMap(([id, ctor]) => casesFor(id, ctor as unknown as Ctor))
  const reported = [
    { command: 'plan', kind: 'flag value out of range', args: ['plan', '--detailed-exitcode', '--parallelism', '0'], says: /Invalid value for --parallelism/ },
    { command: 'plan', kind: 'typo with --detailed-exitcode', args: ['plan', '--detailed-exitcode', '--no-cots'], says: /did you mean --no-cost\?/ },
    { command: 'apply', kind: 'typo in a flag with a value', args: ['apply', '--lock-timeot', '10m'], says: /did you mean --lock-timeout\?/ },
    { command: 'validate', kind: 'an extra argument', args: ['validate', 'extra'], says: /Unexpected argument for "sageform validate": extra/ },
    { command: '(none)', kind: 'unknown command', args: ['stat', 'list'], says: /Unknown command "stat list": did you mean "state list"\?/ },
  ]

  function failures(results: Array<{ c: Case; run: CliRun }>): string[] {
    return results.flatMap(({ c, run }) => {
      const problem = check(c, run)
      return problem ? [`${c.command} ${c.kind} (sageform ${c.args.join(' ')}): ${problem}\n  stdout: ${run.stdout}\n  stderr: ${run.stderr}`] : []
    })
  }

  it(`exits 1 with one sentence and a hint in each of ${cases.length} cases, and never prints the usage dump`, async () => {
    process.chdir(dir)
    try {
      const results: Array<{ c: Case; run: CliRun }> = []
      for (const c of cases) results.push({ c, run: await runInProcess(c.args) })
      assert.deepEqual(failures(results), [])
    } finally {
      process.chdir(cwd)
    }
  })

  it('the cases reported in the issue, as real processes: exit 1, never 2', async () => {
    const results = await mapLimit(reported, 2, async (c) => ({ c, run: await runCli(c.args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }) }))
    assert.deepEqual(failures(results), [])
  })
})

function check(c: Case, run: CliRun): string | undefined {
  if (run.status !== 1) return `exit ${run.status}`
  if (c.json) {
    if (run.stderr !== '') return 'wrote to stderr with --json'
    let payload: { error?: { message?: string } }
    try {
      payload = JSON.parse(run.stdout) as typeof payload
    } catch {
      return 'stdout is not JSON'
    }
    const errors = schemaErrors('error', payload)
    if (errors.length > 0) return `payload: ${errors.join('; ')}`
    return c.says.test(payload.error?.message ?? '') ? undefined : `message does not say ${c.says}`
  }
  const lines = run.stderr.trimEnd().split('\n')
  if (lines.length !== 2) return `${lines.length} lines on stderr, not the sentence and the hint`
  if (!lines[0]!.startsWith('Error: ') || !c.says.test(lines[0]!)) return `first line does not say ${c.says}`
  if (!/--help/.test(lines[1]!)) return 'no usage hint'
  return undefined
}
