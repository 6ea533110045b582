// The syntax tree is copied out of tree-sitter's WASM memory by calling the module's cursor exports directly
// (src/config/syntax-tree.ts). This checks that copy, node by node, against web-tree-sitter's public Node API on a
// manifest that uses every construct the converter reads, so a web-tree-sitter upgrade that changes them fails here.
import assert from 'node:assert/strict'
import type { Node } from 'web-tree-sitter'
import { hclParser, parseHcl } from '../src/config/parse.js'
import { SyntaxTree } from '../src/config/syntax-tree.js'

const SOURCE = `# a comment
variable "names" {
  default = ["a", "b"] // trailing comment
}
locals {
  doc = <<-EOT
    Hello %{ if true }\${var.names[0]}%{ else }none%{ endif }
    %{ for n in var.names ~}
    - \${n}
    %{ endfor }
  EOT
  plain   = <<EOF
é 😀 text
EOF
  squares = [for i, v in [1, 2, 3] : v * v if i > 0]
  byname  = { for n in var.names : n => upper(n)... }
  splat   = [{ a = 1 }][*].a
  legacy  = var.names.0
  mixed   = (1 + 2) * -3 > 4 ? "yes" : "no"
  call    = concat(var.names, ["c"]...)
  object  = { "quoted key" = 1, bare = /* inline */ 2, (local.plain) : 3 }
  exp     = 1.5e3
}
resource "sagemaker_training_job" "t" {
  name_prefix = "x-\${local.exp}"
  nested {
    deeper { value = true }
  }
}
`

type Row = [type: string, from: number, to: number, depth: number]

/** The public API's view of a subtree: type, range and children, except the children of nodes the walk leaves closed. */
function viaNodes(node: Node, out: Row[], depth = 0): void {
  out.push([node.type, node.startIndex, node.endIndex, depth])
  if (['string_lit', 'numeric_lit', 'comment'].includes(node.type)) return
  for (const child of node.children) if (child) viaNodes(child, out, depth + 1)
}

function viaSyntaxTree(tree: SyntaxTree, node: number, out: Row[], depth = 0): void {
  out.push([tree.type(node), tree.from[node]!, tree.to[node]!, depth])
  for (const child of tree.children(node)) viaSyntaxTree(tree, child, out, depth + 1)
}

describe('syntax tree copied out of WASM', () => {
  it('has the nodes, ranges and children of the Node API, in document order', async () => {
    const { parser, wasm } = await hclParser()
    const tree = parser.parse(SOURCE)!
    try {
      assert.equal(tree.rootNode.hasError, false)
      const expected: Row[] = []
      viaNodes(tree.rootNode, expected)
      const syntax = SyntaxTree.read(tree, wasm, SOURCE)
      const actual: Row[] = []
      viaSyntaxTree(syntax, 0, actual)
      assert.deepEqual(actual, expected)
      assert.equal(syntax.size, expected.length)
      const body = syntax.namedChild(0, 'body')!
      assert.deepEqual(
        syntax.namedChildren(body).map((n) => syntax.type(n)),
        // Comments are left out of named children: they are extras, never part of what the converter reads.
        tree.rootNode.namedChildren.find((c) => c?.type === 'body')!.namedChildren.filter((c) => c!.type !== 'comment').map((c) => c!.type),
      )
      assert.equal(syntax.nodeText(syntax.ofType('numeric_lit').at(-1)!), '1.5e3')
    } finally {
      tree.delete()
    }
  })

  it('converts that manifest into the located syntax tree', async () => {
    const { file, diagnostics } = await parseHcl('main.hcl', SOURCE)
    assert.deepEqual(diagnostics, [])
    assert.deepEqual(
      file!.body.blocks.map((b) => b.type),
      ['variable', 'locals', 'resource'],
    )
    const plain = file!.body.blocks[1]!.body.attributes.find((a) => a.name === 'plain')!
    assert.deepEqual(plain.expr.range.start, { line: 12, column: 13, byte: SOURCE.indexOf('<<EOF') })
    const squares = file!.body.blocks[1]!.body.attributes.find((a) => a.name === 'squares')!
    // After the heredoc's é (two bytes, one UTF-16 unit) and emoji (four bytes, two UTF-16 units, one column).
    assert.deepEqual(squares.nameRange.start, { line: 15, column: 3, byte: SOURCE.indexOf('squares') + 3 })
    assert.equal(plain.expr.range.end.line, 14)
  })

  it('grows past its first guess of the node count', async () => {
    const { parser, wasm } = await hclParser()
    // A dense tuple has more nodes than half its characters, the first capacity.
    const dense = `a = [${Array.from({ length: 3000 }, (_, i) => i % 10).join(',')}]\n`
    const tree = parser.parse(dense)!
    try {
      const syntax = SyntaxTree.read(tree, wasm, dense)
      assert.ok(syntax.size > dense.length >> 1)
      const tuple = syntax.ofType('tuple')[0]!
      assert.equal(syntax.namedChildren(tuple).filter((n) => syntax.type(n) === 'expression').length, 3000)
    } finally {
      tree.delete()
    }
  })
})
