// The state lock: sageform.state.json.lock (or, with backend "s3", <key>.tflock), created exclusively, naming who holds
// it. Terraform's local backend holds an OS lock that dies with its process; a lock file does not, so a local lock
// whose holder provably died on this host (its pid is gone, or now belongs to a process that started later) is taken
// over with a warning. Any other holder (another host, the S3 lock) is reported, and only `sageform force-unlock <ID>`
// removes it.

import { randomUUID } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Diagnostic } from '../diagnostics/index.js'
import { errnoCode, statePath } from './store.js'

export interface LockInfo {
  id: string
  pid: number
  host: string
  /** ISO 8601. */
  time: string
  /** The command holding the lock, e.g. `apply`. */
  operation: string
  /**
   * When the holder process started (boot id and start time in clock ticks, from /proc), so a pid reused by another
   * process is not mistaken for the holder. Absent where /proc is not available, and in locks from older versions.
   */
  started?: string
}

export interface HeldLock {
  readonly info: LockInfo
  /** The warning to show when this lock was taken over from a holder that died. */
  readonly tookOver?: Diagnostic
  /** Removes the lock if it is still ours; a lock force-unlocked and since taken by another run is left alone. */
  release(): Promise<void>
  /**
   * The same, synchronously, for a process about to exit at once (a second Ctrl-C); false where that cannot be done
   * (the S3 lock needs a request).
   */
  releaseNow(): boolean
}

export type AcquireLockResult =
  | { ok: true; lock: HeldLock }
  | {
      ok: false
      /** held: another process has it (or one on another host, which cannot be checked). unreadable: no valid JSON. */
      reason: 'held' | 'unreadable'
      holder?: LockInfo
      diagnostic: Diagnostic
    }

export type ForceUnlockResult = { ok: true; removed: LockInfo } | { ok: false; diagnostic: Diagnostic }

export type ReadLockResult = LockInfo | 'missing' | 'unreadable'

/** Where a lock lives: a file, or an object in a bucket. */
export interface LockSlot {
  /** The lock's path or URL, for messages. */
  readonly where: string
  /**
   * Whether a holder on this host can be checked by pid. Not for a lock shared through S3: CI containers often share
   * a hostname, so a pid missing here says nothing about the holder's.
   */
  readonly checkPid: boolean
  /** Writes `text` only if there is no lock; false when one is there. */
  create(text: string): Promise<boolean>
  read(): Promise<ReadLockResult>
  /** Removes the lock only if it holds `id`; returns the lock it found. */
  removeIf(id: string): Promise<ReadLockResult>
  /** removeIf, synchronously, where the slot can do that. */
  removeIfNow?(id: string): void
}

const FIRST_RETRY_MS = 25
const MAX_RETRY_MS = 1000
const LOCK_SUMMARY = 'Error acquiring the state lock'

export function lockPath(dir: string): string {
  return `${statePath(dir)}.lock`
}

export interface LockOptions {
  operation: string
  timeoutMs: number
}

export function acquireLock(dir: string, options: LockOptions): Promise<AcquireLockResult> {
  return acquireLockIn(fileLockSlot(dir), options)
}

export async function acquireLockIn(slot: LockSlot, options: LockOptions): Promise<AcquireLockResult> {
  const info: LockInfo = {
    id: randomUUID(),
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    operation: options.operation,
    ...(slot.checkPid ? optional('started', processStart(process.pid)) : {}),
  }
  let tookOver: Diagnostic | undefined
  const deadline = Date.now() + options.timeoutMs
  let wait = FIRST_RETRY_MS
  for (;;) {
    if (await slot.create(JSON.stringify(info, null, 2) + '\n')) return { ok: true, lock: new SlotLock(slot, info, tookOver) }
    const holder = await slot.read()
    if (holder === 'missing') continue // released between our attempt and the read: try again at once
    // Our create succeeded but its reply was lost, and the retry found the lock it had made: it is ours.
    if (holder !== 'unreadable' && holder.id === info.id) return { ok: true, lock: new SlotLock(slot, info, tookOver) }
    if (holder !== 'unreadable' && slot.checkPid && holderIsGone(holder)) {
      // Removed only while it still holds the dead holder's ID: of two runs taking over at once, one creates the next
      // lock and the other then finds that live lock and waits for it.
      await slot.removeIf(holder.id)
      tookOver = takeoverWarning(holder, slot.where)
      continue
    }
    const remaining = deadline - Date.now()
    if (remaining <= 0) return lockFailure(holder === 'unreadable' ? 'unreadable' : 'held', slot.where, holder)
    await sleep(Math.min(wait, remaining))
    wait = Math.min(wait * 2, MAX_RETRY_MS)
  }
}

/** Removes the lock only when `id` is the one it holds, so a mistyped ID cannot break a running apply's lock. */
export function forceUnlock(dir: string, id: string): Promise<ForceUnlockResult> {
  return forceUnlockIn(fileLockSlot(dir), id)
}

export async function forceUnlockIn(slot: LockSlot, id: string): Promise<ForceUnlockResult> {
  const path = slot.where
  const holder = await slot.removeIf(id)
  if (holder === 'missing') {
    return { ok: false, diagnostic: { severity: 'error', summary: 'No state lock to unlock', detail: `${path} does not exist.` } }
  }
  if (holder === 'unreadable') return { ok: false, diagnostic: unreadableDiagnostic('Cannot force-unlock the state', path) }
  if (holder.id !== id) {
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        summary: 'Cannot force-unlock the state',
        detail: `The lock ID "${id}" does not match the lock's.\n\n${lockInfoText(holder, path)}`,
      },
    }
  }
  return { ok: true, removed: holder }
}

class SlotLock implements HeldLock {
  private released = false

  constructor(
    private readonly slot: LockSlot,
    readonly info: LockInfo,
    readonly tookOver?: Diagnostic,
  ) {}

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    await this.slot.removeIf(this.info.id)
  }

  releaseNow(): boolean {
    if (this.released) return true
    if (!this.slot.removeIfNow) return false
    this.released = true
    this.slot.removeIfNow(this.info.id)
    return true
  }
}

function fileLockSlot(dir: string): LockSlot {
  const path = lockPath(dir)
  return {
    where: path,
    checkPid: true,
    async create(text) {
      try {
        await writeFile(path, text, { flag: 'wx', mode: 0o600 })
        return true
      } catch (err) {
        if (errnoCode(err) !== 'EEXIST') throw err
        return false
      }
    },
    read: () => readLock(path),
    async removeIf(id) {
      const holder = await readLock(path)
      if (typeof holder === 'object' && holder.id === id) await rm(path, { force: true })
      return holder
    },
    removeIfNow(id) {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch {
        return
      }
      const holder = parseLock(text)
      if (typeof holder === 'object' && holder.id === id) rmSync(path, { force: true })
    },
  }
}

async function readLock(path: string): Promise<ReadLockResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'missing'
    throw err
  }
  return parseLock(text)
}

export function parseLock(text: string): ReadLockResult {
  // An empty file is also what a reader sees between another process's exclusive create and its write.
  try {
    const value: unknown = JSON.parse(text)
    return isLockInfo(value) ? value : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

function isLockInfo(v: unknown): v is LockInfo {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return (
    typeof o.id === 'string' &&
    Number.isInteger(o.pid) &&
    typeof o.host === 'string' &&
    typeof o.time === 'string' &&
    typeof o.operation === 'string' &&
    (o.started === undefined || typeof o.started === 'string')
  )
}

/**
 * Only provable on this host: a pid on another machine says nothing here. The holder is gone when its pid is not
 * running, or when the process with that pid started at another time than the one recorded (the pid was reused).
 */
function holderIsGone(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return false
  try {
    process.kill(holder.pid, 0)
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return errnoCode(err) === 'ESRCH'
  }
  if (holder.started === undefined) return false
  const now = processStart(holder.pid)
  return now !== undefined && now !== holder.started
}

/**
 * `<boot id>:<start time>` of a process, from Linux's /proc (field 22 of /proc/PID/stat, in clock ticks since boot;
 * the boot id tells a pid and start time from before a reboot apart). Undefined elsewhere or when the process is gone.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may itself hold spaces or parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = fields[19]
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined
    return `${bootId()}:${ticks}`
  } catch {
    return undefined
  }
}

let cachedBootId: string | undefined
function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    } catch {
      cachedBootId = ''
    }
  }
  return cachedBootId
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function takeoverWarning(holder: LockInfo, path: string): Diagnostic {
  return {
    severity: 'warning',
    summary: 'Took over a stale state lock',
    detail: `The process that held the lock (pid ${holder.pid} on ${holder.host}, ${holder.operation} since ${holder.time}) is no longer running, so its lock was removed and this run took the lock. Check that run's output: it may have ended before recording everything it did, and the next plan adopts any job it created.\n\n${lockInfoText(holder, path)}`,
  }
}

function lockFailure(reason: 'held' | 'unreadable', path: string, holder: LockInfo | 'unreadable'): AcquireLockResult {
  if (holder === 'unreadable') return { ok: false, reason, diagnostic: unreadableDiagnostic(LOCK_SUMMARY, path) }
  return {
    ok: false,
    reason,
    holder,
    diagnostic: {
      severity: 'error',
      summary: LOCK_SUMMARY,
      detail: `Another sageform process holds the lock. sageform locks the state so that two runs cannot write it at the same time.\n\n${lockInfoText(holder, path)}`,
      hint: `Wait for that run to finish or raise --lock-timeout. If you are sure it is not running, remove the lock with: sageform force-unlock ${holder.id}`,
    },
  }
}

function lockInfoText(holder: LockInfo, path: string): string {
  return [
    'Lock Info:',
    `  ID:        ${holder.id}`,
    `  Path:      ${path}`,
    `  Operation: ${holder.operation}`,
    `  Who:       pid ${holder.pid} on ${holder.host}`,
    `  Created:   ${holder.time}${age(holder.time)}`,
  ].join('\n')
}

/** How long ago a lock was taken: on another host its process cannot be checked, so the age is what tells a stale lock. */
function age(time: string, now = Date.now()): string {
  const ms = now - Date.parse(time)
  if (!Number.isFinite(ms) || ms < 0) return ''
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return ' (less than a minute ago)'
  if (minutes < 120) return ` (${minutes} minute${minutes === 1 ? '' : 's'} ago)`
  const hours = Math.floor(minutes / 60)
  return hours < 48 ? ` (${hours} hours ago)` : ` (${Math.floor(hours / 24)} days ago)`
}

function unreadableDiagnostic(summary: string, path: string): Diagnostic {
  return {
    severity: 'error',
    summary,
    detail: `${path} exists but does not hold a readable lock, so it is not known who holds it.`,
    hint: `If no other sageform command is running, delete ${path}.`,
  }
}
