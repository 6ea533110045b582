// Finding and reading the state for a command: problems a user can cause become one diagnostic each, never an exception.
import { join, resolve } from 'node:path'
import { didYouMean, type Diagnostic, type Diagnostics } from '../../diagnostics/index.js'
import { resourceOf } from '../../config/address.js'
import { loadModule, manifestFiles, readManifest, type S3BackendSettings } from '../../config/module.js'
import { localBackend, objectStoreBackend, type StateBackend } from '../../state/backend.js'
import type { AcquireLockResult, HeldLock, LockOptions } from '../../state/lock.js'
import { StateWriteRefused, type ReadStateResult } from '../../state/store.js'
import type { State } from '../../model/state.js'

/**
 * The backend the configuration in `dir` names: its `backend "s3"` block's, else the local file. Only the blocks are
 * decoded, nothing evaluated (backend values are literals), and only when a manifest mentions a backend. A directory
 * without manifests keeps the local file, so the state commands work on a bare state file.
 */
export async function openState(dir: string): Promise<{ backend?: StateBackend; diagnostics: Diagnostic[] }> {
  if (!(await mayHaveBackend(dir))) return { backend: localBackend(dir), diagnostics: [] }
  const { module, diagnostics } = await loadModule(resolve(dir))
  if (!module) return { backend: localBackend(dir), diagnostics: [] }
  if (module.backend?.settings) return { backend: await s3Backend(module.backend.settings), diagnostics: [] }
  if (module.backend) return { diagnostics: module.backend.errors }
  // A file that did not parse may hold the backend block: guessing the local file could edit the wrong state.
  const parsed = new Set(module.files.map((f) => f.path))
  const unparsed = diagnostics.filter((d) => d.severity === 'error' && d.range && !parsed.has(d.range.file))
  return unparsed.length > 0 ? { diagnostics: unparsed } : { backend: localBackend(dir), diagnostics: [] }
}

/** Most configurations have no backend block; when no manifest even has the word at a line's start, none is parsed. */
async function mayHaveBackend(dir: string): Promise<boolean> {
  const names = await manifestFiles(dir).catch(() => [])
  const sources = await Promise.all(names.map((name) => readManifest(join(dir, name)).catch(() => '')))
  return sources.some((source) => /^[ \t]*backend\b/m.test(source))
}

async function s3Backend(settings: S3BackendSettings): Promise<StateBackend> {
  const { createS3Store } = await import('../../sagemaker/s3.js')
  const { bucket, region, profile, endpoint, usePathStyle } = settings
  return objectStoreBackend(createS3Store({ bucket, region, profile, endpoint, usePathStyle }), settings.key)
}

/** openState, then readStateFrom: what read-only commands need. */
export async function loadState(dir: string): Promise<{ state?: State; diagnostics: Diagnostic[] }> {
  const { backend, diagnostics } = await openState(dir)
  return backend ? readStateFrom(backend) : { diagnostics }
}

/** A backend failure no user input explains (access denied, no network after the SDK's retries), as one error. */
export function backendFailure(summary: string, error: unknown): Diagnostic {
  return { severity: 'error', summary, detail: (error as Error).message, hint: 'Check the backend block, your AWS credentials and the network, then try again.' }
}

/** backend.lock, with a failure to reach the backend reported like a lock not acquired. */
export function lockBackend(backend: StateBackend, options: LockOptions): Promise<AcquireLockResult | { ok: false; diagnostic: Diagnostic }> {
  return backend.lock(options).catch((error: unknown) => ({ ok: false as const, diagnostic: backendFailure('Error acquiring the state lock', error) }))
}

export async function readStateFrom(backend: StateBackend): Promise<{ state?: State; diagnostics: Diagnostic[] }> {
  const path = backend.location
  let result: ReadStateResult
  try {
    result = await backend.read()
  } catch (error) {
    return { diagnostics: [backendFailure('The state cannot be read', error)] }
  }
  switch (result.kind) {
    case 'ok':
      return { state: result.state, diagnostics: [] }
    case 'missing':
      return { diagnostics: [] }
    case 'corrupt':
      return { diagnostics: [{ severity: 'error', summary: 'The state file cannot be read', detail: result.message.includes(path) ? result.message : `${path}: ${result.message}`, hint: `sageform will not overwrite it. Restore ${backend.backupLocation}, or repair the file by hand.` }] }
    case 'too-new':
      return { diagnostics: [{ severity: 'error', summary: 'The state file is from a newer sageform', detail: `${path} has format version ${result.version}, which this version cannot read.`, hint: 'Upgrade sageform; the file is left untouched.' }] }
  }
}

/** What a state edit decided: its diagnostics, what it reports, and the state to write (none: write nothing). */
export interface StateEdit<T> {
  diagnostics: Diagnostic[]
  value?: T
  next?: State
}

/**
 * One edit of the state as the `state` commands make it, without touching SageMaker: open the backend, take the lock
 * for `operation`, read the state, let `edit` decide, write its result with the next serial, release the lock. A
 * missing state is `missing`; a write another run's state refuses reports only that.
 */
export async function editState<T>(
  options: { dir: string; operation: string; lockTimeoutMs: number; missing: () => Diagnostic },
  edit: (state: State, tookOver: Diagnostic | undefined) => StateEdit<T>,
): Promise<StateEdit<T> & { serial?: number; backup?: string | null }> {
  const { backend, diagnostics: backendDiagnostics } = await openState(options.dir)
  if (!backend) return { diagnostics: backendDiagnostics }
  const lock = await lockBackend(backend, { operation: options.operation, timeoutMs: options.lockTimeoutMs })
  if (!lock.ok) return { diagnostics: [lock.diagnostic] }
  try {
    const { state, diagnostics } = await readStateFrom(backend)
    if (diagnostics.length > 0 || !state) return { diagnostics: diagnostics.length > 0 ? diagnostics : [options.missing()] }
    const { next, ...decided } = edit(state, lock.lock.tookOver)
    if (!next) return decided
    next.serial = state.serial + 1
    try {
      await backend.write(next)
    } catch (err) {
      if (!(err instanceof StateWriteRefused)) throw err
      return { diagnostics: [{ severity: 'error', summary: 'The state was not changed', detail: err.message }] }
    }
    return { ...decided, serial: next.serial, backup: backend.backupLocation }
  } finally {
    await lock.lock.release()
  }
}

/** Takes the state lock for an apply or an import, waiting up to `timeoutMs`; the problems go to `diags`. */
export async function lockState(backend: StateBackend, timeoutMs: number, operation: string, diags: Diagnostics): Promise<HeldLock | undefined> {
  const acquired = await lockBackend(backend, { operation, timeoutMs })
  if (!acquired.ok) {
    diags.add(acquired.diagnostic)
    return undefined
  }
  if (acquired.lock.tookOver) diags.add(acquired.lock.tookOver)
  return acquired.lock
}

/** The error for an address the state does not record, with the instances it has or the nearest address. */
export function notInState(address: string, known: string[], stateExists: boolean): Diagnostic {
  if (!stateExists) return { severity: 'error', summary: 'No state file', detail: 'No state has been written yet (no sageform.state.json in this directory, or no object at the key of the configuration\'s backend "s3"), so no resource is recorded.', hint: 'Run the command in the directory that holds the configuration, or pass -C DIR.' }
  const instances = known.filter((k) => k !== address && resourceOf(k) === address)
  const suggestion = didYouMean(address, known)
  if (instances.length > 0) {
    return { severity: 'error', summary: 'Resource not in the state', detail: `${address} has instances (count or for_each): ${instances.join(', ')}.`, address, hint: `Name one instance, like ${instances[0]}.` }
  }
  return {
    severity: 'error',
    summary: 'Resource not in the state',
    detail: `${address} is not recorded in the state.`,
    address,
    hint: suggestion ? `Did you mean ${suggestion}?` : 'See the recorded addresses with: sageform state list',
  }
}
