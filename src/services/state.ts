// Finding and reading the state for a command: problems a user can cause become one diagnostic each, never an exception.
import { resolve } from 'node:path'
import type { Diagnostic } from '../diagnostics/index.js'
import { loadModule, type S3BackendSettings } from '../config/module.js'
import { localBackend, objectStoreBackend, type StateBackend } from '../state/backend.js'
import type { ReadStateResult } from '../state/store.js'
import type { State } from '../state/types.js'

/**
 * The backend the configuration in `dir` names: its `backend "s3"` block's, else the local file. Only the blocks are
 * decoded, nothing evaluated (backend values are literals), so commands that merely read state pay one parse. A
 * directory without manifests keeps the local file, so the state commands work on a bare state file.
 */
export async function openState(dir: string): Promise<{ backend?: StateBackend; diagnostics: Diagnostic[] }> {
  const { module, diagnostics } = await loadModule(resolve(dir))
  if (!module) return { backend: localBackend(dir), diagnostics: [] }
  if (module.backend?.settings) return { backend: await s3Backend(module.backend.settings), diagnostics: [] }
  if (module.backend) return { diagnostics: module.backend.errors }
  // A file that did not parse may hold the backend block: guessing the local file could edit the wrong state.
  const parsed = new Set(module.files.map((f) => f.path))
  const unparsed = diagnostics.filter((d) => d.severity === 'error' && d.range && !parsed.has(d.range.file))
  return unparsed.length > 0 ? { diagnostics: unparsed } : { backend: localBackend(dir), diagnostics: [] }
}

async function s3Backend(settings: S3BackendSettings): Promise<StateBackend> {
  const { createS3Store } = await import('../sagemaker/s3.js')
  const { bucket, region, profile, endpoint, usePathStyle } = settings
  return objectStoreBackend(createS3Store({ bucket, region, profile, endpoint, usePathStyle }), settings.key)
}

/** openState, then readStateFrom: what read-only commands need. */
export async function loadState(dir: string): Promise<{ state?: State; backend?: StateBackend; diagnostics: Diagnostic[] }> {
  const opened = await openState(dir)
  if (!opened.backend) return opened
  return { ...(await readStateFrom(opened.backend)), backend: opened.backend }
}

export async function readStateFrom(backend: StateBackend): Promise<{ state?: State; diagnostics: Diagnostic[] }> {
  const path = backend.location
  let result: ReadStateResult
  try {
    result = await backend.read()
  } catch (error) {
    return { diagnostics: [{ severity: 'error', summary: 'The state cannot be read', detail: (error as Error).message, hint: 'Check the backend block, your AWS credentials and the network, then try again.' }] }
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
