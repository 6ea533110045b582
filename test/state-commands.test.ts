import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { sageform, schemaErrors } from './helpers/cli.js'

const LINEAGE = '6f1c2a4e-0000-4000-8000-000000000001'
const job = (name: string, status: string, extra: object = {}) => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
  spec_hash: `hash-${name}`,
  status,
  created_at: '2026-11-23T12:00:00.000Z',
  updated_at: '2026-11-23T13:00:00.000Z',
  ...extra,
})

const STATE = {
  format_version: 1,
  lineage: LINEAGE,
  serial: 4,
  resources: {
    'sagemaker_training_job.xgb': {
      type: 'sagemaker_training_job',
      current: job('xgb-1a2b3c4d', 'InProgress', { generation: 2, tags: { team: 'ml' }, request: { RoleArn: 'arn:aws:iam::123456789012:role/R' } }),
      history: [job('xgb-00aa11bb', 'Stopped')],
    },
    'sagemaker_training_job.done': { type: 'sagemaker_training_job', current: job('done-1', 'Completed'), history: [] },
    'sagemaker_hyperparameter_tuning_job.hpo': { type: 'sagemaker_hyperparameter_tuning_job', history: [job('hpo-1', 'Failed', { failure_reason: 'No training job succeeded' })] },
  },
  outputs: {
    model_uri: { value: 's3://bucket/out/model.tar.gz' },
    token: { value: 'hunter2', sensitive: true },
    config: { value: { eta: 0.1, rounds: [1, 2] } },
  },
}

describe('sageform state commands (the real binary)', () => {
  let dir: string
  const statePath = () => join(dir, 'sageform.state.json')
  const writeStateFile = (text: string) => writeFileSync(statePath(), text)
  const run = (...args: string[]) => sageform([...args, '-C', dir])
  const json = (...args: string[]) => {
    const r = run(...args, '--json')
    return { ...r, payload: JSON.parse(r.stdout) as Record<string, unknown> }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sageform-state-cmd-'))
    writeStateFile(JSON.stringify(STATE, null, 2) + '\n')
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  describe('instance addresses and state mv', () => {
    const instances = () => {
      const state = structuredClone(STATE) as typeof STATE & { resources: Record<string, unknown> }
      state.resources['sagemaker_training_job.many[0]'] = { type: 'sagemaker_training_job', current: job('many-0', 'Completed'), history: [] }
      state.resources['sagemaker_training_job.many[1]'] = { type: 'sagemaker_training_job', current: job('many-1', 'Completed'), history: [] }
      state.resources['sagemaker_training_job.each["big one"]'] = { type: 'sagemaker_training_job', current: job('each-big', 'Completed'), history: [] }
      writeStateFile(JSON.stringify(state, null, 2) + '\n')
    }

    it('lists, shows and removes instances by their address, or all instances by the resource address', () => {
      instances()
      assert.deepEqual((json('state', 'list', 'sagemaker_training_job.many').payload.resources as Array<{ address: string }>).map((r) => r.address), ['sagemaker_training_job.many[0]', 'sagemaker_training_job.many[1]'])
      const shown = json('state', 'show', 'sagemaker_training_job.each[ "big one" ]')
      assert.equal(shown.status, 0, shown.stderr)
      assert.equal((shown.payload.resource as { current: { name: string } }).current.name, 'each-big')
      const whole = run('state', 'show', 'sagemaker_training_job.many')
      assert.equal(whole.status, 1)
      assert.match(whole.stderr, /has instances \(count or for_each\): sagemaker_training_job\.many\[0\], sagemaker_training_job\.many\[1\]/)
      const removed = json('state', 'rm', 'sagemaker_training_job.many', '--dry-run')
      assert.deepEqual((removed.payload.removed as Array<{ address: string }>).map((r) => r.address), ['sagemaker_training_job.many[0]', 'sagemaker_training_job.many[1]'])
    })

    it('moves a record, or every instance of a resource, keeping jobs and history, and reports --json per schemas/state-mv.json', () => {
      instances()
      const one = json('state', 'mv', 'sagemaker_training_job.xgb', 'sagemaker_training_job.xgb["small"]')
      assert.equal(one.status, 0, one.stderr)
      assert.deepEqual(schemaErrors('state-mv', one.payload), [])
      assert.deepEqual(one.payload.moved, [{ from: 'sagemaker_training_job.xgb', to: 'sagemaker_training_job.xgb["small"]', job: 'xgb-1a2b3c4d' }])
      const all = run('state', 'mv', 'sagemaker_training_job.many', 'aws_sagemaker_training_job.renamed')
      assert.equal(all.status, 0, all.stderr)
      assert.match(all.stdout, /Move "sagemaker_training_job\.many\[1\]" to "aws_sagemaker_training_job\.renamed\[1\]"/)
      assert.match(all.stdout, /Successfully moved 2 objects/)
      const after = JSON.parse(readFileSync(statePath(), 'utf8'))
      assert.deepEqual(after.resources['sagemaker_training_job.xgb["small"]'], STATE.resources['sagemaker_training_job.xgb'])
      assert.equal(after.resources['aws_sagemaker_training_job.renamed[0]'].type, 'aws_sagemaker_training_job')
      assert.equal(after.resources['aws_sagemaker_training_job.renamed[0]'].current.name, 'many-0')
      assert.equal(after.serial, 6)
      assert.ok(!existsSync(`${statePath()}.lock`), 'the lock is released')
    })

    it('refuses, changing nothing: an unknown source, a taken destination, a training job to a tuning job, many instances to one', () => {
      instances()
      const before = readFileSync(statePath())
      const cases: Array<[string[], RegExp]> = [
        [['sagemaker_training_job.nope', 'sagemaker_training_job.x'], /Resource not in the state/],
        [['sagemaker_training_job.xgb', 'sagemaker_training_job.done'], /there is already a resource instance at that address/],
        [['sagemaker_training_job.done', 'sagemaker_hyperparameter_tuning_job.done'], /resource types don't match/],
        [['sagemaker_training_job.many', 'sagemaker_training_job.one[0]'], /which has 2 instances, to the single instance/],
        [['sagemaker_training_job.done', 'not an address'], /Invalid target address/],
      ]
      for (const [args, message] of cases) {
        const r = run('state', 'mv', ...args)
        assert.equal(r.status, 1, args.join(' '))
        assert.match(r.stderr, message)
      }
      assert.deepEqual(readFileSync(statePath()), before)
    })
  })

  describe('state list', () => {
    it('lists every address with its current job and status, sorted, one per line', () => {
      const r = run('state', 'list')
      assert.equal(r.status, 0, r.stderr)
      assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/)), [
        ['sagemaker_hyperparameter_tuning_job.hpo', '(no current job)'],
        ['sagemaker_training_job.done', 'done-1', 'Completed'],
        ['sagemaker_training_job.xgb', 'xgb-1a2b3c4d', 'InProgress'],
      ])
      assert.equal(r.stderr, '')
    })

    it('filters by address or type, accepts -chdir before the command, and prints nothing for no state', () => {
      const r = sageform([`-chdir=${dir}`, 'state', 'list', 'sagemaker_training_job'])
      assert.equal(r.status, 0, r.stderr)
      assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]), ['sagemaker_training_job.done', 'sagemaker_training_job.xgb'])
      rmSync(statePath())
      const empty = run('state', 'list')
      assert.equal(empty.status, 0)
      assert.equal(empty.stdout, '')
    })

    it('prints a --json payload that matches schemas/state-list.json', () => {
      const { status, payload } = json('state', 'list')
      assert.equal(status, 0)
      assert.deepEqual(schemaErrors('state-list', payload), [])
      assert.equal(payload.lineage, LINEAGE)
      assert.deepEqual((payload.resources as Array<Record<string, unknown>>)[2], { address: 'sagemaker_training_job.xgb', type: 'sagemaker_training_job', job: 'xgb-1a2b3c4d', status: 'InProgress', history: 1 })
      rmSync(statePath())
      const none = json('state', 'list')
      assert.deepEqual(schemaErrors('state-list', none.payload), [])
      assert.deepEqual([none.payload.lineage, none.payload.resources], [null, []])
    })
  })

  describe('state show', () => {
    it('shows the current job and the history', () => {
      const r = run('state', 'show', 'sagemaker_training_job.xgb')
      assert.equal(r.status, 0, r.stderr)
      assert.match(r.stdout, /^# sagemaker_training_job\.xgb$/m)
      assert.match(r.stdout, /^ {2}name\s+= xgb-1a2b3c4d$/m)
      assert.match(r.stdout, /^ {2}status\s+= InProgress$/m)
      assert.match(r.stdout, /^ {2}generation\s+= 2$/m)
      assert.match(r.stdout, /"RoleArn": "arn:aws:iam::123456789012:role\/R"/)
      assert.match(r.stdout, /history \(1, oldest first\):\n {2}xgb-00aa11bb {2}Stopped/)
      const hpo = run('state', 'show', 'sagemaker_hyperparameter_tuning_job.hpo')
      assert.match(hpo.stdout, /no current job/)
      assert.match(hpo.stdout, /hpo-1 {2}Failed .* No training job succeeded/)
    })

    it('prints --json matching schemas/state-show.json, and an unknown address as an error with a suggestion', () => {
      const ok = json('state', 'show', 'sagemaker_training_job.xgb')
      assert.equal(ok.status, 0)
      assert.deepEqual(schemaErrors('state-show', ok.payload), [])
      assert.deepEqual(ok.payload.resource, { type: 'sagemaker_training_job', current: STATE.resources['sagemaker_training_job.xgb'].current, history: STATE.resources['sagemaker_training_job.xgb'].history, deposed: [] })

      const missing = json('state', 'show', 'sagemaker_training_job.xbg')
      assert.equal(missing.status, 1)
      assert.deepEqual(schemaErrors('state-show', missing.payload), [])
      assert.equal(missing.payload.resource, null)
      const text = run('state', 'show', 'sagemaker_training_job.xbg')
      assert.equal(text.status, 1)
      assert.equal(text.stdout, '')
      assert.match(text.stderr, /Error: Resource not in the state/)
      assert.match(text.stderr, /Did you mean sagemaker_training_job\.xgb\?/)
    })
  })

  describe('state rm', () => {
    it('forgets the resources, bumps the serial and keeps the previous file as the backup', () => {
      const before = readFileSync(statePath())
      const r = run('state', 'rm', 'sagemaker_training_job.xgb', 'sagemaker_hyperparameter_tuning_job.hpo')
      assert.equal(r.status, 0, r.stderr)
      assert.match(r.stdout, /Removed sagemaker_training_job\.xgb \(job xgb-1a2b3c4d, InProgress\)/)
      assert.match(r.stdout, /Successfully removed 2 resources/)
      // The running job is not stopped: the user is told it keeps running.
      assert.match(r.stderr, /Warning: The job keeps running[\s\S]*xgb-1a2b3c4d is InProgress/)
      const after = JSON.parse(readFileSync(statePath(), 'utf8'))
      assert.deepEqual(Object.keys(after.resources), ['sagemaker_training_job.done'])
      assert.equal(after.serial, 5)
      assert.equal(after.lineage, LINEAGE)
      assert.deepEqual(after.outputs, STATE.outputs)
      assert.deepEqual(readFileSync(`${statePath()}.backup`), before)
      assert.ok(!existsSync(`${statePath()}.lock`), 'the lock is released')
    })

    it('removes nothing when one address is unknown, or with --dry-run, and reports --json per schemas/state-rm.json', () => {
      const before = readFileSync(statePath())
      const bad = json('state', 'rm', 'sagemaker_training_job.done', 'sagemaker_training_job.nope')
      assert.equal(bad.status, 1)
      assert.deepEqual(schemaErrors('state-rm', bad.payload), [])
      assert.deepEqual(bad.payload.removed, [])
      assert.equal((bad.payload.diagnostics as Array<{ address: string }>)[0]!.address, 'sagemaker_training_job.nope')

      const dry = json('state', 'rm', 'sagemaker_training_job.done', '--dry-run')
      assert.equal(dry.status, 0)
      assert.deepEqual(schemaErrors('state-rm', dry.payload), [])
      assert.deepEqual(dry.payload.removed, [{ address: 'sagemaker_training_job.done', job: 'done-1', status: 'Completed' }])
      assert.deepEqual(readFileSync(statePath()), before)
      assert.ok(!existsSync(`${statePath()}.backup`))

      const done = json('state', 'rm', 'sagemaker_training_job.done')
      assert.equal(done.status, 0)
      assert.deepEqual(schemaErrors('state-rm', done.payload), [])
      assert.equal(done.payload.serial, 5)
    })

    it('fails fast with the holder and a force-unlock hint while another run holds the lock', () => {
      const before = readFileSync(statePath())
      const lock = { id: '0f5e9c52-3a1b-4c7d-9e2f-8a6b4c3d2e1f', pid: process.pid, host: hostname(), time: '2026-11-23T12:00:00.000Z', operation: 'apply' }
      writeFileSync(`${statePath()}.lock`, JSON.stringify(lock))
      const r = run('state', 'rm', 'sagemaker_training_job.done')
      assert.equal(r.status, 1)
      assert.match(r.stderr, /Error acquiring the state lock/)
      assert.match(r.stderr, /Operation: apply/)
      assert.match(r.stderr, new RegExp(`sageform force-unlock ${lock.id}`))
      assert.deepEqual(readFileSync(statePath()), before)

      const wrong = run('force-unlock', 'not-the-id')
      assert.equal(wrong.status, 1)
      assert.match(wrong.stderr, /does not match/)
      const unlocked = json('force-unlock', lock.id)
      assert.equal(unlocked.status, 0)
      assert.deepEqual(schemaErrors('force-unlock', unlocked.payload), [])
      assert.deepEqual(unlocked.payload.lock, lock)
      assert.ok(!existsSync(`${statePath()}.lock`))
      assert.equal(run('state', 'rm', 'sagemaker_training_job.done').status, 0)
    })

    it('rejects a --lock-timeout that is not a duration', () => {
      const r = run('state', 'rm', 'sagemaker_training_job.done', '--lock-timeout=soon')
      assert.equal(r.status, 1)
      // The one duration flag type's message (commands/flags.ts), as every usage error: a sentence and the usage hint.
      assert.match(r.stderr, /Invalid value for --lock-timeout: "soon" is not a duration, such as 0s/)
      assert.match(r.stderr, /See "sageform state rm --help" for usage/)
    })
  })

  describe('a state file sageform cannot read', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['corrupt', '{"format_version": 1, "lineage": "x", "serial": 3, "resources": {', /The state file cannot be read[\s\S]*not valid JSON/],
      ['too new', JSON.stringify({ format_version: 9, lineage: 'x', serial: 1, resources: {} }), /The state file is from a newer sageform[\s\S]*format version 9/],
    ]
    for (const [kind, text, message] of cases) {
      it(`is reported as one error, exit 1, and left byte-identical (${kind})`, () => {
        writeStateFile(text)
        for (const args of [['state', 'list'], ['state', 'show', 'sagemaker_training_job.xgb'], ['state', 'rm', 'sagemaker_training_job.xgb'], ['output']]) {
          const r = run(...args)
          assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
          assert.match(r.stderr, message)
          assert.equal(r.stderr.match(/^Error:/gm)?.length, 1, r.stderr)
          assert.doesNotMatch(r.stderr, /at .*\.js:\d+/)
          assert.equal(readFileSync(statePath(), 'utf8'), text)
        }
        assert.ok(!existsSync(`${statePath()}.backup`))
        assert.ok(!existsSync(`${statePath()}.lock`))
        const listed = json('state', 'list')
        assert.deepEqual(schemaErrors('state-list', listed.payload), [])
      })
    }
  })

  describe('output', () => {
    it('lists every output, hiding sensitive values, and shows one by name (a sensitive one only with --raw)', () => {
      const all = run('output')
      assert.equal(all.status, 0, all.stderr)
      assert.equal(all.stdout, 'config = {\n  eta    = 0.1\n  rounds = [\n    1,\n    2,\n  ]\n}\nmodel_uri = "s3://bucket/out/model.tar.gz"\ntoken = <sensitive>\n')
      assert.equal(run('output', 'token').stdout, '<sensitive>\n')
      assert.equal(run('output', 'token', '--raw').stdout, 'hunter2\n')
      assert.equal(run('output', 'model_uri', '--raw').stdout, 's3://bucket/out/model.tar.gz\n')
      const raw = run('output', 'config', '--raw')
      assert.equal(raw.status, 1)
      assert.match(raw.stderr, /--raw prints only strings, numbers and bools/)
    })

    it('prints --json matching schemas/output.json, for all outputs, one, and an unknown name', () => {
      const all = json('output')
      assert.equal(all.status, 0)
      assert.deepEqual(schemaErrors('output', all.payload), [])
      assert.deepEqual(all.payload.outputs, {
        config: { value: { eta: 0.1, rounds: [1, 2] }, sensitive: false },
        model_uri: { value: 's3://bucket/out/model.tar.gz', sensitive: false },
        token: { value: 'hunter2', sensitive: true },
      })
      const one = json('output', 'model_uri')
      assert.deepEqual(schemaErrors('output', one.payload), [])
      assert.deepEqual(Object.keys(one.payload.outputs as object), ['model_uri'])
      const missing = json('output', 'model_url')
      assert.equal(missing.status, 1)
      assert.deepEqual(schemaErrors('output', missing.payload), [])
      assert.match(JSON.stringify(missing.payload.diagnostics), /Did you mean \\"model_uri\\"/)
    })
  })
})
