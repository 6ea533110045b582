import type { Diagnostic } from '../diagnostics/index.js'
import type { LockInfo } from '../state/lock.js'
import { backendFailure, openState } from './setup/state.js'

export interface ForceUnlockOptions {
  dir: string
  /** The lock ID, as printed by the command that could not get the lock. */
  id: string
}

export interface ForceUnlockResult {
  format_version: '1.0'
  unlocked: boolean
  /** The lock that was removed. */
  lock: LockInfo | null
  diagnostics: Diagnostic[]
}

export async function forceUnlock(options: ForceUnlockOptions): Promise<ForceUnlockResult> {
  const { backend, diagnostics } = await openState(options.dir)
  if (!backend) return { format_version: '1.0', unlocked: false, lock: null, diagnostics }
  const result = await backend.forceUnlock(options.id).catch((error: unknown) => ({ ok: false as const, diagnostic: backendFailure('Cannot force-unlock the state', error) }))
  return result.ok
    ? { format_version: '1.0', unlocked: true, lock: result.removed, diagnostics: [] }
    : { format_version: '1.0', unlocked: false, lock: null, diagnostics: [result.diagnostic] }
}
