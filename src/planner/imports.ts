// import blocks (Terraform 1.5+): a resource with no job yet adopts the existing job its block names. The plan shows the
// import and how the job differs from the configuration; apply records it; once recorded, the block plans nothing.
import { createHash } from 'node:crypto'
import type { Diagnostics } from '../diagnostics/index.js'
import { shape } from '../model/api.js'
import { withDefaults } from '../model/defaults.js'
import type { ApiObject, ImportTarget, JobResource } from '../model/types.js'
import type { JsonValue, State } from '../model/state.js'
import { canonicalJson, toJson } from './identity.js'

/** Keeps only what the Create request shape has: Describe adds statuses, timestamps and outputs. */
export function pickShape(shapeName: string, value: unknown): JsonValue | undefined {
  if (value === undefined || value === null) return undefined
  const s = shape(shapeName)
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined
      const out: Record<string, JsonValue> = {}
      for (const [member, ref] of Object.entries(s.members)) {
        const picked = pickShape(ref.shape, (value as Record<string, unknown>)[member])
        if (picked !== undefined) out[member] = picked
      }
      return out
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => pickShape(s.member.shape, v)).filter((v): v is JsonValue => v !== undefined) : undefined
    case 'map':
      return typeof value === 'object' ? (Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, pickShape(s.value.shape, v) ?? null])) as JsonValue) : undefined
    case 'timestamp':
      return undefined
    default:
      return value as JsonValue
  }
}

/** A described job's Create request: its shape's members, without the name and tags sageform manages itself. */
export function describedRequest(requestShape: string, nameMember: string, described: unknown): Record<string, JsonValue> {
  const request = (pickShape(requestShape, described) ?? {}) as Record<string, JsonValue>
  delete request[nameMember]
  delete request.Tags
  return request
}

/** Is an existing job's request the one the configuration asks for, once SageMaker's defaults are filled in? */
export function sameRequest(requestShape: string, desired: JsonValue, existing: JsonValue): boolean {
  const full = (request: JsonValue) => canonicalJson(toJson(withDefaults(requestShape, request as unknown as ApiObject)))
  return full(desired) === full(existing)
}

/** What an imported job's record says of its spec: the planned hash when it matches, else a hash no spec can have. */
export function importedSpecHash(matches: boolean, plannedHash: string | null, request: JsonValue): string {
  // A job that differs gets a hash of what it is, so the next plan replaces it, as `sageform import` has always done.
  return matches && plannedHash ? plannedHash : `imported-${createHash('sha256').update(canonicalJson(request)).digest('hex')}`
}

/** The import target of each resource, and problems a target has before anything is asked of SageMaker. */
export function importsByAddress(targets: readonly ImportTarget[], resources: readonly JobResource[], state: State | undefined, diags: Diagnostics): Map<string, ImportTarget> {
  const out = new Map<string, ImportTarget>()
  const managedBy = new Map(Object.entries(state?.resources ?? {}).flatMap(([address, r]) => (r.current ? [[r.current.name.toLowerCase(), address] as const] : [])))
  for (const target of targets) {
    const current = state?.resources[target.address]?.current
    if (current) {
      // Already managed: the block has done its work (or the resource has another job, which the block does not replace).
      if (current.name !== target.id) {
        diags.warning('Import block ignored', { detail: `${target.address} already has job ${current.name}, so the import of "${target.id}" is not planned.`, address: target.address, range: target.range, hint: `Remove the import block, or forget the resource first with sageform state rm ${target.address}.` })
      }
      continue
    }
    const other = managedBy.get(target.id.toLowerCase())
    if (other) {
      diags.error('Job already managed', { detail: `The job "${target.id}" is the current job of ${other}; one job cannot belong to two resources.`, address: target.address, range: target.range, hint: `Move it instead: a moved block from ${other} to ${target.address}, or sageform state mv.` })
      continue
    }
    if (resources.some((r) => r.address === target.address)) out.set(target.address, target)
  }
  return out
}
