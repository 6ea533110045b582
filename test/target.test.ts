// -target=ADDRESS on plan, apply and destroy, as Terraform does it: targets with their dependencies (destroy: their
// dependents), instance addresses and whole resources, Terraform's warning, and a saved targeted plan applies only
// what it holds.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plan } from '../src/plan/types.js'
import { planService } from '../src/services/plan.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, type CliRun } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite } from './helpers/endpoint.js'

const job = (label: string, extra = '') => `resource "sagemaker_training_job" "${label}" {
  name_prefix = "${label}"
${extra}${TRAINING_BODY}}
`
// a; b[0], b[1] reference a; c stands alone; d depends on b[1] only.
const CONFIG = [
  job('a'),
  job('b', '  count            = 2\n  hyper_parameters = { parent = sagemaker_training_job.a.arn }\n'),
  job('c'),
  job('d', '  depends_on = [sagemaker_training_job.b[1]]\n'),
].join('\n')
const T = 'sagemaker_training_job'
const output = (run: CliRun) => `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`

describe('-target', function () {

  describe('the planner', () => {
    const dir = configDir({ 'main.hcl': CONFIG })
    const planned = async (targets: string[]) => {
      const result = await planService({ dir, variables: [], env: {}, refresh: false, replace: [], parallelism: 1, targets })
      return { plan: result.plan, diagnostics: result.diagnostics, addresses: result.plan?.changes.map((c) => c.address).sort() }
    }

    for (const [targets, expected] of [
      [[`${T}.b[0]`], [`${T}.a`, `${T}.b[0]`]],
      [[`${T}.b`], [`${T}.a`, `${T}.b[0]`, `${T}.b[1]`]],
      [[`${T}.d`], [`${T}.a`, `${T}.b[1]`, `${T}.d`]],
      [[`${T}.c`], [`${T}.c`]],
      [[`${T}.c`, `${T}.b[1]`], [`${T}.a`, `${T}.b[1]`, `${T}.c`]],
    ] as Array<[string[], string[]]>) {
      it(`${targets.join(' ')} plans ${expected.join(', ')}`, async () => {
        const { plan, addresses } = await planned(targets)
        assert.deepEqual(addresses, expected)
        assert.equal(plan!.summary.create, expected.length)
        assert.deepEqual(plan!.targets, targets)
        const warning = plan!.diagnostics.find((d) => d.summary === 'Resource targeting is in effect')
        assert.equal(warning?.severity, 'warning')
        assert.match(warning!.detail!, /not for routine use/)
      })
    }

    it('an address that does not parse is an error; one that matches nothing is a warning', async () => {
      const bad = await planned(['sagemaker_training_job'])
      assert.equal(bad.plan!.diagnostics.find((d) => d.severity === 'error')?.summary, 'Invalid -target address')
      const none = await planned([`${T}.zzz`])
      assert.deepEqual(none.addresses, [])
      assert.ok(none.diagnostics.some((d) => d.summary === 'Target matches nothing' && d.severity === 'warning'))
    })

    it('without -target the plan has every change and no warning', async () => {
      const { plan, addresses } = await planned([])
      assert.equal(addresses!.length, 5)
      assert.equal(plan!.targets, undefined)
      assert.ok(!plan!.diagnostics.some((d) => d.summary === 'Resource targeting is in effect'))
    })
  })

  describe('built CLI against the local endpoint', () => {
    const open = endpointsOfSuite({ manualClock: {} })

    it('a saved targeted plan applies only its targets; destroy -target stops a target and its dependents', async () => {
      const { endpoint } = await open()
      const dir = configDir({ 'main.hcl': CONFIG })
      const cli = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
      const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
      const current = () => Object.entries(state().resources).filter(([, r]) => r.current).map(([a]) => a).sort()

      const json = await cli('plan', '-target=sagemaker_training_job.b[0]', '--out', 'p.json', '--json', '--no-cost', '--no-quota-check')
      assert.equal(json.status, 0, output(json))
      const payload = JSON.parse(json.stdout) as { plan: Plan }
      assert.deepEqual(schemaErrors('plan', payload), [])
      assert.deepEqual(payload.plan.targets, [`${T}.b[0]`])
      assert.ok(payload.plan.diagnostics.some((d) => d.summary === 'Resource targeting is in effect'))
      const human = await cli('show', 'p.json')
      assert.match(human.stdout, /Plan: 2 to create/)
      assert.match(human.stdout, /Resource targeting is in effect/)

      const applied = await cli('apply', 'p.json')
      assert.equal(applied.status, 0, output(applied))
      assert.deepEqual(current(), [`${T}.a`, `${T}.b[0]`])
      assert.match(applied.stdout, /Applied changes may be incomplete/)
      const refused = await cli('apply', '-target=sagemaker_training_job.c', 'p.json')
      assert.equal(refused.status, 1)
      assert.match(refused.stdout + refused.stderr, /Can't use -target when applying a saved plan/)

      // The rest, untargeted; then destroy a and what depends on it (b[0], b[1], d), leaving c.
      assert.equal((await cli('apply', '--auto-approve')).status, 0)
      assert.deepEqual(current(), [`${T}.a`, `${T}.b[0]`, `${T}.b[1]`, `${T}.c`, `${T}.d`])
      const destroyed = await cli('destroy', '-auto-approve', `-target=${T}.a`)
      assert.equal(destroyed.status, 0, output(destroyed))
      assert.match(destroyed.stdout + destroyed.stderr, /Resource targeting is in effect/)
      assert.match(destroyed.stdout + destroyed.stderr, /Applied changes may be incomplete/)
      assert.deepEqual(current(), [`${T}.c`])
    })
  })
})
