import type { Diagnostic } from '../diagnostics/index.js'
import { filterMatches } from '../config/address.js'
import type { ResourceType } from '../config/module.js'
import { loadState } from './setup/state.js'

export interface StateListOptions {
  dir: string
  /** Only these resources: an exact address, or a resource type for all of its resources. Empty: every resource. */
  filters: string[]
}

export interface StateListEntry {
  address: string
  type: ResourceType
  /** The current job's name and last recorded status; null once the resource has none (only history). */
  job: string | null
  status: string | null
  /** How many earlier jobs the resource keeps in history. */
  history: number
}

/** The `state list --json` payload (schemas/state-list.json). */
export interface StateListResult {
  format_version: '1.0'
  /** Null when there is no state file yet. */
  lineage: string | null
  serial: number | null
  resources: StateListEntry[]
  diagnostics: Diagnostic[]
}

export async function stateList(options: StateListOptions): Promise<StateListResult> {
  const { state, diagnostics } = await loadState(options.dir)
  const matches = (address: string) => options.filters.length === 0 || options.filters.some((f) => filterMatches(address, f))
  const resources = Object.entries(state?.resources ?? {})
    .filter(([address]) => matches(address))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([address, r]) => ({ address, type: r.type, job: r.current?.name ?? null, status: r.current?.status ?? null, history: r.history.length }))
  return { format_version: '1.0', lineage: state?.lineage ?? null, serial: state?.serial ?? null, resources, diagnostics }
}
