// Where the state lives: the local file beside the manifests (the default), or an object in S3 shared by a team
// (`backend "s3"`). Both keep the same promises: a read reports problems as values, a write refuses to replace what it
// could not read or what another run wrote, and the lock lets one run at a time write.

import type { ObjectStore } from '../util/object-store.js'
import {
  acquireLock,
  acquireLockIn,
  forceUnlock,
  forceUnlockIn,
  parseLock,
  type AcquireLockResult,
  type ForceUnlockResult,
  type LockOptions,
  type LockSlot,
} from './lock.js'
import {
  backupPath,
  parseState,
  readState,
  refuseUnsafeReplace,
  stateFileWriter,
  stateImage,
  statePath,
  StateWriteRefused,
  type ReadStateResult,
  type StateImage,
} from './store.js'
import type { State } from '../model/state.js'

function imageOf(state: State | StateImage): StateImage {
  return 'bytes' in state ? state : stateImage(state)
}

export interface StateBackend {
  /** The state's path or URL, for messages. */
  readonly location: string
  /** Where `write` keeps the version it replaced. */
  readonly backupLocation: string
  read(): Promise<ReadStateResult>
  /**
   * Writes `state` as given (or as already serialised); throws StateWriteRefused, leaving the stored state alone, when
   * that could lose data. The first write of a backend keeps the version it replaces as the backup; later writes, which
   * replace what this backend wrote itself, do not.
   */
  write(state: State | StateImage): Promise<void>
  /**
   * Makes the stored state whole after a run's last write: the local backend then folds its journal into the file.
   * Nothing is lost if this fails: every read replays the journal.
   */
  checkpoint(): Promise<void>
  lock(options: LockOptions): Promise<AcquireLockResult>
  /** Removes the lock only if `id` is the one it holds. */
  forceUnlock(id: string): Promise<ForceUnlockResult>
}

export function localBackend(dir: string): StateBackend {
  const write = stateFileWriter(dir)
  return {
    location: statePath(dir),
    backupLocation: backupPath(dir),
    read: () => readState(dir),
    write: (state) => write.write(imageOf(state)),
    // A failure leaves the journal, which every read replays, and the next write folds in.
    checkpoint: () => write.checkpoint().catch(() => undefined),
    lock: (options) => acquireLock(dir, options),
    forceUnlock: (id) => forceUnlock(dir, id),
  }
}

/** The lock object beside the state, named as Terraform's S3 backend names it with use_lockfile. */
const LOCK_SUFFIX = '.tflock'
const BACKUP_SUFFIX = '.backup'

/** How often a state write is tried again when S3 answers 409 (another conditional request on the key was in flight). */
const CONFLICT_ATTEMPTS = 3

/**
 * The state at `key` of an object store. Every write is conditional on the version this run last read or wrote (its
 * own ETag: If-Match, or If-None-Match: * when it saw none), so a write by anyone else since is refused, whatever
 * serial it carries, instead of overwritten.
 *
 * Requests per write: the first write of a backend reads the object (to check it and keep it as the backup) and puts
 * the backup and the state, 3 requests; every later write is 1 conditional PUT, since its condition alone proves the
 * object is still the one this run wrote.
 */
export function objectStoreBackend(store: ObjectStore, key: string): StateBackend {
  const location = store.describe(key)
  const backupKey = key + BACKUP_SUFFIX
  const lockSlot = objectLockSlot(store, key + LOCK_SUFFIX)
  const parse = (bytes: Buffer) => parseState(bytes.toString('utf8'), location)
  /** The version this run last read or wrote: an ETag, or 'missing'; undefined until it has read the state. */
  let known: string | undefined
  /** Whether `known` is a version this run wrote itself (and so needs neither checking nor a backup). */
  let ownVersion = false
  const refused = () => new StateWriteRefused(`Refusing to replace ${location}: another run changed it after this run last read or wrote it, so this write was not made.`)
  return {
    location,
    backupLocation: store.describe(backupKey),
    async read() {
      const stored = await store.get(key)
      known = stored.found ? stored.etag : 'missing'
      ownVersion = false
      return stored.found ? parse(stored.bytes) : { kind: 'missing' }
    },
    async write(state) {
      const image = imageOf(state)
      const bytes = image.bytes
      for (let attempt = 1; ; attempt++) {
        if (!(ownVersion && attempt === 1)) {
          const current = await store.get(key)
          refuseUnsafeReplace(current.found ? parse(current.bytes) : { kind: 'missing' }, image, location)
          const seen = current.found ? current.etag : 'missing'
          if (known !== undefined && seen !== known) throw refused()
          // Unconditional: the backup is a convenience copy, and bucket versioning keeps the real history.
          if (current.found) await store.put(backupKey, current.bytes)
          known ??= seen
        }
        const expected = known!
        const put = await store.put(key, bytes, expected === 'missing' ? { ifNoneMatch: '*' } : { ifMatch: expected })
        if (put.ok) {
          known = put.etag ?? (await writtenVersion(bytes))
          ownVersion = true
          return
        }
        // The SDK retries a request whose reply was lost; if the first try landed, the retry fails its condition
        // against our own write. The stored bytes tell that apart from another run's write.
        const after = await store.get(key)
        if (after.found && after.bytes.equals(bytes)) {
          known = after.etag
          ownVersion = true
          return
        }
        if (put.reason === 'conflict' && attempt < CONFLICT_ATTEMPTS) continue
        throw refused()
      }
    },
    // Every write to an object store is whole (it cannot append): nothing to fold in.
    checkpoint: async () => undefined,
    lock: (options) => acquireLockIn(lockSlot, options),
    forceUnlock: (id) => forceUnlockIn(lockSlot, id),
  }

  /** A store that returns no ETag on PUT: the version just written, read back. If another run wrote already, no later write of this run can match. */
  async function writtenVersion(bytes: Buffer): Promise<string> {
    const after = await store.get(key)
    return after.found && after.bytes.equals(bytes) ? after.etag : '(replaced by another run)'
  }
}

/** A lock object created with If-None-Match: *, which S3 lets exactly one of several concurrent writers create. */
function objectLockSlot(store: ObjectStore, key: string): LockSlot {
  const read = async () => {
    const stored = await store.get(key)
    return stored.found ? { holder: parseLock(stored.bytes.toString('utf8')), etag: stored.etag } : { holder: 'missing' as const }
  }
  const slot: LockSlot = {
    where: store.describe(key),
    checkPid: false,
    // A 409 (a concurrent create still in flight) counts as taken: the caller then reads who holds it, or retries.
    create: async (text) => (await store.put(key, Buffer.from(text), { ifNoneMatch: '*' })).ok,
    read: async () => (await read()).holder,
    async removeIf(id) {
      const found = await read()
      if (typeof found.holder !== 'object' || found.holder.id !== id) return found.holder
      // Conditional on the version just read, so a lock taken over in between is not deleted; then look again.
      const deleted = await store.delete(key, { ifMatch: found.etag! })
      return deleted.ok ? found.holder : slot.removeIf(id)
    },
  }
  return slot
}
