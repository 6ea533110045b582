// `state rm`: sageform forgets resources without touching SageMaker, as `terraform state rm` does. Their jobs keep
// running or stay as they are; if the configuration still declares a resource, the next plan finds its job by name and
// tags and offers to adopt it again.
import { normalizeAddress, resourceOf } from '../config/address.js'
import type { Diagnostic } from '../diagnostics/index.js'
import { editState, notInState } from './setup/state.js'

export interface StateRmOptions {
  dir: string
  addresses: string[]
  /** How long to wait for another run's lock; 0 fails at once with the holder's details. */
  lockTimeoutMs: number
  /** Report what would be removed, and write nothing. */
  dryRun: boolean
}

export interface StateRmResult {
  format_version: '1.0'
  dry_run: boolean
  /** Empty unless every address was found: one wrong address removes nothing. */
  removed: Array<{ address: string; job: string | null; status: string | null }>
  /** The new serial and the backup of the previous file, once written. */
  serial: number | null
  backup: string | null
  diagnostics: Diagnostic[]
}

export async function stateRm(options: StateRmOptions): Promise<StateRmResult> {
  const done = await editState({ dir: options.dir, operation: 'state rm', lockTimeoutMs: options.lockTimeoutMs, missing: () => notInState(options.addresses[0] ?? '', [], false) }, (state, tookOver) => {
    const known = Object.keys(state.resources)
    // A resource address names all of its instances, as in terraform state rm.
    const wanted = options.addresses.map(normalizeAddress)
    const addresses = [...new Set(wanted.flatMap((a) => (state.resources[a] ? [a] : known.filter((k) => resourceOf(k) === a))))]
    const missing = wanted.filter((a) => !state.resources[a] && !known.some((k) => resourceOf(k) === a))
    if (missing.length > 0) return { diagnostics: missing.map((a) => notInState(a, known, true)) }
    const removed = addresses.map((address) => ({ address, job: state.resources[address]!.current?.name ?? null, status: state.resources[address]!.current?.status ?? null }))
    const warnings: Diagnostic[] = removed
      .filter((r) => r.status === 'InProgress' || r.status === 'Stopping')
      .map((r) => ({ severity: 'warning', summary: 'The job keeps running', detail: `${r.job} is ${r.status} in SageMaker; sageform no longer tracks it.`, address: r.address }))
    if (tookOver) warnings.unshift(tookOver)
    if (options.dryRun) return { diagnostics: warnings, value: removed }
    const next = structuredClone(state)
    for (const address of addresses) delete next.resources[address]
    return { diagnostics: warnings, value: removed, next }
  })
  return { format_version: '1.0', dry_run: options.dryRun, removed: done.value ?? [], serial: done.serial ?? null, backup: done.backup ?? null, diagnostics: done.diagnostics }
}
