// What was approved is exactly what runs: the built CLI in child processes against the local endpoint. A configuration
// edited after the plan was shown changes nothing that is sent; a saved plan that was tampered with or is malformed is
// refused before any call, with the lock released; the policy also holds for values known only at apply time.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeTrainingJobCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker'
import type { Plan } from '../src/plan/types.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, root, runCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, type OpenEndpoint } from './helpers/endpoint.js'

const open = endpointsOfSuite({ manualClock: {} })

function output(run: CliRun): string {
  return `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
}

/** Job a, and job b whose hyperparameters need a's ARN (known only at apply) plus a local read by file() and a variable. */
const CONFIG = (eta: string) => `variable "depth" {
  type    = number
  default = 4
}
locals {
  notes = trimspace(file("notes.txt"))
}
resource "sagemaker_training_job" "a" {
  name_prefix      = "a"
  hyper_parameters = { eta = ${eta} }
${TRAINING_BODY}}
resource "sagemaker_training_job" "b" {
  name_prefix      = "b"
  hyper_parameters = { parent = sagemaker_training_job.a.arn, eta = ${eta}, depth = var.depth, notes = local.notes }
${TRAINING_BODY}}
`

function workDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-integrity-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

async function createdJobs(ep: OpenEndpoint): Promise<Map<string, Record<string, string>>> {
  const listed = await ep.sm.send(new ListTrainingJobsCommand({ MaxResults: 100 }))
  const out = new Map<string, Record<string, string>>()
  for (const summary of listed.TrainingJobSummaries ?? []) {
    const job = await ep.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: summary.TrainingJobName }))
    out.set(job.TrainingJobName!, job.HyperParameters ?? {})
  }
  return out
}

const readState = (dir: string) => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State

describe('apply runs exactly the approved plan', function () {

  it('a configuration edited while apply waits for "yes" changes nothing that is sent (a real terminal)', async () => {
    const ep = await open()
    const dir = workDir({ 'main.hcl': CONFIG('0.1'), 'notes.txt': 'approved\n', 'd.vars.hcl': 'depth = 6\n' })
    // script(1) gives the CLI a pseudo-terminal, so it asks for confirmation as it would a person.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'bin', 'run.js'))} apply --var-file d.vars.hcl`
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: endpointEnv(ep.endpoint.url), stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    const prompted = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        if (stdout.includes('Enter a value:')) resolve()
      })
    })
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
    await prompted
    writeFileSync(join(dir, 'main.hcl'), CONFIG('0.9'))
    writeFileSync(join(dir, 'notes.txt'), 'edited after the plan was shown\n')
    writeFileSync(join(dir, 'd.vars.hcl'), 'depth = 99\n')
    child.stdin.write('yes\n')
    assert.equal(await exited, 0, stdout)

    const jobs = await createdJobs(ep)
    assert.equal(jobs.size, 2, stdout)
    const state = readState(dir)
    const a = state.resources['sagemaker_training_job.a']!.current!
    const b = state.resources['sagemaker_training_job.b']!.current!
    assert.deepEqual(jobs.get(a.name), { eta: '0.1' })
    assert.deepEqual(jobs.get(b.name), { parent: a.arn, eta: '0.1', depth: '6', notes: 'approved' }, 'what was sent is what the plan showed')
    assert.deepEqual((b.request as { HyperParameters: unknown }).HyperParameters, { parent: a.arn, eta: '0.1', depth: '6', notes: 'approved' })
  })

  it('apply PLANFILE evaluates the snapshot the plan carries: no --var needed, later edits ignored', async () => {
    const ep = await open()
    const dir = workDir({ 'main.hcl': CONFIG('0.1'), 'notes.txt': 'approved\n' })
    const env = endpointEnv(ep.endpoint.url)
    const planned = await runCli(['plan', '--var', 'depth=7', '--out', 'plan.json'], { cwd: dir, env })
    assert.equal(planned.status, 0, output(planned))
    writeFileSync(join(dir, 'main.hcl'), CONFIG('0.9'))
    writeFileSync(join(dir, 'notes.txt'), 'edited\n')
    writeFileSync(join(dir, 'd.vars.hcl'), 'depth = 9\n')
    // As in Terraform, values given now could only disagree with the plan's: refused before the lock or any call.
    for (const given of [['--var', 'depth=7'], ['-var=depth=8'], ['--var-file', 'd.vars.hcl']]) {
      const refused = await runCli(['apply', ...given, 'plan.json'], { cwd: dir, env })
      assert.equal(refused.status, 1, output(refused))
      assert.match(refused.stdout + refused.stderr, /Can't set variables when applying a saved plan/)
      assert.equal((await createdJobs(ep)).size, 0)
      assert.equal(existsSync(join(dir, 'sageform.state.json')), false)
    }
    const applied = await runCli(['apply', '--json', 'plan.json'], { cwd: dir, env })
    assert.equal(applied.status, 0, output(applied))
    const state = readState(dir)
    const a = state.resources['sagemaker_training_job.a']!.current!
    const b = state.resources['sagemaker_training_job.b']!.current!
    const jobs = await createdJobs(ep)
    assert.deepEqual(jobs.get(b.name), { parent: a.arn, eta: '0.1', depth: '7', notes: 'approved' })
    // The snapshot holds variable values: printed output never carries it, the file is the owner's alone.
    const shown = await runCli(['show', '--json', 'plan.json'], { cwd: dir, env })
    assert.equal((JSON.parse(shown.stdout) as { plan: Plan }).plan.configuration, undefined)
    assert.equal((JSON.parse(applied.stdout) as { plan: Plan }).plan.configuration, undefined)
  })

  it('a job replaced together with the job it references: the dependent request gets the new ARN, resolved in memory', async () => {
    const ep = await open()
    const dir = workDir({ 'main.hcl': CONFIG('0.1'), 'notes.txt': 'approved\n' })
    const env = endpointEnv(ep.endpoint.url)
    assert.equal((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).status, 0)
    writeFileSync(join(dir, 'main.hcl'), CONFIG('0.2'))
    for (const args of [['apply', '--auto-approve'], ['--replace', 'sagemaker_training_job.a']]) {
      const applied = await runCli(args[0] === 'apply' ? args : ['apply', '--auto-approve', ...args], { cwd: dir, env })
      assert.equal(applied.status, 0, output(applied))
      const state = readState(dir)
      const a = state.resources['sagemaker_training_job.a']!.current!
      const b = state.resources['sagemaker_training_job.b']!.current!
      assert.equal((await createdJobs(ep)).get(b.name)!.parent, a.arn, args.join(' '))
    }
  })

  describe('a saved plan that was tampered with or is malformed is refused: exit 1, nothing sent, no lock left', () => {
    const policy = `policy {
  max_instance_hours = 10
}
`
    const single = `resource "sagemaker_training_job" "a" {
  name_prefix = "a"
${TRAINING_BODY}}
`
    const cases: Array<[string, (plan: Plan) => unknown, RegExp]> = [
      [
        'an edited request (100 × ml.p4d.24xlarge) past the policy',
        (p) => {
          const request = p.changes[0]!.after!.request as { ResourceConfig: Record<string, unknown> }
          request.ResourceConfig = { ...request.ResourceConfig, InstanceType: 'ml.p4d.24xlarge', InstanceCount: 100 }
          return p
        },
        /request is not the one its configuration gives[\s\S]*max_instance_hours/,
      ],
      [
        'an appended stop of a job sageform never created',
        (p) => ({ ...p, changes: [...p.changes, { address: 'sagemaker_training_job.other', type: 'sagemaker_training_job', action: 'stop', before: { name: 'someone-elses-job', status: 'InProgress' }, attribute_changes: [], depends_on: [] }] }),
        /sagemaker_training_job\.other: the state holds no job someone-elses-job/,
      ],
      ['changes: [null]', (p) => ({ ...p, changes: [null] }), /does not match schemas\/plan\.json: \/changes\/0/],
      ['state: null', (p) => ({ ...p, state: null }), /does not match schemas\/plan\.json: \/state/],
      [
        'an edited configuration snapshot',
        (p) => {
          p.configuration!.files[0]!.source = p.configuration!.files[0]!.source.replace('ml.m5.large', 'ml.p4d.24xlarge')
          return p
        },
        /snapshot does not match its config_hash/,
      ],
      ['no snapshot', (p) => ({ ...p, configuration: undefined }), /carries no configuration snapshot/],
      ['not JSON', () => '{"format_version": "1.0", ', /Cannot use the saved plan/],
    ]
    // One plan, tampered with in a different way per case: every apply is refused, so the directory never changes.
    let saved: { ep: OpenEndpoint; dir: string; env: NodeJS.ProcessEnv; text: string } | undefined
    const savedPlan = async () => {
      if (saved) return saved
      const ep = await open()
      const dir = workDir({ 'main.hcl': policy + single })
      const env = endpointEnv(ep.endpoint.url)
      const planned = await runCli(['plan', '--out', 'plan.json'], { cwd: dir, env })
      assert.equal(planned.status, 0, output(planned))
      return (saved = { ep, dir, env, text: readFileSync(join(dir, 'plan.json'), 'utf8') })
    }
    for (const [what, tamper, message] of cases) {
      it(what, async () => {
        const { ep, dir, env, text } = await savedPlan()
        const tampered = tamper(JSON.parse(text) as Plan)
        writeFileSync(join(dir, 'plan.json'), typeof tampered === 'string' ? tampered : JSON.stringify(tampered))
        const applied = await runCli(['apply', 'plan.json'], { cwd: dir, env })
        assert.equal(applied.status, 1, output(applied))
        assert.match(applied.stdout + applied.stderr, message)
        assert.doesNotMatch(applied.stdout + applied.stderr, /Cannot read properties|TypeError/)
        assert.equal(existsSync(join(dir, 'sageform.state.json.lock')), false, 'the lock is released')
        assert.equal(ep.endpoint.callCounts().CreateTrainingJob ?? 0, 0, 'nothing was created')
      })
    }

    it('a summary edited to hide a create is recomputed from the changes', async () => {
      const ep = await open()
      const dir = workDir({ 'main.hcl': single })
      const env = endpointEnv(ep.endpoint.url)
      assert.equal((await runCli(['plan', '--out', 'plan.json'], { cwd: dir, env })).status, 0)
      const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan
      writeFileSync(join(dir, 'plan.json'), JSON.stringify({ ...plan, summary: { ...plan.summary, create: 0 } }))
      const applied = await runCli(['apply', 'plan.json'], { cwd: dir, env })
      assert.equal(applied.status, 0, output(applied))
      assert.match(applied.stdout, /Plan: 1 to create/)
    })
  })

  it('a policy limit broken by a value known only at apply time refuses that Create; the others go on', async () => {
    const ep = await open()
    const dir = workDir({
      'main.hcl': `policy {
  max_instance_hours = 10
}
resource "sagemaker_training_job" "a" {
  name_prefix = "a"
${TRAINING_BODY}}
resource "sagemaker_training_job" "b" {
  name_prefix = "b"
${TRAINING_BODY.replace('instance_count = 1', 'instance_count = length(sagemaker_training_job.a.arn) > 0 ? 50 : 1')}}
`,
    })
    const env = endpointEnv(ep.endpoint.url)
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env })
    assert.equal(applied.status, 1, output(applied))
    assert.match(applied.stdout + applied.stderr, /max_instance_hours/)
    assert.equal(ep.endpoint.callCounts().CreateTrainingJob, 1, 'only a was created')
    const state = readState(dir)
    assert.ok(state.resources['sagemaker_training_job.a']?.current)
    assert.equal(state.resources['sagemaker_training_job.b'], undefined)
    assert.equal(existsSync(join(dir, 'sageform.state.json.lock')), false)
  })
})
