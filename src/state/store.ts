// Reading and writing sageform.state.json. A read reports every problem a user can cause as a value; a write replaces
// the file atomically, keeps the previous version as a backup, and refuses to replace anything it could not read.

import { randomUUID } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { RESOURCE_TYPES } from '../config/module.js'
import {
  STATE_FILE,
  STATE_FORMAT_VERSION,
  type JobRecord,
  type State,
} from '../model/state.js'

export type ReadStateResult =
  | { kind: 'missing' }
  | { kind: 'ok'; state: State }
  | { kind: 'corrupt'; message: string }
  | { kind: 'too-new'; version: number }

export function statePath(dir: string): string {
  return join(dir, STATE_FILE)
}

export function backupPath(dir: string): string {
  return `${statePath(dir)}.backup`
}

export function newState(): State {
  return { format_version: STATE_FORMAT_VERSION, lineage: randomUUID(), serial: 0, resources: {} }
}

export async function readState(dir: string): Promise<ReadStateResult> {
  const path = statePath(dir)
  const raw = await readRaw(path)
  if (raw.kind !== 'bytes') return raw
  return parseState(raw.bytes.toString('utf8'), path)
}

/** Thrown by writeState when replacing the existing file could lose data; the file is left untouched. */
export class StateWriteRefused extends Error {
  override readonly name = 'StateWriteRefused'
}

/** Writes `state` as given: bumping `serial` is the caller's job, as is holding the state lock. */
export async function writeState(dir: string, state: State): Promise<void> {
  const path = statePath(dir)
  const existing = await readRaw(path)
  refuseUnsafeReplace(existing.kind === 'bytes' ? parseState(existing.bytes.toString('utf8'), path) : existing, state, path)
  if (existing.kind === 'bytes') await writeAtomic(backupPath(dir), existing.bytes)
  await writeAtomic(path, serialize(state))
  await syncDirectory(dir)
}

export function refuseUnsafeReplace(existing: ReadStateResult, next: State, path: string): void {
  switch (existing.kind) {
    case 'corrupt':
      throw new StateWriteRefused(`Refusing to replace the state file: ${existing.message} Repair it or move it away first.`)
    case 'too-new':
      throw new StateWriteRefused(
        `Refusing to replace ${path}: it has format version ${existing.version}, written by a newer sageform.`,
      )
    case 'ok':
      if (existing.state.lineage !== next.lineage) {
        throw new StateWriteRefused(
          `Refusing to replace ${path}: it belongs to lineage ${existing.state.lineage}, not ${next.lineage}.`,
        )
      }
      if (existing.state.serial > next.serial) {
        throw new StateWriteRefused(
          `Refusing to replace ${path}: its serial ${existing.state.serial} is newer than ${next.serial}; another run changed it.`,
        )
      }
  }
}

type RawRead = { kind: 'missing' } | { kind: 'corrupt'; message: string } | { kind: 'bytes'; bytes: Buffer }

async function readRaw(path: string): Promise<RawRead> {
  try {
    return { kind: 'bytes', bytes: await readFile(path) }
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'missing' }
    // Unreadable (permissions, a directory in the way) is reported like corruption: it must not be loaded or replaced.
    return { kind: 'corrupt', message: `${path} cannot be read (${errnoCode(err) ?? String(err)}).` }
  }
}

export function parseState(text: string, path: string): ReadStateResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { kind: 'corrupt', message: `${path} is not valid JSON (${(err as Error).message}).` }
  }
  if (!isRecord(value)) return { kind: 'corrupt', message: `${path} does not hold a JSON object.` }
  const version = value.format_version
  // Checked before anything else: a newer format may have reshaped every other field.
  if (typeof version === 'number' && Number.isInteger(version) && version > STATE_FORMAT_VERSION) {
    return { kind: 'too-new', version }
  }
  const problem = version === STATE_FORMAT_VERSION ? stateProblem(value) : `format_version must be ${STATE_FORMAT_VERSION}`
  if (problem) return { kind: 'corrupt', message: `${path} is invalid: ${problem}.` }
  return { kind: 'ok', state: value as unknown as State }
}

function stateProblem(state: Record<string, unknown>): string | undefined {
  if (typeof state.lineage !== 'string' || state.lineage === '') return 'lineage must be a non-empty string'
  if (!isCount(state.serial)) return 'serial must be a non-negative integer'
  if (!isRecord(state.resources)) return 'resources must be an object'
  for (const [address, resource] of Object.entries(state.resources)) {
    const problem = resourceProblem(resource, `resources[${JSON.stringify(address)}]`)
    if (problem) return problem
  }
  if (state.outputs === undefined) return undefined
  if (!isRecord(state.outputs)) return 'outputs must be an object'
  for (const [name, output] of Object.entries(state.outputs)) {
    const at = `outputs[${JSON.stringify(name)}]`
    if (!isRecord(output) || !('value' in output)) return `${at} must be an object with a value`
    if (output.sensitive !== undefined && typeof output.sensitive !== 'boolean') return `${at}.sensitive must be a boolean`
  }
  return undefined
}

function resourceProblem(resource: unknown, at: string): string | undefined {
  if (!isRecord(resource)) return `${at} must be an object`
  if (!(RESOURCE_TYPES as readonly string[]).includes(resource.type as string)) {
    return `${at}.type must be one of ${RESOURCE_TYPES.join(', ')}`
  }
  if (resource.current !== undefined) {
    const problem = jobProblem(resource.current, `${at}.current`)
    if (problem) return problem
  }
  if (!Array.isArray(resource.history)) return `${at}.history must be a list`
  if (resource.deposed !== undefined && !Array.isArray(resource.deposed)) return `${at}.deposed must be a list`
  for (const key of ['history', 'deposed'] as const) {
    for (const [i, job] of ((resource[key] as unknown[] | undefined) ?? []).entries()) {
      const problem = jobProblem(job, `${at}.${key}[${i}]`)
      if (problem) return problem
    }
  }
  return undefined
}

const JOB_STRING_FIELDS: ReadonlyArray<keyof JobRecord> = ['name', 'arn', 'spec_hash', 'status', 'created_at', 'updated_at']

function jobProblem(job: unknown, at: string): string | undefined {
  if (!isRecord(job)) return `${at} must be an object`
  const missing = JOB_STRING_FIELDS.find((field) => typeof job[field] !== 'string')
  if (missing) return `${at}.${missing} must be a string`
  if (job.generation !== undefined && !isCount(job.generation)) return `${at}.generation must be a non-negative integer`
  return undefined
}

/** Resources and outputs sorted by name so that unchanged state writes identical bytes. */
export function serialize(state: State): string {
  const sorted: State = { ...state, resources: sortKeys(state.resources) }
  if (state.outputs) sorted.outputs = sortKeys(state.outputs)
  return JSON.stringify(sorted, null, 2) + '\n'
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * Write beside the target, flush to disk, then rename over it: a crash leaves the old file or the new, never half.
 * Readable by the owner only (0600): states, backups and plans can hold sensitive values.
 */
export async function writeAtomic(target: string, data: string | Buffer): Promise<void> {
  const tmp = `${target}.tmp-${process.pid}`
  try {
    const file = await open(tmp, 'w', 0o600)
    try {
      // A leftover temporary file of a run with the same pid keeps its mode through open: set it.
      await file.chmod(0o600)
      await file.writeFile(data)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, target)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Makes the renames themselves durable. Windows cannot open a directory for syncing, and NTFS journals renames. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0
}

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
