// Terraform's checks of moved blocks against the configuration alone (validate runs them too): a statement must move
// something somewhere else, from an address no longer declared, and statements must not disagree or form a cycle.
import type { Diagnostics } from '../diagnostics/index.js'
import { parseAddress } from '../config/address.js'
import type { Configuration, MoveStatement } from './types.js'

export const keyless = (address: string) => parseAddress(address)?.key === undefined

/** Statements in the order a chain needs (a→b before b→c), or the cycles that leave no final address. */
export function chainOrder(statements: readonly MoveStatement[]): { order: MoveStatement[]; cycles: MoveStatement[][] } {
  const order: MoveStatement[] = []
  const cycles: MoveStatement[][] = []
  const state = new Map<MoveStatement, 'visiting' | 'done'>()
  const stack: MoveStatement[] = []
  // b→c must wait for every statement that moves something to b.
  const before = (s: MoveStatement) => statements.filter((o) => o !== s && o.to === s.from)
  const visit = (s: MoveStatement): void => {
    if (state.get(s) === 'done') return
    if (state.get(s) === 'visiting') {
      cycles.push(stack.slice(stack.indexOf(s)))
      return
    }
    state.set(s, 'visiting')
    stack.push(s)
    for (const o of before(s)) visit(o)
    stack.pop()
    state.set(s, 'done')
    order.push(s)
  }
  for (const s of statements) visit(s)
  return { order, cycles }
}

/** Terraform's checks of moved blocks against the configuration: redundant, still declared, ambiguous, cyclic. */
export function validateMoves(config: Pick<Configuration, 'moved' | 'declared' | 'resources'>, diags: Diagnostics): void {
  const instances = new Set(config.resources.map((r) => r.address))
  const fromSeen = new Map<string, MoveStatement>()
  const toSeen = new Map<string, MoveStatement>()
  const at = (s: MoveStatement) => `${s.range.file}:${s.range.start.line},${s.range.start.column}`
  let errors = false
  const error = (summary: string, detail: string, s: MoveStatement) => {
    errors = true
    diags.error(summary, { detail, range: s.range })
  }
  for (const s of config.moved) {
    if (s.from === s.to) {
      error('Redundant move statement', `This statement declares a move from ${s.from} to the same address, which is the same as not declaring this move at all.`, s)
      continue
    }
    const wholeResource = keyless(s.from) && keyless(s.to)
    const [noun, shortNoun] = wholeResource ? ['resource', 'resource'] : ['resource instance', 'instance']
    if (wholeResource ? config.declared.has(s.from) : instances.has(s.from)) {
      error('Moved object still exists', `This statement declares a move from ${s.from}, but that ${noun} is still declared.\n\nChange your configuration so that this ${shortNoun} will be declared as ${s.to} instead.`, s)
    }
    const sameFrom = fromSeen.get(s.from)
    if (sameFrom && sameFrom.to !== s.to) {
      error('Ambiguous move statements', `A statement at ${at(sameFrom)} declared that ${s.from} moved to ${sameFrom.to}, but this statement instead declares that it moved to ${s.to}.\n\nEach ${noun} can move to only one destination ${shortNoun}.`, s)
    } else fromSeen.set(s.from, s)
    const sameTo = toSeen.get(s.to)
    if (sameTo && sameTo.from !== s.from) {
      error('Ambiguous move statements', `A statement at ${at(sameTo)} declared that ${sameTo.from} moved to ${s.to}, but this statement instead declares that ${s.from} moved there.\n\nEach ${noun} can have moved from only one source ${shortNoun}.`, s)
    } else toSeen.set(s.to, s)
  }
  if (errors) return
  for (const cycle of chainOrder(config.moved).cycles) {
    const lines = cycle.map((s) => `\n  - ${at(s)}: ${s.from} → ${s.to}`).sort()
    diags.error('Cyclic dependency in move statements', {
      detail: `The following chained move statements form a cycle, and so there is no final location to move objects to:${lines.join('')}\n\nA chain of move statements must end with an address that doesn't appear in any other statements, and which typically also refers to an object still declared in the configuration.`,
      range: cycle[0]!.range,
    })
  }
}
