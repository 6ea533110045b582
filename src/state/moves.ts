// Moving a resource's record to another address: the jobs, their history and the outputs stay as they are, only the
// key changes. Used by moved blocks (planned, then done by apply) and by `sageform state mv`.
import type { State } from './types.js'

/** The state with the entry at `from` under `to` instead; the caller has checked that `to` is free. */
export function moveEntry(state: State, from: string, to: string): State {
  const resources: State['resources'] = {}
  // Keep the file's order: the moved entry takes its old place.
  for (const [address, entry] of Object.entries(state.resources)) resources[address === from ? to : address] = entry
  return { ...state, resources }
}
