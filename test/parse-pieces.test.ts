// Large configurations are parsed in pieces on two threads (src/config/parse-pieces.ts). With every file cut at every
// cut point and the pieces shared out between the main thread and the worker, each manifest of the repository, a
// generated 1,000-job file and constructed edge cases give the same located syntax tree and the same diagnostics as the
// whole file parsed on the main thread; where the pieces parse, their top-level items are the whole file's, node for node.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { generatedConfiguration } from '../bench/generate.js'
import { cutPoints, planPieces } from '../src/config/parse-pieces.js'
import { hclParser, parseHcl, parseHclFiles, type ManifestText, type PieceOptions } from '../src/config/parse.js'
import { SyntaxTree } from '../src/config/syntax-tree.js'

const ROOT = join(import.meta.dirname, '..')
/** The worker entry that loads the TypeScript sources (a worker does not inherit mocha's tsx loader). */
const WORKER = new URL('./helpers/parse-worker.mjs', import.meta.url)

function manifests(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.hcl') || f.endsWith('.tf'))
    .map((f) => join(dir, f))
    .sort()
}

/** A tree's top-level items node by node (type, range, depth). */
function items(tree: SyntaxTree): string[] {
  const out: string[] = []
  const walk = (node: number, depth: number) => {
    out.push(`${tree.type(node)} ${tree.from[node]}-${tree.to[node]} ${depth}`)
    for (const child of tree.children(node)) walk(child, depth + 1)
  }
  const body = tree.namedChild(0, 'body')
  if (body !== undefined) for (const child of tree.children(body)) walk(child, 0)
  return out
}

/**
 * What parseHclFiles puts together from the pieces at every cut (their top-level items in order, the last piece's root
 * end), and the same of the whole file's tree; pieces undefined when one of them does not parse.
 */
async function trees(source: string): Promise<{ whole?: string[]; pieces?: string[] }> {
  const { parser, wasm, language } = await hclParser()
  const read = (start: number, end: number): SyntaxTree | undefined => {
    const text = source.slice(start, end)
    const tree = parser.parse(text)!
    try {
      return tree.rootNode.hasError ? undefined : SyntaxTree.fromParts(SyntaxTree.copy(tree, wasm, text.length, start), language, source)
    } finally {
      tree.delete()
    }
  }
  const whole = read(0, source.length)
  const pieces = planPieces([source.length], [source], 0.5, true).map((p) => read(p.start, p.end))
  return {
    whole: whole && [...items(whole), `end ${whole.to[0]}`],
    pieces: pieces.every((p) => p) ? [...pieces.flatMap((p) => items(p!)), `end ${pieces.at(-1)!.to[0]}`] : undefined,
  }
}

/** Parsed in pieces at every cut, shared out between the threads: the same as each file parsed whole. */
async function assertSameAsWhole(files: ManifestText[]): Promise<PieceReport> {
  const expected = await Promise.all(files.map((f) => parseHcl(f.path, f.source)))
  const report = { workerPieces: 0, merged: 0, whole: 0 }
  assert.deepEqual(await parseHclFiles(files, { direct: false, everyCut: true, workerUrl: WORKER, report }), expected)
  return report
}

type PieceReport = NonNullable<PieceOptions['report']>

describe('parsing in pieces on two threads', () => {
  it('cuts after a line that is only } and before a line that starts with an identifier', () => {
    const text = 'a {\n}\nb {\n  c {\n  }\n}\r\n\r\n \t\n_d "x" {\n}\n# e\nf {\n}\n  g = 1\n}  \n"h" {}\n'
    assert.deepEqual(
      cutPoints(text).map((at) => text.slice(at, at + 2)),
      ['b ', '_d'],
    )
  })

  it('gives the same trees and diagnostics for every manifest of the repository', async function () {
    this.timeout(120_000)
    const paths = [...manifests(join(ROOT, 'test', 'fixtures')), ...manifests(join(ROOT, 'examples'))]
    assert.ok(paths.length > 150, `only ${paths.length} manifests`)
    const files = paths.map((path) => ({ path: relative(ROOT, path), source: readFileSync(path, 'utf8') }))
    let mergedFromPieces = 0
    for (const { path, source } of files) {
      const { whole, pieces } = await trees(source)
      if (whole && pieces) {
        assert.deepEqual(pieces, whole, path)
        if (cutPoints(source).length > 0) mergedFromPieces++
      }
    }
    // Most manifests have several top-level blocks: the pieces, not the fallback, are what is compared.
    assert.ok(mergedFromPieces > 80, `only ${mergedFromPieces} manifests were put together from pieces`)
    const report = await assertSameAsWhole(files)
    assert.ok(report.workerPieces > 80 && report.merged > 80, `the worker parsed ${report.workerPieces} pieces, ${report.merged} files were put together from pieces`)
  })

  it('gives the same for several files, shared out whole and in pieces', async function () {
    this.timeout(120_000)
    // Large enough for the default plan: the last file goes to the worker whole, the middle one's tail with it, in two.
    const large = [100, 300, 100].map((jobs, i) => ({ path: `${i}.hcl`, source: generatedConfiguration(jobs, 'training') }))
    const pieces = planPieces(large.map((f) => f.source.length), large.map((f) => f.source), 0.42)
    assert.deepEqual(
      pieces.map((p) => [p.file, p.start === 0, p.end === large[p.file]!.source.length, p.onWorker]),
      [[0, true, true, false], [1, true, false, false], [1, false, false, true], [1, false, true, true], [2, true, true, true]],
    )
    const report = { workerPieces: 0, merged: 0, whole: 0 }
    assert.deepEqual(await parseHclFiles(large, { direct: false, workerUrl: WORKER, report }), await Promise.all(large.map((f) => parseHcl(f.path, f.source))))
    assert.deepEqual(report, { workerPieces: 3, merged: 3, whole: 0 })
  })

  it('gives the same for 1,000 generated training jobs, node for node, and at the default share', async function () {
    this.timeout(120_000)
    const source = generatedConfiguration(1000, 'training')
    const { whole, pieces } = await trees(source)
    assert.ok(whole && pieces)
    assert.deepEqual(pieces, whole)
    const expected = await parseHcl('main.hcl', source)
    const report = { workerPieces: 0, merged: 0, whole: 0 }
    assert.deepEqual(await parseHclFiles([{ path: 'main.hcl', source }], { direct: false, workerUrl: WORKER, report }), [expected])
    assert.deepEqual(report, { workerPieces: 2, merged: 1, whole: 0 })
  })

  const EDGES: Record<string, string> = {
    'CRLF line endings': 'variable "a" {\r\n  default = 1\r\n}\r\n\r\nlocals {\r\n  b = "x"\r\n}\r\nlocals {\r\n  c = 2\r\n}\r\n',
    'tabs and comments around the cuts': '# head\nlocals {\n\tx = 1 # one\n}\n\t\n/* between */\nlocals {\n\ty = 2\n}\n// tail\nlocals {\n\tz = 3\n}\n# end\n',
    'non-ASCII text before and after the cuts': 'locals {\n  a = "é 😀 ü"\n}\nlocals {\n  b = "日本語 ${local.a}"\n}\nlocals {\n  c = "ß"\n}\n',
    'a heredoc that ends just before a cut': 'locals {\n  doc = <<-EOT\n    text }\n    EOT\n}\nlocals {\n  x = 1\n}\n',
    'a heredoc holding a } line and a resource header': 'locals {\n  doc = <<EOT\nbefore\n}\nresource "x" "y" {\nafter\nEOT\n}\nlocals {\n  x = 1\n}\n',
    'an indented heredoc holding them': 'locals {\n  doc = <<-EOT\n}\nresource "x" "y" {\n  EOT\n}\n',
    'a block comment holding them': 'locals {\n  a = 1\n}\n/*\n}\nresource "x" "y" {\n*/\nlocals {\n  b = 2\n}\n',
    'a nested block closed at column 0': 'resource "a" "b" {\n  nested {\n}\nname = 1\n}\nlocals {\n  c = 1\n}\n',
    'a syntax error after a cut': 'locals {\n  a = 1\n}\nlocals {\n  b = = 2\n}\n',
    'an exponent literal HashiCorp accepts and the grammar does not': 'locals {\n  a = 1\n}\nlocals {\n  b = 1e-7\n}\n',
    'a hexadecimal literal': 'locals {\n  a = 1\n}\nlocals {\n  b = 0x10\n}\n',
    'top-level attributes': 'a = 1\nlocals {\n}\nb = 2\n',
  }
  it('gives the same for CRLF, tabs, comments, heredocs and non-ASCII text at the cuts, and for files that fall back', async () => {
    for (const [name, source] of Object.entries(EDGES)) {
      const { whole, pieces } = await trees(source)
      if (whole && pieces) assert.deepEqual(pieces, whole, name)
    }
    const report = await assertSameAsWhole(Object.entries(EDGES).map(([name, source]) => ({ path: `${name}.hcl`, source })))
    assert.ok(report.merged >= 5 && report.whole >= 5, `${report.merged} merged, ${report.whole} parsed whole`)
  })

  it('parses the pieces of a cut inside a heredoc with errors, so the file is parsed whole', async () => {
    const source = EDGES['a heredoc holding a } line and a resource header']!
    assert.ok(cutPoints(source).some((at) => source.slice(at).startsWith('resource "x"')))
    const { whole, pieces } = await trees(source)
    assert.ok(whole, 'the whole file parses')
    assert.equal(pieces, undefined, 'a piece cut inside the heredoc does not')
    const [result] = await parseHclFiles([{ path: 'edge.hcl', source }], { direct: false, everyCut: true, workerUrl: WORKER })
    const doc = result!.file!.body.blocks[0]!.body.attributes[0]!.expr
    assert.deepEqual(doc.kind === 'template' && doc.parts, [{ kind: 'text', text: 'before\n}\nresource "x" "y" {\nafter\n' }])
  })

  for (const [name, code] of Object.entries({ 'throws when it starts': 'throw new Error("injected")', 'exits without an answer': 'process.exit(3)', 'answers nothing useful': 'require("node:worker_threads").parentPort.once("message", () => require("node:worker_threads").parentPort.postMessage({ trees: [] }))' })) {
    it(`parses every file on the main thread when the worker ${name}`, async () => {
      const source = generatedConfiguration(20, 'training')
      const workerUrl = new URL(`data:text/javascript,${encodeURIComponent(code.includes('require') ? `import { createRequire } from "node:module"; const require = createRequire("file:///"); ${code}` : code)}`)
      const report = { workerPieces: 0, merged: 0, whole: 0 }
      assert.deepEqual(await parseHclFiles([{ path: 'main.hcl', source }], { direct: false, everyCut: true, workerUrl, report }), [await parseHcl('main.hcl', source)])
      assert.deepEqual(report, { workerPieces: 0, merged: 0, whole: 1 })
    })
  }

  it('parses a file whole when the worker dies after answering for some of its pieces', async () => {
    const source = generatedConfiguration(20, 'training')
    const dying = `import { parentPort } from 'node:worker_threads'
const post = parentPort.postMessage.bind(parentPort)
parentPort.postMessage = (message, transfer) => { post(message, transfer); process.exit(1) }
await import(${JSON.stringify(WORKER.href)})`
    const workerUrl = new URL(`data:text/javascript,${encodeURIComponent(dying)}`)
    const report = { workerPieces: 0, merged: 0, whole: 0 }
    assert.deepEqual(await parseHclFiles([{ path: 'main.hcl', source }], { direct: false, everyCut: true, workerUrl, report }), [await parseHcl('main.hcl', source)])
    assert.deepEqual(report, { workerPieces: 1, merged: 0, whole: 1 })
  })

  it('parses every file on the main thread when the worker cannot be started', async () => {
    const source = generatedConfiguration(5, 'training')
    const workerUrl = new URL('file:///nonexistent/parse-worker.js')
    assert.deepEqual(await parseHclFiles([{ path: 'main.hcl', source }], { direct: false, everyCut: true, workerUrl }), [await parseHcl('main.hcl', source)])
  })
})
