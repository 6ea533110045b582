import type { Diagnostic } from '../diagnostics/index.js'
import { normalizeAddress } from '../config/address.js'
import type { JobRecord } from '../model/state.js'
import type { ResourceType } from '../config/module.js'
import { loadState, notInState } from './setup/state.js'

export interface StateShowOptions {
  dir: string
  address: string
}

/** The `state show --json` payload (schemas/state-show.json). */
export interface StateShowResult {
  format_version: '1.0'
  address: string
  /** Null when the address is not in the state (an error diagnostic says so). */
  resource: { type: ResourceType; current: JobRecord | null; history: JobRecord[]; deposed: JobRecord[] } | null
  diagnostics: Diagnostic[]
}

export async function stateShow(given: StateShowOptions): Promise<StateShowResult> {
  const options = { ...given, address: normalizeAddress(given.address) }
  const { state, diagnostics } = await loadState(options.dir)
  const base = { format_version: '1.0' as const, address: options.address }
  if (diagnostics.length > 0) return { ...base, resource: null, diagnostics }
  const resource = state?.resources[options.address]
  if (!resource) return { ...base, resource: null, diagnostics: [notInState(options.address, Object.keys(state?.resources ?? {}), state !== undefined)] }
  return { ...base, resource: { type: resource.type, current: resource.current ?? null, history: resource.history, deposed: resource.deposed ?? [] }, diagnostics }
}

