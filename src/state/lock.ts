// The state lock: sageform.state.json.lock (or, with backend "s3", <key>.tflock), created exclusively, naming who holds
// it. Like Terraform's, a lock whose holder has gone is reported, never taken over silently: only
// `sageform force-unlock <ID>` removes someone else's lock.

import { randomUUID } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Diagnostic } from '../diagnostics/index.js'
import { sumOfUnits } from '../util/duration.js'
import { errnoCode, statePath } from './store.js'

export interface LockInfo {
  id: string
  pid: number
  host: string
  /** ISO 8601. */
  time: string
  /** The command holding the lock, e.g. `apply`. */
  operation: string
}

export interface HeldLock {
  readonly info: LockInfo
  /** Removes the lock if it is still ours; a lock force-unlocked and since taken by another run is left alone. */
  release(): Promise<void>
}

export type AcquireLockResult =
  | { ok: true; lock: HeldLock }
  | {
      ok: false
      /** held: another live process has it. stale: its process on this host has exited. unreadable: no valid JSON. */
      reason: 'held' | 'stale' | 'unreadable'
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
  }
  const deadline = Date.now() + options.timeoutMs
  let wait = FIRST_RETRY_MS
  for (;;) {
    if (await slot.create(JSON.stringify(info, null, 2) + '\n')) return { ok: true, lock: new SlotLock(slot, info) }
    const holder = await slot.read()
    if (holder === 'missing') continue // released between our attempt and the read: try again at once
    // Our create succeeded but its reply was lost, and the retry found the lock it had made: it is ours.
    if (holder !== 'unreadable' && holder.id === info.id) return { ok: true, lock: new SlotLock(slot, info) }
    if (holder !== 'unreadable' && slot.checkPid && holderIsGone(holder)) return lockFailure('stale', slot.where, holder)
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

/** `--lock-timeout` values: Go-style durations such as `0s`, `500ms`, `30s`, `5m`, `1h`, `1m30s`. */
export function parseDuration(text: string): number | undefined {
  return text === '0' ? 0 : sumOfUnits(text, { ms: 1, s: 1000, m: 60_000, h: 3_600_000 })
}

class SlotLock implements HeldLock {
  private released = false

  constructor(
    private readonly slot: LockSlot,
    readonly info: LockInfo,
  ) {}

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    await this.slot.removeIf(this.info.id)
  }
}

function fileLockSlot(dir: string): LockSlot {
  const path = lockPath(dir)
  return {
    where: path,
    checkPid: true,
    async create(text) {
      try {
        await writeFile(path, text, { flag: 'wx' })
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
    typeof o.operation === 'string'
  )
}

/** Only provable on this host: a pid on another machine says nothing here. */
function holderIsGone(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return false
  try {
    process.kill(holder.pid, 0)
    return false
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return errnoCode(err) === 'ESRCH'
  }
}

function lockFailure(reason: 'held' | 'stale' | 'unreadable', path: string, holder: LockInfo | 'unreadable'): AcquireLockResult {
  if (holder === 'unreadable') return { ok: false, reason, diagnostic: unreadableDiagnostic(LOCK_SUMMARY, path) }
  const why =
    reason === 'stale'
      ? `The process that holds the lock (pid ${holder.pid} on ${holder.host}) is no longer running, so it will never release it.`
      : 'Another sageform process holds the lock. sageform locks the state so that two runs cannot write it at the same time.'
  return {
    ok: false,
    reason,
    holder,
    diagnostic: {
      severity: 'error',
      summary: LOCK_SUMMARY,
      detail: `${why}\n\n${lockInfoText(holder, path)}`,
      hint:
        reason === 'stale'
          ? `If no other sageform command is using this state, remove the lock with: sageform force-unlock ${holder.id}`
          : `Wait for that run to finish or raise --lock-timeout. If you are sure it is not running, remove the lock with: sageform force-unlock ${holder.id}`,
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
