// `state mv`: a resource's record (its current job and history) moves to another address without touching SageMaker,
// as `terraform state mv` does. A resource address moves all of its instances; an instance address moves one.
import type { Diagnostic } from '../diagnostics/index.js'
import { jobFamily, RESOURCE_TYPES, type ResourceType } from '../config/module.js'
import { normalizeAddress, parseAddress, resourceOf } from '../config/address.js'
import { moveEntry, type State } from '../model/state.js'
import { editState, notInState } from './setup/state.js'

export interface StateMvOptions {
  dir: string
  source: string
  destination: string
  lockTimeoutMs: number
  /** Report what would move, and write nothing. */
  dryRun: boolean
}

/** The `state mv --json` payload (schemas/state-mv.json). */
export interface StateMvResult {
  format_version: '1.0'
  dry_run: boolean
  /** Empty unless the whole move can be done. */
  moved: Array<{ from: string; to: string; job: string | null }>
  serial: number | null
  backup: string | null
  diagnostics: Diagnostic[]
}

export async function stateMv(options: StateMvOptions): Promise<StateMvResult> {
  const done = await editState({ dir: options.dir, operation: 'state mv', lockTimeoutMs: options.lockTimeoutMs, missing: () => notInState(options.source, [], false) }, (state) => {
    const planned = plannedMoves(state, normalizeAddress(options.source), normalizeAddress(options.destination))
    if ('error' in planned) return { diagnostics: [planned.error] }
    const moved = planned.pairs.map(([from, to]) => ({ from, to, job: state.resources[from]!.current?.name ?? null }))
    if (options.dryRun) return { diagnostics: [], value: moved }
    let next: State = structuredClone(state)
    for (const [from, to, type] of planned.pairs) {
      next = moveEntry(next, from, to)
      next.resources[to]!.type = type
    }
    return { diagnostics: [], value: moved, next }
  })
  return { format_version: '1.0', dry_run: options.dryRun, moved: done.value ?? [], serial: done.serial ?? null, backup: done.backup ?? null, diagnostics: done.diagnostics }
}

/** Which records move where, with Terraform's checks: the source exists, the destination is free, the kinds match. */
function plannedMoves(state: State, source: string, destination: string): { pairs: Array<[string, string, ResourceType]> } | { error: Diagnostic } {
  const fail = (summary: string, detail: string, hint?: string) => ({ error: { severity: 'error' as const, summary, detail, ...(hint ? { hint } : {}) } })
  const [from, to] = [parseAddress(source), parseAddress(destination)]
  const example = 'Addresses look like sagemaker_training_job.a, sagemaker_training_job.a[0] or sagemaker_training_job.a["key"].'
  if (!from) return fail('Invalid source address', `"${source}" is not a resource or instance address.`, example)
  if (!to || !(RESOURCE_TYPES as readonly string[]).includes(to.type)) return fail('Invalid target address', `"${destination}" is not an address of a job resource.`, example)
  const known = Object.keys(state.resources)
  const sources = state.resources[source] ? [source] : from.key === undefined ? known.filter((a) => resourceOf(a) === source) : []
  if (sources.length === 0) return { error: notInState(source, known, true) }
  if (sources.length > 1 && to.key !== undefined) return fail('Invalid target address', `Cannot move ${source}, which has ${sources.length} instances, to the single instance ${destination}.`, `Move the instances one by one, or move to a resource address like ${resourceOf(destination)}.`)
  const type = to.type as ResourceType
  const pairs = sources.map((a): [string, string, ResourceType] => [a, a === source ? destination : destination + a.slice(source.length), type])
  for (const [a, b] of pairs) {
    if (jobFamily(state.resources[a]!.type) !== jobFamily(type)) return fail('Invalid state move request', `Cannot move ${a} to ${b}: resource types don't match (a ${jobFamily(state.resources[a]!.type)} job cannot become a ${jobFamily(type)} job).`)
    if (a === b) return fail('Invalid state move request', `${a} and ${b} are the same address.`)
    if (state.resources[b]) return fail('Invalid target address', `Cannot move to ${b}: there is already a resource instance at that address in the current state.`, `Remove it first with sageform state rm '${b}', or pick another address.`)
  }
  return { pairs }
}
