// Help every way a Terraform or oclif user asks for it: `sageform help [COMMAND]`, and -h, -help, --help after every
// command and topic. Unknown commands get a did-you-mean and exit 1, never 2 ("changes" to --detailed-exitcode).
import assert from 'node:assert/strict'
import { COMMANDS } from '../src/commands/index.js'
import { runCli } from './helpers/cli.js'
import { runInProcess } from './helpers/in-process.js'

const SPELLINGS: Array<(words: string[]) => string[]> = [(w) => ['help', ...w], (w) => [...w, '-h'], (w) => [...w, '-help'], (w) => [...w, '--help']]

describe('help', function () {

  it('every command and topic, with each spelling: exit 0 and its own usage', async () => {
    const subjects = [...Object.keys(COMMANDS), 'state'].map((id) => id.split(':'))
    const problems: string[] = []
    for (const words of subjects) {
      for (const spell of SPELLINGS) {
        const argv = spell(words)
        const run = await runInProcess(argv)
        const usage = new RegExp(`USAGE\\n  \\$ sageform ${words.join(' ')}\\b`)
        if (run.status !== 0 || run.stderr !== '' || !usage.test(run.stdout)) problems.push(`sageform ${argv.join(' ')}: exit ${run.status}\n${run.stdout}${run.stderr}`)
      }
    }
    assert.deepEqual(problems, [])
  })

  it('the topic lists its commands, state mv among them; the root lists topics and commands', async () => {
    assert.match((await runInProcess(['help', 'state'])).stdout, /COMMANDS\n(.*\n)* {2}state mv +Move a resource's record/)
    for (const argv of [[], ['help'], ['-h'], ['-help'], ['--help']]) {
      const run = await runInProcess(argv)
      assert.equal(run.status, 0, argv.join(' '))
      assert.match(run.stdout, /TOPICS\n {2}state /, argv.join(' '))
      assert.match(run.stdout, /COMMANDS\n(.*\n)* {2}help +Show help/, argv.join(' '))
    }
  })

  it('an unknown command or topic asked about: exit 1 with a did-you-mean, --json gets the error payload; -chdir does not get in the way', async () => {
    for (const [argv, says] of [
      [['help', 'plna'], /Unknown command "plna": did you mean "plan"\?/],
      [['plna', '-h'], /Unknown command "plna": did you mean "plan"\?/],
      [['help', 'state', 'mvv'], /Unknown command "state mvv": did you mean "state mv"\?/],
      [['state', 'mvv', '-help'], /Unknown command "state mvv": did you mean "state mv"\?/],
      [['stat'], /Unknown command "stat": did you mean "state"\?/],
    ] as Array<[string[], RegExp]>) {
      const run = await runInProcess(argv)
      assert.equal(run.status, 1, argv.join(' '))
      assert.match(run.stderr, says, argv.join(' '))
    }
    const chdir = await runInProcess(['-chdir=examples', 'help', 'plan'])
    assert.equal(chdir.status, 0, chdir.stderr)
    assert.match(chdir.stdout, /USAGE\n {2}\$ sageform plan/)
    const json = await runInProcess(['plna', '--json'])
    assert.equal(json.status, 1)
    assert.match((JSON.parse(json.stdout) as { error: { message: string } }).error.message, /did you mean "plan"/)
  })

  it('as a real process: `sageform help state mv` and `plan -help` exit 0, `help plna` exits 1', async () => {
    const env = { ...process.env, NO_COLOR: '1' }
    const mv = await runCli(['help', 'state', 'mv'], { cwd: process.cwd(), env })
    assert.equal(mv.status, 0, mv.stderr)
    assert.match(mv.stdout, /\$ sageform state mv SOURCE DESTINATION/)
    assert.equal((await runCli(['plan', '-help'], { cwd: process.cwd(), env })).status, 0)
    assert.equal((await runCli(['help', 'plna'], { cwd: process.cwd(), env })).status, 1)
  })
})
