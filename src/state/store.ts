// Reading and writing sageform.state.json. A read reports every problem a user can cause as a value; a write replaces
// the file atomically, keeps the previous version as a backup, and refuses to replace anything it could not read.
//
// During an apply most writes are appended to a journal beside the file (sageform.state.json.journal) instead: one line
// per write holding only the resources that write changed, flushed to disk before the steps it carries move on. The
// whole file is written again only when the journal has grown as large as the state, and at the end of the apply, so
// an apply of N steps writes O(N) bytes, not N times the state. Every read replays the journal over the file; a line
// cut short by a crash is ignored (its steps had not moved on), and a full write removes the journal.

import { randomUUID } from 'node:crypto'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
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

export function journalPath(dir: string): string {
  return `${statePath(dir)}.journal`
}

export function newState(): State {
  return { format_version: STATE_FORMAT_VERSION, lineage: randomUUID(), serial: 0, resources: {} }
}

export async function readState(dir: string): Promise<ReadStateResult> {
  return (await readStored(dir)).result
}

/** The state file as stored, and the state it holds once the journal is replayed over it. */
interface Stored {
  raw: RawRead
  result: ReadStateResult
  /** Whether journal lines changed the file's state (so the file's bytes alone are not the state). */
  replayed: boolean
}

async function readStored(dir: string): Promise<Stored> {
  const path = statePath(dir)
  const raw = await readRaw(path)
  if (raw.kind !== 'bytes') return { raw, result: raw, replayed: false }
  const parsed = parseState(raw.bytes.toString('utf8'), path)
  if (parsed.kind !== 'ok') return { raw, result: parsed, replayed: false }
  const journal = await readRaw(journalPath(dir))
  if (journal.kind === 'missing') return { raw, result: parsed, replayed: false }
  if (journal.kind === 'corrupt') return { raw, result: journal, replayed: false }
  const serial = parsed.state.serial
  const result = replayJournal(parsed.state, journal.bytes, journalPath(dir))
  return { raw, result, replayed: result.kind === 'ok' && result.state.serial !== serial }
}

/**
 * `state` with the journal's lines applied in order: those of its lineage with a newer serial. Only the last line can
 * be unfinished (each append is on disk before the next begins), so a last line that does not parse is a write a crash
 * cut short and is ignored; a bad line before others is corruption.
 */
export function replayJournal(state: State, journal: Buffer, path: string): ReadStateResult {
  const lines = journal.toString('utf8').split('\n')
  let replayed = state
  for (const [i, line] of lines.entries()) {
    if (line === '') continue
    const entry = journalEntry(line)
    if (entry === undefined) {
      if (lines.slice(i + 1).every((rest) => rest === '')) break
      return { kind: 'corrupt', message: `${path} is invalid: line ${i + 1} is not a state journal entry. Move it away to read the state file alone.` }
    }
    if (entry.state.lineage !== replayed.lineage || entry.state.serial <= replayed.serial) continue
    const resources = { ...replayed.resources }
    for (const [address, resource] of Object.entries(entry.resources)) {
      if (resource === null) delete resources[address]
      else Object.defineProperty(resources, address, { value: resource, enumerable: true, writable: true, configurable: true })
    }
    replayed = { ...entry.state, resources } as State
  }
  if (replayed === state) return { kind: 'ok', state }
  const problem = stateProblem(replayed as unknown as Record<string, unknown>)
  return problem ? { kind: 'corrupt', message: `${path} is invalid: replayed, ${problem}.` } : { kind: 'ok', state: replayed }
}

/** One journal line: the state's fields but resources, and each resource the write changed (null: removed). */
interface JournalEntry {
  state: Omit<State, 'resources'>
  resources: Record<string, unknown>
}

function journalEntry(line: string): JournalEntry | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!isRecord(value) || !isRecord(value.state) || !isRecord(value.resources)) return undefined
  if (typeof value.state.lineage !== 'string' || !isCount(value.state.serial)) return undefined
  return value as unknown as JournalEntry
}

/** Thrown by writeState when replacing the existing file could lose data; the file is left untouched. */
export class StateWriteRefused extends Error {
  override readonly name = 'StateWriteRefused'
}

/** Writes `state` as given: bumping `serial` is the caller's job, as is holding the state lock. */
export async function writeState(dir: string, state: State): Promise<void> {
  await stateFileWriter(dir).write(stateImage(state))
}

/**
 * The writer of one run (one backend): its first write reads the file it replaces, refuses to replace what it could
 * not read or what another run wrote, and keeps that version as the backup (as Terraform's local state keeps the
 * version before the run). Its later writes find the file it wrote itself (same inode, size and modification time)
 * and skip both: the check would read and parse the whole state again, and the backup would hold a version of this very
 * run. A file anyone else replaced meanwhile gets the full check again.
 */
export function stateFileWriter(dir: string): StateFileWriter {
  const path = statePath(dir)
  const journal = journalPath(dir)
  let written: FileIdentity | undefined
  /** Bytes appended to the journal since this writer last wrote the whole file. */
  let journalBytes = 0
  /** An append failed part way: its torn line must not get others after it, so the next write is a whole one. */
  let tornAppend = false
  /** The state as this writer last wrote it, to the file or the journal. */
  let latest: StateImage | undefined
  const write = async (image: StateImage) => {
    latest = image
    const ours = written !== undefined && sameFile(await identity(path), written)
    if (ours && image.delta && !tornAppend && journalBytes + image.delta.length <= image.size) {
      try {
        await appendDurably(journal, image.delta, journalBytes === 0 ? dir : undefined)
      } catch (err) {
        tornAppend = true
        throw err
      }
      journalBytes += image.delta.length
      return
    }
    if (!ours) {
      const existing = await readStored(dir)
      refuseUnsafeReplace(existing.result, image, path)
      // The backup is the state before this run: with a journal left by a crashed run, more than the file's bytes.
      if (existing.result.kind === 'ok' && existing.replayed) await writeAtomic(backupPath(dir), stateImage(existing.result.state).bytes)
      else if (existing.raw.kind === 'bytes') await writeAtomic(backupPath(dir), existing.raw.bytes)
    }
    await writeAtomic(path, image.bytes)
    await syncDirectory(dir)
    written = await identity(path)
    // The file now holds every line of the journal (older serials are skipped on replay if this removal is lost).
    await rm(journal, { force: true })
    journalBytes = 0
    tornAppend = false
  }
  return {
    write,
    checkpoint: async () => {
      const whole = latest
      if (whole === undefined || (journalBytes === 0 && !tornAppend)) return
      await write({ lineage: whole.lineage, serial: whole.serial, size: whole.size, get bytes() { return whole.bytes }, get text() { return whole.text } })
    },
  }
}

/** Appends `bytes` and flushes them to disk; `newIn`: the journal is new, so its directory entry is flushed too. */
async function appendDurably(path: string, bytes: Buffer, newIn: string | undefined): Promise<void> {
  await writeDurably(path, 'a', bytes)
  if (newIn !== undefined) await syncDirectory(newIn)
}

type FileIdentity = { ino: bigint; size: bigint; mtimeNs: bigint } | undefined

async function identity(path: string): Promise<FileIdentity> {
  try {
    const { ino, size, mtimeNs } = await stat(path, { bigint: true })
    return { ino, size, mtimeNs }
  } catch {
    return undefined
  }
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs
}

export function refuseUnsafeReplace(existing: ReadStateResult, next: Pick<State, 'lineage' | 'serial'>, path: string): void {
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
    // A FIFO or a device would block the read or never end it: only a regular file (or a link to one) is read.
    if (!(await stat(path)).isFile()) return { kind: 'corrupt', message: `${path} is not a regular file.` }
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

/** A state as it is written: the bytes, and what a write checks against the stored state before replacing it. */
export interface StateImage {
  readonly lineage: string
  readonly serial: number
  /** UTF-8, as the file holds it. */
  readonly bytes: Buffer
  readonly text: string
  /** The length of `bytes`, known without joining them. */
  readonly size: number
  /** The same change as a journal line (see replayJournal), when the serialiser knows which resources changed. */
  readonly delta?: Buffer
}

/** The local state file's writer for one run. */
export interface StateFileWriter {
  write(image: StateImage): Promise<void>
  /** Writes the whole state if this run's latest writes went to the journal (and so removes it). */
  checkpoint(): Promise<void>
}

export function stateImage(state: State): StateImage {
  return new StateSerializer().image(state)
}

/** Resources and outputs sorted by name so that unchanged state writes identical bytes. */
export function serialize(state: State): string {
  return stateImage(state).text
}

/**
 * Serialises states as JSON.stringify(state, null, 2) would, with resources and outputs sorted by name, keeping each
 * resource's bytes: serialising again after a few resources changed costs those resources, not the whole state, and
 * the file's bytes are the kept pieces copied once (no string of the whole state to build and encode per write).
 */
export class StateSerializer {
  /** By address: the resource's line(s) in `resources`, indented and encoded, as last serialised. */
  private readonly resources = new Map<string, Buffer>()

  /**
   * `touched`: the resources that may have changed since the last call (which then also come as a journal line);
   * undefined when any may have.
   */
  image(state: State, touched?: ReadonlySet<string>): StateImage {
    const delta = touched === undefined ? undefined : journalLine(state, touched)
    if (touched === undefined) this.resources.clear()
    else for (const address of touched) this.resources.delete(address)
    // Every piece is taken from the state now, as it changes after this returns; joining them (the whole state's bytes)
    // waits until a writer asks for them.
    const pieces: Buffer[] = []
    const keys = Object.entries(state).filter(([, value]) => value !== undefined)
    for (const [i, [key, value]] of keys.entries()) {
      pieces.push(Buffer.from(`${i === 0 ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `))
      if (key !== 'resources') pieces.push(Buffer.from(indented(key === 'outputs' ? sortKeys(value as Record<string, unknown>) : value, '\n  ')))
      else {
        const entries = this.resourceEntries(state.resources)
        if (entries.length === 0) pieces.push(Buffer.from('{}'))
        else {
          pieces.push(Buffer.from('{\n    '))
          for (const [j, entry] of entries.entries()) pieces.push(...(j === 0 ? [entry] : [ENTRY_SEPARATOR, entry]))
          pieces.push(Buffer.from('\n  }'))
        }
      }
    }
    pieces.push(Buffer.from('\n}\n'))
    let bytes: Buffer | undefined
    return {
      lineage: state.lineage,
      serial: state.serial,
      size: pieces.reduce((sum, piece) => sum + piece.length, 0),
      ...(delta ? { delta } : {}),
      get bytes() {
        bytes ??= Buffer.concat(pieces)
        return bytes
      },
      get text() {
        return this.bytes.toString('utf8')
      },
    }
  }

  /** Each resource's bytes, by address. */
  private resourceEntries(resources: State['resources']): Buffer[] {
    const addresses = Object.keys(resources).sort(byCodeUnit)
    const entries = addresses.map((address) => {
      let entry = this.resources.get(address)
      if (entry === undefined) {
        entry = Buffer.from(`${JSON.stringify(address)}: ${indented(resources[address], '\n    ')}`)
        this.resources.set(address, entry)
      }
      return entry
    })
    // Forget resources gone from the state, so the cache never outgrows it.
    if (this.resources.size > addresses.length) for (const address of this.resources.keys()) if (!(address in resources)) this.resources.delete(address)
    return entries
  }
}

const ENTRY_SEPARATOR = Buffer.from(',\n    ')

function journalLine(state: State, touched: ReadonlySet<string>): Buffer {
  const { resources, ...rest } = state
  const changed = Object.fromEntries([...touched].map((address) => [address, Object.hasOwn(resources, address) ? resources[address] : null]))
  return Buffer.from(`${JSON.stringify({ state: rest, resources: changed })}\n`)
}

/** JSON.stringify(value, null, 2) as it reads nested at the depth `newline` indents to. */
function indented(value: unknown, newline: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', newline)
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodeUnit(a, b)))
}

/**
 * Write beside the target, flush to disk, then rename over it: a crash leaves the old file or the new, never half.
 * Readable by the owner only (0600): states, backups and plans can hold sensitive values.
 */
export async function writeAtomic(target: string, data: string | Buffer): Promise<void> {
  const tmp = `${target}.tmp-${process.pid}`
  try {
    await writeDurably(tmp, 'w', data)
    await rename(tmp, target)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Writes (or appends) `data` and flushes it to disk, the file readable by its owner only. */
async function writeDurably(path: string, flags: 'w' | 'a', data: string | Buffer): Promise<void> {
  const file = await open(path, flags, 0o600)
  try {
    // A file that already existed (a leftover temporary file of a run with the same pid, a journal) keeps its mode
    // through open: set it.
    await file.chmod(0o600)
    await file.writeFile(data)
    await file.sync()
  } finally {
    await file.close()
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
