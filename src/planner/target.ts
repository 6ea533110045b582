// -target=ADDRESS, as Terraform does it: a plan narrowed to some resources (or instances) and what they need. A plan
// of changes adds the targets' dependencies, so what a target references exists first; a destroy adds their
// dependents instead, so nothing is left referring to a job that is gone.
import { addressMatches, normalizeAddress, parseAddress } from '../config/address.js'
import type { Diagnostics } from '../diagnostics/index.js'
import type { ResourceChange } from '../plan/types.js'

export interface TargetInput {
  targets: readonly string[]
  /** Each resource instance of the configuration and the instances it depends on (references and depends_on). */
  dependencies: ReadonlyMap<string, readonly string[]>
  destroy: boolean
}

/** The changes the targets select; the plan-wide warning (and any invalid address) goes to `diags`. */
export function targetChanges(changes: ResourceChange[], input: TargetInput, diags: Diagnostics): ResourceChange[] {
  const targets = input.targets.map((t) => t.trim())
  const invalid = targets.filter((t) => !parseAddress(t))
  for (const t of invalid) diags.error('Invalid -target address', { detail: `"${t}" is not a resource address.`, hint: 'Use type.name for a resource (every instance), or type.name[0] / type.name["key"] for one instance.' })
  if (invalid.length > 0) return changes
  const known = new Set([...changes.map((c) => c.address), ...input.dependencies.keys()])
  const selected = new Set<string>()
  for (const target of targets) {
    const matched = [...known].filter((a) => addressMatches(a, target))
    if (matched.length === 0) diags.warning('Target matches nothing', { detail: `No resource in the configuration or the state has the address ${normalizeAddress(target)}.`, hint: 'See sageform state list, and the resource blocks of the configuration.' })
    matched.forEach((a) => selected.add(a))
  }
  const next = input.destroy ? dependentsOf(input.dependencies) : input.dependencies
  for (const address of selected) for (const other of next.get(address) ?? []) selected.add(other)
  diags.warning('Resource targeting is in effect', {
    detail: `You are creating a plan with -target, which means that the result of this plan may not represent all of the changes requested by the current configuration (targeted: ${targets.map(normalizeAddress).join(', ')}).\n\nThe -target option is not for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes.`,
  })
  return changes.filter((c) => selected.has(c.address))
}

function dependentsOf(dependencies: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [address, needs] of dependencies) for (const need of needs) out.set(need, [...(out.get(need) ?? []), address])
  return out
}
