import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireLock, forceUnlock, lockPath, parseDuration, processStart, type LockInfo } from '../src/state/lock.js'
import { localBackend } from '../src/state/backend.js'
import { backupPath, newState, readState, StateSerializer, statePath, StateWriteRefused, writeState } from '../src/state/store.js'
import type { State } from '../src/model/state.js'

function sampleState(serial: number, lineage = '6f1c2a4e-0000-4000-8000-000000000001'): State {
  const job = (name: string) => ({
    name,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    spec_hash: 'sha256:abc',
    status: 'Completed',
    created_at: '2026-11-23T12:00:00.000Z',
    updated_at: '2026-11-23T13:00:00.000Z',
  })
  return {
    format_version: 1,
    lineage,
    serial,
    resources: {
      'sagemaker_training_job.xgb': { type: 'sagemaker_training_job', current: { ...job('xgb-2'), generation: 2 }, history: [job('xgb-1')] },
    },
    outputs: { model: { value: 's3://bucket/out/model.tar.gz' } },
  }
}

describe('state file', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sageform-state-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reports a missing file as missing', async () => {
    assert.deepEqual(await readState(dir), { kind: 'missing' })
  })

  it('round-trips a state', async () => {
    const state = sampleState(1)
    await writeState(dir, state)
    assert.deepEqual(await readState(dir), { kind: 'ok', state })
  })

  it('keeps the previous version as the backup and leaves no temporary file', async () => {
    const fresh = newState()
    await writeState(dir, fresh)
    const first = await readFile(statePath(dir))
    await writeState(dir, sampleState(fresh.serial + 1, fresh.lineage))
    assert.deepEqual(await readFile(backupPath(dir)), first)
    assert.deepEqual((await readdir(dir)).sort(), ['sageform.state.json', 'sageform.state.json.backup'])
  })

  it('serialises as JSON.stringify(state, null, 2) with sorted keys, re-serialising only the resources said to be touched', () => {
    const serializer = new StateSerializer()
    const sorted = (state: State) => JSON.stringify({ ...state, resources: Object.fromEntries(Object.entries(state.resources).sort(([a], [b]) => (a < b ? -1 : 1))), ...(state.outputs ? { outputs: Object.fromEntries(Object.entries(state.outputs).sort(([a], [b]) => (a < b ? -1 : 1))) } : {}) }, null, 2) + '\n'
    const state = sampleState(1)
    assert.equal(serializer.image(state).text, sorted(state))
    state.resources['sagemaker_training_job.a'] = structuredClone(state.resources['sagemaker_training_job.xgb']!)
    state.resources['sagemaker_training_job.xgb']!.current!.status = 'Stopped'
    state.outputs = { z: { value: { nested: [1, 'two'] } }, a: { value: 'x', sensitive: true } }
    assert.equal(serializer.image(state, new Set(['sagemaker_training_job.a', 'sagemaker_training_job.xgb'])).text, sorted(state))
    // A resource not said to be touched keeps the text it had: the caller's promise, which the journal keeps.
    state.resources['sagemaker_training_job.a']!.current!.status = 'Failed'
    assert.notEqual(serializer.image(state, new Set()).text, sorted(state))
    delete state.resources['sagemaker_training_job.xgb']
    assert.equal(serializer.image(state, new Set(['sagemaker_training_job.a', 'sagemaker_training_job.xgb'])).text, sorted(state))
    state.resources = {}
    assert.equal(serializer.image(state).text, sorted(state))
  })

  it('a backend backs up the version its first write replaces, and later writes replace its own file without a backup', async () => {
    await writeState(dir, sampleState(1))
    const before = await readFile(statePath(dir))
    const backend = localBackend(dir)
    for (const serial of [2, 3, 4]) await backend.write(sampleState(serial))
    assert.deepEqual(await readFile(backupPath(dir)), before)
    assert.deepEqual(await readState(dir), { kind: 'ok', state: sampleState(4) })
    // A file replaced behind its back gets the full check again.
    await writeState(dir, sampleState(9))
    await assert.rejects(backend.write(sampleState(5)), /serial 9 is newer than 5/)
  })

  it('creates the state, its backup, the lock and a saved plan readable by the owner only (0600), whatever the umask', async () => {
    const umask = process.umask(0o022)
    try {
      // A state from an older version, readable by all: the next write replaces it with a private file.
      await writeFile(statePath(dir), JSON.stringify(sampleState(1)), { mode: 0o644 })
      await writeState(dir, sampleState(2))
      const lock = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
      assert.ok(lock.ok)
      const { writePlanFile } = await import('../src/state/plan-file.js')
      await writeFile(join(dir, 'plan.json'), '{}', { mode: 0o644 })
      await writePlanFile(join(dir, 'plan.json'), { format_version: 1 } as never)
      for (const path of [statePath(dir), backupPath(dir), lockPath(dir), join(dir, 'plan.json')]) {
        assert.equal((await stat(path)).mode & 0o777, 0o600, path)
      }
      await lock.lock.release()
    } finally {
      process.umask(umask)
    }
  })

  it('reports a corrupt file and refuses to replace it, leaving it byte-identical', async () => {
    const garbage = '{"format_version": 1, "lineage": "x", "serial": '
    await writeFile(statePath(dir), garbage)
    const read = await readState(dir)
    assert.equal(read.kind, 'corrupt')
    assert.match(read.kind === 'corrupt' ? read.message : '', /sageform\.state\.json is not valid JSON/)
    await assert.rejects(writeState(dir, sampleState(1)), StateWriteRefused)
    assert.equal(await readFile(statePath(dir), 'utf8'), garbage)
    assert.deepEqual(await readdir(dir), ['sageform.state.json'])
  })

  it('names the bad field of a structurally invalid state', async () => {
    const bad = sampleState(1) as unknown as { resources: Record<string, { history: Array<Record<string, unknown>> }> }
    bad.resources['sagemaker_training_job.xgb']!.history[0]!.arn = 42
    await writeFile(statePath(dir), JSON.stringify(bad))
    assert.deepEqual(await readState(dir), {
      kind: 'corrupt',
      message: `${statePath(dir)} is invalid: resources["sagemaker_training_job.xgb"].history[0].arn must be a string.`,
    })
  })

  it('reports an unreadable path as corrupt rather than throwing', async () => {
    await mkdir(statePath(dir))
    const read = await readState(dir)
    assert.equal(read.kind, 'corrupt')
    await assert.rejects(writeState(dir, sampleState(1)), StateWriteRefused)
  })

  it('refuses a state written by a newer sageform', async () => {
    const newer = JSON.stringify({ format_version: 2, lineage: 'l', serial: 9, everything: 'different' })
    await writeFile(statePath(dir), newer)
    assert.deepEqual(await readState(dir), { kind: 'too-new', version: 2 })
    await assert.rejects(writeState(dir, sampleState(10)), /format version 2, written by a newer sageform/)
    assert.equal(await readFile(statePath(dir), 'utf8'), newer)
  })

  it('refuses to replace a state of another lineage or a newer serial', async () => {
    await writeState(dir, sampleState(5))
    await assert.rejects(writeState(dir, sampleState(6, 'another-lineage')), /lineage/)
    await assert.rejects(writeState(dir, sampleState(4)), /serial 5 is newer than 4/)
    assert.deepEqual(await readState(dir), { kind: 'ok', state: sampleState(5) })
  })
})

describe('state lock', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sageform-lock-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('makes a second acquirer wait out its timeout, then names the holder', async () => {
    const first = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
    assert.ok(first.ok)
    assert.deepEqual(JSON.parse(await readFile(lockPath(dir), 'utf8')), first.lock.info)

    const started = Date.now()
    const second = await acquireLock(dir, { operation: 'plan', timeoutMs: 200 })
    assert.ok(Date.now() - started >= 190, 'waited for the timeout')
    assert.ok(!second.ok)
    assert.equal(second.reason, 'held')
    assert.deepEqual(second.holder, first.lock.info)
    const { summary, detail, hint } = second.diagnostic
    assert.equal(summary, 'Error acquiring the state lock')
    for (const fact of [first.lock.info.id, `pid ${process.pid} on ${hostname()}`, 'apply', first.lock.info.time]) {
      assert.ok(detail?.includes(fact), `detail mentions ${fact}`)
    }
    assert.ok(hint?.includes(`sageform force-unlock ${first.lock.info.id}`))

    await first.lock.release()
    const third = await acquireLock(dir, { operation: 'plan', timeoutMs: 0 })
    assert.ok(third.ok)
    await third.lock.release()
    assert.deepEqual(await readdir(dir), [])
  })

  it('force-unlocks only with the matching ID', async () => {
    const held = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
    assert.ok(held.ok)
    const wrong = await forceUnlock(dir, 'not-the-id')
    assert.ok(!wrong.ok)
    assert.match(wrong.diagnostic.detail ?? '', /does not match/)
    assert.deepEqual(JSON.parse(await readFile(lockPath(dir), 'utf8')), held.lock.info)

    assert.deepEqual(await forceUnlock(dir, held.lock.info.id), { ok: true, removed: held.lock.info })
    assert.deepEqual(await readdir(dir), [])

    // The old holder's release must not remove a lock someone else has taken since.
    const next = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
    assert.ok(next.ok)
    await held.lock.release()
    assert.deepEqual(JSON.parse(await readFile(lockPath(dir), 'utf8')), next.lock.info)
  })

  it('takes over a lock left by a dead process on this host, with one warning naming it', async () => {
    const exited = spawnSync(process.execPath, ['-e', ''])
    const stale: LockInfo = {
      id: '0b7e0b52-4f5e-4f0e-9d55-6d7f3c1c9a11',
      pid: exited.pid,
      host: hostname(),
      time: '2026-11-23T12:00:00.000Z',
      operation: 'apply',
    }
    await writeFile(lockPath(dir), JSON.stringify(stale))

    const result = await acquireLock(dir, { operation: 'plan', timeoutMs: 0 })
    assert.ok(result.ok)
    assert.equal(result.lock.tookOver?.severity, 'warning')
    assert.match(result.lock.tookOver?.detail ?? '', new RegExp(`pid ${exited.pid} on .*apply since 2026-11-23T12:00:00.000Z\\) is no longer running`))
    assert.deepEqual(JSON.parse(await readFile(lockPath(dir), 'utf8')), result.lock.info)
    await result.lock.release()
    assert.deepEqual(await readdir(dir), [])
  })

  describe('a holder pid that is running', () => {
    let other: ChildProcess
    beforeEach(async () => {
      // A live process that is not the holder: it only sleeps until the test kills it.
      other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
      await once(other, 'spawn')
    })
    afterEach(() => {
      other.kill('SIGKILL')
    })

    const holder = (started: string | undefined): LockInfo => ({
      id: '5d1f7c7e-2c8a-4a55-b0a9-3f1b8e0c2d44',
      pid: other.pid!,
      host: hostname(),
      time: '2026-11-23T12:00:00.000Z',
      operation: 'apply',
      ...(started === undefined ? {} : { started }),
    })

    it('records the holder process start time', async function () {
      if (processStart(process.pid) === undefined) this.skip() // no /proc: only the pid can be checked
      const held = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
      assert.ok(held.ok)
      assert.equal(held.lock.info.started, processStart(process.pid))
      await held.lock.release()
    })

    it('is not mistaken for the holder when it started after the lock was taken (a reused pid)', async function () {
      const started = processStart(other.pid!)
      if (started === undefined) this.skip() // no /proc: a reused pid cannot be told apart
      const [boot, ticks] = [started.slice(0, started.lastIndexOf(':')), Number(started.slice(started.lastIndexOf(':') + 1))]
      // The lock names this pid, but a process that started earlier than the one now running under it.
      await writeFile(lockPath(dir), JSON.stringify(holder(`${boot}:${ticks - 1}`)))
      const result = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
      assert.ok(result.ok, 'the lock of the dead holder was taken over')
      assert.match(result.lock.tookOver?.detail ?? '', new RegExp(`pid ${other.pid} .* is no longer running`))
      await result.lock.release()
    })

    it('is the holder when its start time matches, or when the lock records none: the lock stays', async () => {
      for (const started of [processStart(other.pid!), undefined]) {
        const text = JSON.stringify(holder(started))
        await writeFile(lockPath(dir), text)
        const result = await acquireLock(dir, { operation: 'apply', timeoutMs: 0 })
        assert.ok(!result.ok)
        assert.equal(result.reason, 'held')
        assert.equal(await readFile(lockPath(dir), 'utf8'), text)
      }
    })
  })

  it('parses --lock-timeout durations', () => {
    assert.equal(parseDuration('0s'), 0)
    assert.equal(parseDuration('0'), 0)
    assert.equal(parseDuration('30s'), 30_000)
    assert.equal(parseDuration('5m'), 300_000)
    assert.equal(parseDuration('1h'), 3_600_000)
    assert.equal(parseDuration('1m30s'), 90_000)
    assert.equal(parseDuration('250ms'), 250)
    for (const bad of ['', '5', '-1s', '1.5s', '10 s', '1d']) assert.equal(parseDuration(bad), undefined, bad)
  })
})
