// -chdir as Terraform defines it, with the built CLI against the local endpoint: from another directory, relative
// paths in flags and arguments (--var-file, --out, the plan file) are read in the -chdir directory, and the apply
// command plan --out prints works verbatim from where it was typed.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite } from './helpers/endpoint.js'

const open = endpointsOfSuite({ manualClock: {} })
const output = (run: CliRun) => `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

const CONFIG = `variable "depth" {
  type = number
}
resource "sagemaker_training_job" "churn" {
  name_prefix      = "churn"
  hyper_parameters = { depth = var.depth }
${TRAINING_BODY}}
`

describe('-chdir (built CLI, local endpoint)', function () {
  const roots: string[] = []
  after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('the by-hand flow from another directory: plan -var-file -out, then the printed apply command', async () => {
    const { endpoint, sm } = await open()
    const root = mkdtempSync(join(tmpdir(), 'sageform-chdir-'))
    roots.push(root)
    const config = join(root, 'configs', 'churn')
    mkdirSync(config, { recursive: true })
    writeFileSync(join(config, 'main.hcl'), CONFIG)
    writeFileSync(join(config, 'prod.vars.hcl'), 'depth = 7\n')
    const env = endpointEnv(endpoint.url)
    const cli = (args: string[]) => runCli(args, { cwd: root, env })

    for (const round of [1, 2]) {
      // Round 2 replaces the job (a new depth) against the state round 1 wrote: no false "applied since".
      if (round === 2) writeFileSync(join(config, 'prod.vars.hcl'), 'depth = 8\n')
      const planned = await cli(['-chdir=configs/churn', 'plan', '-var-file=prod.vars.hcl', '-out=plan.json'])
      assert.equal(planned.status, 0, output(planned))
      assert.ok(existsSync(join(config, 'plan.json')), 'the plan file is written in the -chdir directory')
      assert.ok(!existsSync(join(root, 'plan.json')))
      const printed = /Saved the plan to configs\/churn\/plan\.json\. Apply exactly these changes with: sageform (.*)$/m.exec(planned.stdout)
      assert.ok(printed, output(planned))
      assert.equal(printed[1], '-chdir=configs/churn apply plan.json')
      const applied = await cli(printed[1]!.split(' '))
      assert.equal(applied.status, 0, output(applied))
      assert.doesNotMatch(applied.stdout + applied.stderr, /applied since|another state/)
      const state = JSON.parse(readFileSync(join(config, 'sageform.state.json'), 'utf8')) as State
      const job = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: state.resources['sagemaker_training_job.churn']!.current!.name }))
      assert.equal(job.HyperParameters?.depth, round === 1 ? '7' : '8')
    }
    assert.ok(!existsSync(join(root, 'sageform.state.json')), 'no state in the directory the commands were typed in')

    // The same file applied from the wrong directory: not "stale", but another state, and how to apply it.
    const planned = await cli(['-C', 'configs/churn', 'plan', '--var-file', 'prod.vars.hcl', '--out', join(root, 'abs-plan.json')])
    assert.equal(planned.status, 0, output(planned))
    assert.match(planned.stdout, new RegExp(`Saved the plan to ${root}/abs-plan\\.json\\. Apply exactly these changes with: sageform -chdir=configs/churn apply ${root}/abs-plan\\.json`))
    const wrong = await cli(['apply', join(root, 'abs-plan.json')])
    assert.equal(wrong.status, 1, output(wrong))
    assert.match(wrong.stdout + wrong.stderr, /Saved plan is for another state/)
    assert.match(wrong.stdout + wrong.stderr, /sageform\.state\.json does not exist: the plan was made in another directory/)
    assert.doesNotMatch(wrong.stdout + wrong.stderr, /applied since/)
  })
})
