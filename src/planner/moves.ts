// moved blocks, as Terraform applies them: before planning, each statement (in chain order) renames the records at its
// `from` to its `to`, so a refactored resource keeps its jobs and plans no replacement. Adding `count` to a resource
// moves its record to [0], and removing it moves [0] back, unless a statement says otherwise. A move whose destination
// already has a record is not done, with a warning, as in Terraform.
import { Diagnostics } from '../diagnostics/index.js'
import { resourceOf } from '../config/address.js'
import { chainOrder, keyless } from '../model/moves.js'
import type { Configuration, MoveStatement, Repetition } from '../model/types.js'
import { moveEntry, type State } from '../model/state.js'

export interface ResolvedMoves {
  state: State | undefined
  /** The original address of every record that moved, by its new address. */
  previous: Map<string, string>
}

type Move = Pick<MoveStatement, 'from' | 'to'>

/** Adding count moves the lone record to [0]; removing count moves [0] back (Terraform's implied moves). */
function impliedMoves(declared: ReadonlyMap<string, Repetition>, state: State, explicit: readonly MoveStatement[]): Move[] {
  const mentioned = new Set(explicit.flatMap((s) => [resourceOf(s.from), resourceOf(s.to)]))
  const out: Move[] = []
  const recorded = new Map<string, string[]>()
  for (const a of Object.keys(state.resources)) {
    const list = recorded.get(resourceOf(a))
    if (list) list.push(a)
    else recorded.set(resourceOf(a), [a])
  }
  for (const [address, repetition] of declared) {
    if (mentioned.has(address)) continue
    const instances = recorded.get(address) ?? []
    const zero = `${address}[0]`
    if (repetition === 'count' && instances.length === 1 && instances[0] === address) out.push({ from: address, to: zero })
    if (repetition === 'single' && instances.length === 1 && instances[0] === zero) out.push({ from: zero, to: address })
  }
  return out
}

/** The state as the plan sees it once every move is done. Pure: the caller's state is not changed. */
export function resolveMoves(config: Pick<Configuration, 'moved' | 'declared'>, state: State | undefined, diags = new Diagnostics()): ResolvedMoves {
  const previous = new Map<string, string>()
  if (!state) return { state, previous }
  const { order, cycles } = chainOrder(config.moved)
  if (cycles.length > 0) return { state, previous }
  let moved = state
  const blocked: string[] = []
  const moves: Move[] = [...impliedMoves(config.declared, state, config.moved), ...order]
  for (const statement of moves) {
    const wholeResource = keyless(statement.from) && keyless(statement.to)
    const pairs = wholeResource
      ? Object.keys(moved.resources).filter((a) => resourceOf(a) === statement.from).map((a) => [a, statement.to + a.slice(statement.from.length)] as const)
      : moved.resources[statement.from]
        ? [[statement.from, statement.to] as const]
        : []
    for (const [from, to] of pairs) {
      if (moved.resources[to]) {
        blocked.push(`  - ${from} could not move to ${to}`)
        continue
      }
      moved = moveEntry(moved, from, to)
      const origin = previous.get(from) ?? from
      previous.delete(from)
      if (origin !== to) previous.set(to, origin)
    }
  }
  if (blocked.length > 0) {
    diags.warning('Unresolved resource instance address changes', {
      detail: `sageform tried to adjust resource instance addresses in the prior state based on change information recorded in the configuration, but some adjustments did not succeed due to existing objects already at the intended addresses:\n${blocked.join('\n')}\n\nsageform has planned to stop these objects. If sageform's proposed changes aren't appropriate, you must first resolve the conflicts using the "sageform state" subcommands and then create a new plan.`,
    })
  }
  return { state: moved, previous }
}

/**
 * Where a record found under `address` belongs in this configuration: the address itself when declared, else the end
 * of the moved blocks' chain from it (a Terraform state's provider address after sageform convert, say).
 */
export function movedAddress(config: Pick<Configuration, 'moved' | 'resources'>, address: string): string {
  if (config.resources.some((r) => r.address === address)) return address
  const { order, cycles } = chainOrder(config.moved)
  if (cycles.length > 0) return address
  let at = address
  for (const statement of order) {
    if (keyless(statement.from) && keyless(statement.to) && resourceOf(at) === statement.from) at = statement.to + at.slice(statement.from.length)
    else if (at === statement.from) at = statement.to
  }
  return at
}
