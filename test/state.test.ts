import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireLock, forceUnlock, lockPath, processStart, type LockInfo } from '../src/state/lock.js'
import { parseDuration } from '../src/util/duration.js'
import { localBackend } from '../src/state/backend.js'
import { backupPath, journalPath, newState, readState, StateSerializer, statePath, StateWriteRefused, writeState } from '../src/state/store.js'
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

  describe('journal', () => {
    const XGB = 'sagemaker_training_job.xgb'
    /** A state of `n` resources, so that one changed resource is a small part of it. */
    const bigState = (serial: number, n = 50) => {
      const state = sampleState(serial)
      for (let i = 0; i < n; i++) state.resources[`sagemaker_training_job.r${i}`] = structuredClone(state.resources[XGB]!)
      return state
    }
    /** Writes through one serialiser, as the apply engine does: each write says which resources it touched. */
    const writer = () => {
      const serializer = new StateSerializer()
      const backend = localBackend(dir)
      return { backend, write: (state: State, touched?: string[]) => backend.write(serializer.image(state, touched && new Set(touched))) }
    }

    it('appends the later writes of a run as journal lines, which every read replays, and folds them into the file at the checkpoint', async () => {
      const state = bigState(1)
      const { backend, write } = writer()
      await write(state)
      const file = await readFile(statePath(dir))
      state.serial = 2
      state.resources[XGB]!.current!.status = 'Stopped'
      await write(state, [XGB])
      state.serial = 3
      delete state.resources['sagemaker_training_job.r0']
      state.outputs = { model: { value: 'changed' } }
      await write(state, ['sagemaker_training_job.r0'])
      // The file is untouched; the two lines carry the changes, and a read sees them.
      assert.deepEqual(await readFile(statePath(dir)), file)
      assert.equal((await readFile(journalPath(dir), 'utf8')).split('\n').length, 3)
      assert.equal((await stat(journalPath(dir))).mode & 0o777, 0o600)
      assert.deepEqual(await readState(dir), { kind: 'ok', state })
      await backend.checkpoint()
      assert.deepEqual(JSON.parse(await readFile(statePath(dir), 'utf8')), state)
      assert.deepEqual(await readdir(dir), ['sageform.state.json'])
      // Nothing appended since: the next checkpoint writes nothing.
      const folded = await stat(statePath(dir), { bigint: true })
      await backend.checkpoint()
      assert.equal((await stat(statePath(dir), { bigint: true })).mtimeNs, folded.mtimeNs)
    })

    it('writes the whole file again once the journal would outgrow the state, so bytes written stay proportional to the steps', async () => {
      const state = bigState(1, 3)
      const { write } = writer()
      await write(state)
      let whole = 0
      for (let serial = 2; serial < 40; serial++) {
        const before = await stat(statePath(dir), { bigint: true })
        state.serial = serial
        state.resources[XGB]!.current!.updated_at = `2026-11-23T13:00:${String(serial).padStart(2, '0')}.000Z`
        await write(state, [XGB])
        if ((await stat(statePath(dir), { bigint: true })).ino !== before.ino) whole++
        const journal = await stat(journalPath(dir)).catch(() => undefined)
        assert.ok(!journal || journal.size <= (await stat(statePath(dir))).size + 1000, 'the journal never grows much past the state')
        assert.deepEqual(await readState(dir), { kind: 'ok', state })
      }
      // A resource line is about a fifth of this state: a whole write every few steps, not every step.
      assert.ok(whole >= 3 && whole <= 15, `${whole} whole writes for 38 steps`)
    })

    it('ignores a last line cut short by a crash, skips lines of older serials or another lineage, and reports a bad line followed by others', async () => {
      const state = bigState(4)
      await writeState(dir, state)
      const line = (serial: number, status: string, lineage = state.lineage) => JSON.stringify({ state: { format_version: 1, lineage, serial, outputs: state.outputs }, resources: { [XGB]: { ...state.resources[XGB], current: { ...state.resources[XGB]!.current!, status } } } }) + '\n'
      const statusAfter = async (journal: string) => {
        await writeFile(journalPath(dir), journal)
        const read = await readState(dir)
        return read.kind === 'ok' ? `${read.state.serial} ${read.state.resources[XGB]!.current!.status}` : read.kind
      }
      assert.equal(await statusAfter(line(5, 'Stopping') + line(6, 'Stopped')), '6 Stopped')
      assert.equal(await statusAfter(line(5, 'Stopping') + line(6, 'Stopped').slice(0, 40)), '5 Stopping')
      assert.equal(await statusAfter(line(5, 'Stopping') + '\0\0\0\0\n'), '5 Stopping')
      assert.equal(await statusAfter(line(3, 'Failed') + line(4, 'Failed') + line(5, 'Stopping')), '5 Stopping')
      assert.equal(await statusAfter(line(5, 'Failed', '00000000-0000-4000-8000-000000000000')), '4 Completed')
      assert.equal(await statusAfter('{"state":\n' + line(5, 'Stopping')), 'corrupt')
      const corrupt = await readState(dir)
      assert.match(corrupt.kind === 'corrupt' ? corrupt.message : '', /sageform\.state\.json\.journal is invalid: line 1 is not a state journal entry/)
      // A replayed state that breaks the format is refused as corrupt, never half-loaded.
      assert.equal(await statusAfter(JSON.stringify({ state: { format_version: 1, lineage: state.lineage, serial: 5 }, resources: { 'sagemaker_training_job.bad': { type: 'nope' } } }) + '\n' + line(6, 'Stopped')), 'corrupt')
    })

    it('a run finding a journal left by a crash folds it in with its first write, and backs up the replayed state', async () => {
      const state = bigState(1)
      const crashed = writer()
      await crashed.write(state)
      state.serial = 2
      state.resources[XGB]!.current!.status = 'Stopped'
      await crashed.write(state, [XGB])
      const replayed = structuredClone(state)
      // The next run reads the state (journal replayed), changes it and writes: the whole file, the journal removed.
      const next = writer()
      state.serial = 3
      state.resources['sagemaker_training_job.new'] = structuredClone(state.resources[XGB]!)
      await next.write(state, ['sagemaker_training_job.new'])
      assert.deepEqual(JSON.parse(await readFile(backupPath(dir), 'utf8')), replayed)
      assert.deepEqual(JSON.parse(await readFile(statePath(dir), 'utf8')), state)
      assert.deepEqual((await readdir(dir)).sort(), ['sageform.state.json', 'sageform.state.json.backup'])
    })

    it('after an append fails, writes the whole file next, so no line ever follows a torn one', async () => {
      const state = bigState(1)
      const { write } = writer()
      await write(state)
      // A directory where the journal goes makes the append fail.
      await mkdir(journalPath(dir))
      state.serial = 2
      state.resources[XGB]!.current!.status = 'Stopped'
      await assert.rejects(write(state, [XGB]), /EISDIR/)
      await rm(journalPath(dir), { recursive: true })
      state.serial = 3
      await write(state, [XGB])
      assert.deepEqual(JSON.parse(await readFile(statePath(dir), 'utf8')), state)
      assert.deepEqual(await readdir(dir), ['sageform.state.json'])
    })
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
