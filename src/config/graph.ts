// The dependency graph between locals, resources and outputs, built from the references in their expressions.
// Evaluation follows its order; a cycle is reported once, naming every member, and its members are not evaluated.
import { Diagnostics, type SourceRange } from '../diagnostics/index.js'
import { references, traversalPath, type Expr } from './ast.js'
import { RESOURCE_TYPES } from './module.js'

export interface GraphNode {
  /** `local.x`, `sagemaker_training_job.a` or `output.y`. */
  address: string
  exprs: Expr[]
  range: SourceRange
}

export interface Reference {
  /** The referenced node's address, e.g. `sagemaker_training_job.a` for `sagemaker_training_job.a.arn`. */
  target: string
  expr: Expr
}

/** The node a reference points at, or undefined for `var.*` and other roots that are not graph nodes. */
export function referenceTarget(expr: Expr): string | undefined {
  const path = traversalPath(expr)
  if (!path || path.length < 2) return undefined
  if (path[0] === 'local') return `local.${path[1]}`
  if ((RESOURCE_TYPES as readonly string[]).includes(path[0]!)) return `${path[0]}.${path[1]}`
  return undefined
}

function nodeReferences(node: GraphNode): Reference[] {
  return node.exprs.flatMap((e) => references(e)).flatMap((expr) => {
    const target = referenceTarget(expr)
    return target ? [{ target, expr }] : []
  })
}

/** Topological order (dependencies first, otherwise declaration order); nodes on a cycle are left out. */
export function dependencyOrder(nodes: GraphNode[], diags: Diagnostics): GraphNode[] {
  const byAddress = new Map(nodes.map((n) => [n.address, n]))
  const edges = new Map<string, string[]>()
  for (const node of nodes) {
    const refs = nodeReferences(node)
    for (const ref of refs.filter((r) => r.target === node.address)) {
      diags.error('Self-referential expression', { detail: `${node.address} refers to itself.`, range: ref.expr.range, address: node.address, hint: 'A value cannot depend on itself; use a variable or another resource.' })
    }
    edges.set(node.address, [...new Set(refs.map((r) => r.target))].filter((t) => byAddress.has(t) && t !== node.address))
  }
  const state = new Map<string, 'visiting' | 'done' | 'cyclic'>()
  const order: GraphNode[] = []
  const stack: string[] = []
  const visit = (address: string): boolean => {
    const s = state.get(address)
    if (s === 'done') return true
    if (s === 'cyclic') return false
    if (s === 'visiting') {
      const cycle = stack.slice(stack.indexOf(address))
      for (const member of cycle) state.set(member, 'cyclic')
      const node = byAddress.get(address)!
      diags.error('Cycle in references', {
        detail: `These refer to each other in a loop: ${[...cycle, address].join(' → ')}.`,
        range: node.range,
        address,
        hint: 'Break the loop: one of them must not depend on the others.',
      })
      return false
    }
    state.set(address, 'visiting')
    stack.push(address)
    let ok = true
    for (const dep of edges.get(address)!) ok = visit(dep) && ok
    stack.pop()
    if (state.get(address) === 'cyclic') return false
    state.set(address, ok ? 'done' : 'cyclic')
    if (ok) order.push(byAddress.get(address)!)
    return ok
  }
  for (const node of nodes) visit(node.address)
  return order
}
