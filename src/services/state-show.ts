import { didYouMean, type Diagnostic } from '../diagnostics/index.js'
import { normalizeAddress, resourceOf } from '../config/address.js'
import type { JobRecord } from '../model/state.js'
import type { ResourceType } from '../config/module.js'
import { loadState } from './setup/state.js'

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

/** Shared by the state commands that take addresses. */
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
