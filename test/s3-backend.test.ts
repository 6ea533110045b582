// The `backend "s3"` state over HTTP: the real SDK v3 S3 client, and nock playing a bucket that honours If-Match and
// If-None-Match as S3 does. Faults are injected per request (a lost reply, a 409, another writer getting in first), and
// every request is recorded, so each test pins what was sent and in which order.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import { createS3Store } from '../src/sagemaker/s3.js'
import { objectStoreBackend, type StateBackend } from '../src/state/backend.js'
import type { LockInfo } from '../src/state/lock.js'
import { newState, StateWriteRefused } from '../src/state/store.js'
import type { State } from '../src/model/state.js'
import { AwsJsonDouble, dummyAwsEnv, isolateAwsEnvPerTest, nockOnly } from './helpers/aws.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

const BUCKET = 'acme-ml-state'
const KEY = 'churn/sageform.state.json'
const LOCK = `${KEY}.tflock`
const HOST = `https://${BUCKET}.s3.eu-west-1.amazonaws.com`

type Fault =
  /** The request is carried out, then the connection drops before the reply: the SDK retries it. */
  | 'lose-reply'
  /** Another client writes `bytes` to the key just before this request is served. */
  | { writeFirst: string }
  /** S3 answers with this error instead. */
  | { status: number; code: string }

/** A bucket over nock: GET, PUT and DELETE of objects, with S3's conditional headers, ETags and error bodies. */
class FakeS3 {
  readonly objects = new Map<string, { body: string; etag: string }>()
  /** `METHOD key status`, in order; a lost reply shows as status 0. */
  readonly calls: string[] = []
  private readonly faults: Array<{ method: string; key: string; fault: Fault }> = []

  constructor(origin: string, pathPrefix = '') {
    const keyOf = (uri: string) => decodeURIComponent(new URL(uri, origin).pathname.slice(pathPrefix.length + 1))
    // nock hands reply functions a JSON body parsed; the bytes as sent come with its 'request' event, emitted just
    // before the reply function is called for the same request.
    let request = { headers: {} as Record<string, string | string[] | undefined>, body: '' }
    const scope = nock(origin)
      .persist()
      .on('request', (req: { headers: Record<string, string | string[] | undefined> }, _interceptor: unknown, body: string) => (request = { headers: req.headers, body }))
    for (const method of ['get', 'put', 'delete'] as const) {
      scope[method](/.*/).reply((uri, _body, callback) => {
        const key = keyOf(uri)
        const [status, reply] = this.serve(method.toUpperCase(), key, request.headers, request.body)
        const fault = this.takeFault(method.toUpperCase(), key)
        this.calls.push(`${method.toUpperCase()} ${key} ${fault === 'lose-reply' ? 0 : status}`)
        if (fault === 'lose-reply') callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), [0, ''])
        else callback(null, [status, reply.body, reply.headers])
      })
    }
  }

  put(key: string, body: string): void {
    this.objects.set(key, { body, etag: `"${createHash('md5').update(body).digest('hex')}"` })
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.body
  }

  json<T>(key: string): T {
    return JSON.parse(this.text(key)!) as T
  }

  fail(method: string, key: string, fault: Fault): this {
    this.faults.push({ method, key, fault })
    return this
  }

  private takeFault(method: string, key: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.method === method && f.key === key)
    return i === -1 ? undefined : this.faults.splice(i, 1)[0]!.fault
  }

  private serve(method: string, key: string, headers: Record<string, string | string[] | undefined>, body: string): [number, { body: string; headers: Record<string, string> }] {
    const pending = this.faults.find((f) => f.method === method && f.key === key)?.fault
    if (pending && typeof pending === 'object' && 'writeFirst' in pending) this.put(key, pending.writeFirst)
    if (pending && typeof pending === 'object' && 'status' in pending) return s3Error(pending.status, pending.code)
    const existing = this.objects.get(key)
    if (method === 'GET') return existing ? [200, { body: existing.body, headers: { etag: existing.etag, 'content-type': 'application/json' } }] : s3Error(404, 'NoSuchKey')
    const ifMatch = headers['if-match']
    if (headers['if-none-match'] === '*' && existing) return s3Error(412, 'PreconditionFailed')
    if (ifMatch !== undefined && ifMatch !== existing?.etag) return existing ? s3Error(412, 'PreconditionFailed') : s3Error(404, 'NoSuchKey')
    if (method === 'DELETE') {
      this.objects.delete(key)
      return [204, { body: '', headers: {} }]
    }
    this.put(key, body)
    return [200, { body: '', headers: { etag: this.objects.get(key)!.etag } }]
  }
}

function s3Error(status: number, code: string): [number, { body: string; headers: Record<string, string> }] {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>TEST</RequestId></Error>`
  return [status, { body, headers: { 'content-type': 'application/xml' } }]
}

const serialized = (state: State) => JSON.stringify(state, null, 2) + '\n'

function sampleState(serial: number, lineage = 'lineage-1'): State {
  return {
    format_version: 1,
    lineage,
    serial,
    resources: {
      'sagemaker_training_job.churn': {
        type: 'sagemaker_training_job',
        current: { name: 'churn-1a2b3c4d', arn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/churn-1a2b3c4d', spec_hash: 'h', status: 'Completed', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T01:00:00.000Z', generation: 1 },
        history: [],
      },
    },
  }
}

/** A lock another CI runner took `hoursAgo` hours ago: its process cannot be checked from here. */
function foreignLock(hoursAgo: number): LockInfo {
  return { id: 'c0ffee00-0000-4000-8000-000000000001', pid: 4242, host: 'ci-runner-7', time: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), operation: 'apply' }
}

describe('backend "s3" (real SDK client, nock)', function () {
  let s3: FakeS3
  let backend: StateBackend

  isolateAwsEnvPerTest(() => dummyAwsEnv())
  // Before nockOnly's check: the bucket's interceptors persist, and need not all be used.
  afterEach(() => nock.cleanAll())
  nockOnly()
  beforeEach(() => {
    s3 = new FakeS3(HOST)
    backend = objectStoreBackend(createS3Store({ bucket: BUCKET, region: 'eu-west-1' }), KEY)
  })

  describe('state', () => {
    it('round-trips: the first write creates the object, later ones replace the version read and keep a backup', async () => {
      assert.deepEqual(await backend.read(), { kind: 'missing' })
      await backend.write(sampleState(1))
      assert.deepEqual(await backend.read(), { kind: 'ok', state: sampleState(1) })
      await backend.write(sampleState(2))
      assert.deepEqual(await backend.read(), { kind: 'ok', state: sampleState(2) })
      assert.equal(s3.text(`${KEY}.backup`), serialized(sampleState(1)))
      assert.deepEqual(s3.calls, [
        `GET ${KEY} 404`,
        `GET ${KEY} 404`,
        `PUT ${KEY} 200`,
        `GET ${KEY} 200`,
        `GET ${KEY} 200`,
        `PUT ${KEY}.backup 200`,
        `PUT ${KEY} 200`,
        `GET ${KEY} 200`,
      ])
      assert.equal(backend.location, `s3://${BUCKET}/${KEY}`)
    })

    it('after its own write, a write is one conditional PUT: no read, no backup of this run\'s own version', async () => {
      s3.put(KEY, serialized(sampleState(1)))
      assert.equal((await backend.read()).kind, 'ok')
      for (const serial of [2, 3, 4]) await backend.write(sampleState(serial))
      assert.equal(s3.text(KEY), serialized(sampleState(4)))
      assert.equal(s3.text(`${KEY}.backup`), serialized(sampleState(1)), 'the backup is the version the run started from')
      assert.deepEqual(s3.calls, [`GET ${KEY} 200`, `GET ${KEY} 200`, `PUT ${KEY}.backup 200`, `PUT ${KEY} 200`, `PUT ${KEY} 200`, `PUT ${KEY} 200`])
      // Another run's write in between still fails the condition, and is kept.
      const theirs = serialized({ ...sampleState(9), resources: {} })
      s3.put(KEY, theirs)
      await assert.rejects(backend.write(sampleState(5)), /another run changed it after this run last read or wrote it/)
      assert.equal(s3.text(KEY), theirs)
    })

    it('refuses a write of another lineage or a lower serial, leaving the object alone', async () => {
      s3.put(KEY, serialized(sampleState(5)))
      await assert.rejects(backend.write(sampleState(6, 'another-lineage')), (err: Error) => err instanceof StateWriteRefused && /belongs to lineage lineage-1/.test(err.message))
      await assert.rejects(backend.write(sampleState(4)), /serial 5 is newer than 4/)
      assert.equal(s3.text(KEY), serialized(sampleState(5)))
      assert.ok(s3.calls.every((c) => c.startsWith('GET')), s3.calls.join('\n'))
    })

    it('reports corrupt or newer-format remote state, and never overwrites it', async () => {
      s3.put(KEY, '{"format_version": 1, "lineage": "x", ')
      const read = await backend.read()
      assert.equal(read.kind, 'corrupt')
      assert.match((read as { message: string }).message, new RegExp(`s3://${BUCKET}/${KEY} is not valid JSON`))
      await assert.rejects(backend.write(sampleState(1)), StateWriteRefused)
      s3.put(KEY, JSON.stringify({ format_version: 7, lineage: 'x', serial: 1, resources: {} }))
      assert.deepEqual(await backend.read(), { kind: 'too-new', version: 7 })
      await assert.rejects(backend.write(sampleState(9)), /format version 7, written by a newer sageform/)
      assert.ok(s3.calls.every((c) => c.startsWith('GET')), s3.calls.join('\n'))
    })

    it('a lost reply to the state PUT is recognised as our own write: no error, nothing lost', async () => {
      s3.put(KEY, serialized(sampleState(1)))
      s3.fail('PUT', KEY, 'lose-reply')
      await backend.write(sampleState(2))
      assert.equal(s3.text(KEY), serialized(sampleState(2)))
      // The SDK's retry carries the old If-Match, which our own write has just made stale.
      assert.deepEqual(s3.calls, [`GET ${KEY} 200`, `PUT ${KEY}.backup 200`, `PUT ${KEY} 0`, `PUT ${KEY} 412`, `GET ${KEY} 200`])
    })

    it('a write by another run between our read and our PUT is refused, and theirs is kept', async () => {
      s3.put(KEY, serialized(sampleState(1)))
      const theirs = serialized({ ...sampleState(2), resources: {} })
      s3.fail('PUT', KEY, { writeFirst: theirs })
      await assert.rejects(backend.write(sampleState(2)), /another run changed it after this run last read or wrote it/)
      assert.equal(s3.text(KEY), theirs)
    })

    it('a state another run wrote with the same serial after this run read it is refused: writes are conditional on our own ETag', async () => {
      s3.put(KEY, serialized(sampleState(19)))
      assert.deepEqual(await backend.read(), { kind: 'ok', state: sampleState(19) })
      // Another runner (a force-unlocked lock, a bypassed one) writes serial 20 in between.
      const theirs = serialized({ ...sampleState(20), resources: {} })
      s3.put(KEY, theirs)
      await assert.rejects(backend.write(sampleState(20)), (err: Error) => err instanceof StateWriteRefused && /another run changed it after this run last read or wrote it/.test(err.message))
      assert.equal(s3.text(KEY), theirs, 'their state is kept')
      assert.ok(!s3.calls.some((c) => c.startsWith('PUT')), s3.calls.join('\n'))
    })

    it('after its own write, the next write is conditional on the ETag that write returned', async () => {
      assert.deepEqual(await backend.read(), { kind: 'missing' })
      await backend.write(sampleState(1))
      await backend.write(sampleState(2))
      s3.put(KEY, serialized(sampleState(3)))
      await assert.rejects(backend.write(sampleState(4)), StateWriteRefused)
      assert.equal(s3.json<State>(KEY).serial, 3)
    })

    it('the first write of a state is conditional on there being none', async () => {
      s3.fail('PUT', KEY, { writeFirst: serialized(sampleState(3, 'their-lineage')) })
      await assert.rejects(backend.write(newState()), StateWriteRefused)
      assert.equal(s3.json<State>(KEY).lineage, 'their-lineage')
    })
  })

  describe('lock', () => {
    it('takes the lock with If-None-Match: *, and a second run gets the holder, the age and a force-unlock hint', async () => {
      const first = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(first.ok)
      assert.deepEqual(s3.json(LOCK), first.lock.info)
      const second = await backend.lock({ operation: 'plan', timeoutMs: 0 })
      assert.ok(!second.ok)
      assert.equal(second.reason, 'held')
      assert.deepEqual(second.holder, first.lock.info)
      assert.match(second.diagnostic.detail!, new RegExp(`Path: +s3://${BUCKET}/${LOCK}`))
      assert.match(second.diagnostic.detail!, /Created: .*\(less than a minute ago\)/)
      assert.match(second.diagnostic.hint!, new RegExp(`sageform force-unlock ${first.lock.info.id}`))
      await first.lock.release()
      assert.equal(s3.text(LOCK), undefined)
      assert.deepEqual(s3.calls, [`PUT ${LOCK} 200`, `PUT ${LOCK} 412`, `GET ${LOCK} 200`, `GET ${LOCK} 200`, `DELETE ${LOCK} 204`])
    })

    it('waits out contention within --lock-timeout, then takes the lock once the holder releases it', async () => {
      const first = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(first.ok)
      setTimeout(() => void first.lock.release(), 400)
      const second = await backend.lock({ operation: 'apply', timeoutMs: 10_000 })
      assert.ok(second.ok, JSON.stringify(second))
      assert.equal(s3.json<LockInfo>(LOCK).id, second.lock.info.id)
      assert.ok(s3.calls.filter((c) => c === `PUT ${LOCK} 412`).length >= 2, s3.calls.join('\n'))
      await second.lock.release()
    })

    it('a lost reply to the lock PUT: the retry gets 412, and the lock read back is ours', async () => {
      s3.fail('PUT', LOCK, 'lose-reply')
      const acquired = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(acquired.ok, JSON.stringify(acquired))
      assert.deepEqual(s3.calls, [`PUT ${LOCK} 0`, `PUT ${LOCK} 412`, `GET ${LOCK} 200`])
      await acquired.lock.release()
      assert.equal(s3.text(LOCK), undefined)
    })

    it('a 409 ConditionalRequestConflict is tried again', async () => {
      s3.fail('PUT', LOCK, { status: 409, code: 'ConditionalRequestConflict' })
      const acquired = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(acquired.ok, JSON.stringify(acquired))
      assert.deepEqual(s3.calls, [`PUT ${LOCK} 409`, `GET ${LOCK} 404`, `PUT ${LOCK} 200`])
      await acquired.lock.release()
    })

    it('a stale lock from another host is reported with its age, never taken over; force-unlock needs its ID', async () => {
      const stale = foreignLock(3)
      s3.put(LOCK, JSON.stringify(stale))
      const blocked = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(!blocked.ok)
      assert.equal(blocked.reason, 'held')
      assert.match(blocked.diagnostic.detail!, /Who: +pid 4242 on ci-runner-7\n {2}Created: .*\(3 hours ago\)/)

      const wrong = await backend.forceUnlock('not-the-id')
      assert.ok(!wrong.ok)
      assert.match(wrong.diagnostic.detail!, /does not match/)
      assert.deepEqual(s3.json(LOCK), stale)

      s3.calls.length = 0
      assert.deepEqual(await backend.forceUnlock(stale.id), { ok: true, removed: stale })
      assert.equal(s3.text(LOCK), undefined)
      assert.deepEqual(s3.calls, [`GET ${LOCK} 200`, `DELETE ${LOCK} 204`])
      const next = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(next.ok)
      await next.lock.release()
    })

    it('never calls a shared lock stale by pid: a CI container elsewhere may have this hostname', async () => {
      const exited = spawnSync(process.execPath, ['-e', ''])
      s3.put(LOCK, JSON.stringify({ ...foreignLock(1), host: hostname(), pid: exited.pid }))
      const blocked = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(!blocked.ok)
      assert.equal(blocked.reason, 'held')
      assert.match(blocked.diagnostic.detail!, /\(60 minutes ago\)/)
    })

    it('release leaves alone a lock that was force-unlocked and taken by another run', async () => {
      const ours = await backend.lock({ operation: 'apply', timeoutMs: 0 })
      assert.ok(ours.ok)
      assert.ok((await backend.forceUnlock(ours.lock.info.id)).ok)
      const theirs = foreignLock(0)
      s3.put(LOCK, JSON.stringify(theirs))
      await ours.lock.release()
      assert.deepEqual(s3.json(LOCK), theirs)
    })

    it('force-unlock deletes only the version it read: a lock replaced in between is looked at again', async () => {
      const stale = foreignLock(5)
      s3.put(LOCK, JSON.stringify(stale))
      const replacement = { ...foreignLock(0), id: 'another-run' }
      s3.fail('DELETE', LOCK, { writeFirst: JSON.stringify(replacement) })
      const result = await backend.forceUnlock(stale.id)
      assert.ok(!result.ok)
      assert.deepEqual(s3.json(LOCK), replacement)
      assert.deepEqual(s3.calls, [`GET ${LOCK} 200`, `DELETE ${LOCK} 412`, `GET ${LOCK} 200`])
    })
  })
})

describe('commands with a backend "s3" block (services in process, nock)', function () {
  const ENDPOINT = 'http://s3.test:9000'
  const SAGEMAKER = 'https://api.sagemaker.eu-west-1.amazonaws.com'
  const main = `
backend "s3" {
  bucket         = "${BUCKET}"
  key            = "${KEY}"
  region         = "eu-west-1"
  endpoint       = "${ENDPOINT}"
  use_path_style = true
}

resource "sagemaker_training_job" "churn" {
  name_prefix = "churn"
${TRAINING_BODY}
}
`
  let s3: FakeS3

  isolateAwsEnvPerTest(() => ({ ...dummyAwsEnv(), AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SAGEMAKER: SAGEMAKER }))
  afterEach(() => nock.cleanAll())
  nockOnly()
  beforeEach(() => {
    s3 = new FakeS3(ENDPOINT, `/${BUCKET}`)
  })

  // Loaded as the CLI loads them (see commands-nock.test.ts): one ESM copy of src/ for the services and the SDK client.
  const services = async () => ({
    ...(await import('../src/services/state-list.js')),
    ...(await import('../src/services/state-rm.js')),
    ...(await import('../src/services/force-unlock.js')),
    ...(await import('../src/services/apply.js')),
  })

  it('apply locks, writes every step of the state to the bucket, and unlocks; nothing is written locally', async () => {
    const dir = configDir({ 'main.hcl': main })
    const sm = new AwsJsonDouble(SAGEMAKER, 'SageMaker').on('CreateTrainingJob', (body) => [200, { TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${body.TrainingJobName as string}` }])
    const { prepareApply, executeApply } = await services()
    const { prepared, diagnostics } = await prepareApply({ dir, variables: [], env: {}, refresh: true, replace: [], parallelism: 4, lockTimeoutMs: 0 })
    assert.ok(prepared, JSON.stringify(diagnostics))
    assert.equal(s3.json<LockInfo>(LOCK).operation, 'apply')
    const payload = await executeApply(prepared)
    assert.deepEqual(payload.diagnostics, [])
    assert.equal(payload.summary.created, 1)
    const state = s3.json<State>(KEY)
    assert.equal(state.resources['sagemaker_training_job.churn']!.current!.name, sm.bodies('CreateTrainingJob')[0]!.TrainingJobName)
    assert.equal(s3.text(LOCK), undefined)
    // The lock, the new state's first write (If-None-Match), one conditional PUT per group write of steps (no backup:
    // the object is this run's own version), and the unlock.
    assert.deepEqual(s3.calls.filter((c) => c.startsWith('PUT') || c.startsWith('DELETE')), [`PUT ${LOCK} 200`, `PUT ${KEY} 200`, `PUT ${KEY} 200`, `DELETE ${LOCK} 204`])
    assert.deepEqual(readdirSync(dir), ['main.hcl'])
  })

  it('state list reads the state from the bucket, path-style on the configured endpoint', async () => {
    const dir = configDir({ 'main.hcl': main })
    s3.put(KEY, serialized(sampleState(4)))
    const { stateList } = await services()
    const result = await stateList({ dir, filters: [] })
    assert.deepEqual(result.diagnostics, [])
    assert.deepEqual(result.resources.map((r) => r.address), ['sagemaker_training_job.churn'])
    assert.deepEqual(s3.calls, [`GET ${KEY} 200`])
    assert.ok(!existsSync(join(dir, 'sageform.state.json')), 'no local state file')
  })

  it('state rm takes the lock object, writes the bucket with a backup, and releases the lock', async () => {
    const dir = configDir({ 'main.hcl': main })
    s3.put(KEY, serialized(sampleState(4)))
    const { stateRm } = await services()
    const result = await stateRm({ dir, addresses: ['sagemaker_training_job.churn'], lockTimeoutMs: 0, dryRun: false })
    assert.deepEqual(result.diagnostics, [])
    assert.equal(result.serial, 5)
    assert.equal(result.backup, `s3://${BUCKET}/${KEY}.backup`)
    assert.deepEqual(s3.json<State>(KEY).resources, {})
    assert.deepEqual(s3.calls, [`PUT ${LOCK} 200`, `GET ${KEY} 200`, `GET ${KEY} 200`, `PUT ${KEY}.backup 200`, `PUT ${KEY} 200`, `GET ${LOCK} 200`, `DELETE ${LOCK} 204`])
    assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'no local lock file')
  })

  it('state rm and force-unlock while another runner holds the lock', async () => {
    const dir = configDir({ 'main.hcl': main })
    s3.put(KEY, serialized(sampleState(4)))
    const holder = foreignLock(26)
    s3.put(LOCK, JSON.stringify(holder))
    const { stateRm, forceUnlock } = await services()
    const blocked = await stateRm({ dir, addresses: ['sagemaker_training_job.churn'], lockTimeoutMs: 0, dryRun: false })
    assert.equal(blocked.diagnostics[0]!.summary, 'Error acquiring the state lock')
    assert.match(blocked.diagnostics[0]!.detail!, /\(26 hours ago\)/)
    assert.equal(s3.json<State>(KEY).serial, 4)
    const unlocked = await forceUnlock({ dir, id: holder.id })
    assert.deepEqual(unlocked.lock, holder)
    assert.equal(s3.text(LOCK), undefined)
  })

  it('an invalid backend block stops the command before any request', async () => {
    const dir = configDir({ 'main.hcl': main.replace(`"${BUCKET}"`, 'var.bucket') })
    const { stateList } = await services()
    const result = await stateList({ dir, filters: [] })
    assert.deepEqual(result.diagnostics.map((d) => d.detail), ['"bucket" must be a literal string.'])
    assert.match(result.diagnostics[0]!.hint!, /before variables and references are evaluated/)
    assert.deepEqual(s3.calls, [])
  })

  it('a bucket that refuses access is one error naming the object, not a crash', async () => {
    const dir = configDir({ 'main.hcl': main })
    s3.fail('GET', KEY, { status: 403, code: 'AccessDenied' })
    const { stateList } = await services()
    const result = await stateList({ dir, filters: [] })
    assert.deepEqual(result.diagnostics.map((d) => [d.summary, d.detail]), [['The state cannot be read', `s3://${BUCKET}/${KEY}: AccessDenied (HTTP 403): AccessDenied`]])
  })

  it('a manifest that does not parse may hold the backend block: state rm reports it and touches nothing', async () => {
    const dir = configDir({ 'main.hcl': main.slice(main.indexOf('resource')), 'backend.hcl': 'backend "s3" {\n  bucket = \n}\n' })
    const { stateRm } = await services()
    const result = await stateRm({ dir, addresses: ['sagemaker_training_job.churn'], lockTimeoutMs: 0, dryRun: false })
    assert.ok(result.diagnostics.length > 0 && result.diagnostics.every((d) => d.severity === 'error' && d.range?.file.endsWith('backend.hcl')), JSON.stringify(result.diagnostics))
    assert.deepEqual(s3.calls, [])
    assert.deepEqual(readdirSync(dir).sort(), ['backend.hcl', 'main.hcl'])
  })

  it('a lock the bucket refuses, or a missing region, is one error and nothing is written', async () => {
    const dir = configDir({ 'main.hcl': main })
    s3.put(KEY, serialized(sampleState(4)))
    s3.fail('PUT', LOCK, { status: 403, code: 'AccessDenied' })
    const { stateRm } = await services()
    const options = { dir, addresses: ['sagemaker_training_job.churn'], lockTimeoutMs: 0, dryRun: false }
    const denied = await stateRm(options)
    assert.deepEqual(denied.diagnostics.map((d) => [d.summary, d.detail]), [['Error acquiring the state lock', `s3://${BUCKET}/${LOCK}: AccessDenied (HTTP 403): AccessDenied`]])

    delete process.env.AWS_REGION
    const noRegion = await stateRm({ ...options, dir: configDir({ 'main.hcl': main.replace('region         = "eu-west-1"', '') }) })
    assert.match(noRegion.diagnostics[0]!.detail!, /No AWS region for the S3 state backend: set region in the backend "s3" block, or AWS_REGION/)
    assert.equal(s3.json<State>(KEY).serial, 4)
    assert.deepEqual(s3.calls, [`PUT ${LOCK} 403`])
  })

  it('keeps the local file when there is no backend block', async () => {
    const dir = configDir({ 'main.hcl': main.slice(main.indexOf('resource')) })
    const { stateList } = await services()
    const result = await stateList({ dir, filters: [] })
    assert.deepEqual(result, { ...result, resources: [], diagnostics: [] })
    assert.deepEqual(s3.calls, [])
  })
})
