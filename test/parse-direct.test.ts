// The direct parser (src/config/parse-direct.ts) against tree-sitter's path: whatever it reads, tree-sitter must parse
// without an error into the same located AST, node for node and range for range. Checked on every manifest under test,
// on edge cases of every construct it reads or gives up on, and on thousands of mutated and generated texts.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedConfiguration } from '../bench/generate.js'
import type { ConfigFile } from '../src/config/ast.js'
import { parseDirect } from '../src/config/parse-direct.js'
import { MAX_NESTING, parseHcl, parseHclFiles } from '../src/config/parse.js'

const root = join(import.meta.dirname, '..')

function manifests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return manifests(path)
    return /\.(hcl|tf)$/.test(entry.name) ? [path] : []
  })
}

/** What the direct parser made of `source`, checked against tree-sitter's path; undefined when it gave up. */
async function direct(source: string, path = 'main.hcl'): Promise<ConfigFile | undefined> {
  const file = parseDirect(path, source)
  if (file === undefined) return undefined
  const expected = await parseHcl(path, source)
  assert.deepEqual(expected.diagnostics, [], `the direct parser read a text tree-sitter's path refuses:\n${source}`)
  assert.deepStrictEqual(file, expected.file, `the direct parser's AST differs from tree-sitter's for:\n${source}`)
  return file
}

/** A deterministic pseudo-random sequence (mulberry32), so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let a = seed
  return (n) => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

const corpus = [...manifests(join(root, 'test/fixtures')), ...manifests(join(root, 'examples'))].map((path) => ({ path, source: readFileSync(path, 'utf8') }))
corpus.push({ path: 'generated.hcl', source: generatedConfiguration(40) })

describe('direct parser', () => {
  it('makes the same AST as tree-sitter for every manifest under test it reads, and reads most of them', async () => {
    let read = 0
    for (const { path, source } of corpus) if (await direct(source, path)) read++
    // The manifests it leaves to tree-sitter have for expressions, splats or heredocs, or a syntax error.
    assert.ok(read >= corpus.length - 12, `read ${read} of ${corpus.length}`)
  })

  const reads = [
    'x = 1 + 2 * 3 - 4 / 5 % 6\n',
    'x = a || b && c == d != e > f >= g < h <= i\n',
    'x = a == b == c\n',
    'x = -a * b\n',
    'x = !a.b\n',
    'x = - 1\n',
    'x = a * -b - -c\n',
    'x = (a + b) * c\n',
    'x = a * (b + c)\n',
    'x = (a)\n',
    'x = ((a))\n',
    'x = -(a)\n',
    'x = (a) + (b)\n',
    'x = ( a ? b : c ) * 2\n',
    'x = (a) ? (b) : c\n',
    'x = a ? b : c\n',
    'x = a > 1 ? "x" : "y"\n',
    'x = a ? b + 1 : c * 2\n',
    'x = 1-2\n',
    'x = a-b\n',
    'x = a -b\n',
    'x = a / b // a comment\n',
    'x = a / b # a comment\n',
    'x = "a${b}c${d.e}"\n',
    'x = "${f("k")}"\n',
    'x = "${ a }"\n',
    'x = "${a}${b}"\n',
    'x = "a$b%c $ %"\n',
    'x = "100%"\n',
    'x = "$"\n',
    'x = ""\n',
    'x = "\\n\\t\\r\\"\\\\"\n',
    'x = "é ünï ${a} 😀 ∑"\n',
    'x = "${"${a}"}"\n',
    'x = [1, 2,]\n',
    'x = [\n  1, # one\n  2, // two\n]\n',
    'x = [ # first\n  1\n]\n',
    'x = {a = 1, b = 2}\n',
    'x = {\n  a = 1\n  "b c" = 2\n  d: 3\n  "${e}" = 4\n}\n',
    'x = {\n  a = 1 # c\n  b = 2 // d\n}\n',
    'x = {\n  a = 1,\n  b = 2,\n}\n',
    'x = {}\n',
    'x = []\n',
    'x = { }\n',
    'x = [[1], {a = [2]}]\n',
    'x = f()\n',
    'x = f(1, "a", [b],)\n',
    'x = f(\n  1,\n  2\n)\n',
    'x = f(a)[0].b\n',
    'x = [1, 2][0]\n',
    'x = { a = 1 }.a\n',
    'x = var.a.b[0]["k"]\n',
    'x = local.m[var.k]\n',
    'x = a[\n  0\n]\n',
    'x = 1.5\n',
    'x = 0.00001\n',
    'x = 1.5e3\n',
    'x = 1.5E-3\n',
    'x = 99999999999999999999999999\n',
    'x = 007\n',
    'x = true\ny = false\nz = null\n',
    'x_y-z = a_b-c\n',
    'b {}\n',
    'b {\n}\n',
    'b "l1" l2 {\n  x = 1\n}\n',
    'b { # c\n  x = 1 # d\n}  # e\n',
    'a {\n  b {\n    c {\n      x = 1\n    }\n  }\n\n  y = 2\n}\n',
    '# c\n// d\nx = 1\n',
    '',
    '  \n\n',
    '# only a comment',
    'x = 1',
    'x = 1\n\n\n',
    '\n\n  x = 1\n',
    'x   =   1   \n',
    '\tx\t=\t1\n',
    'variable "é" {\n  default = "ü"\n}\n',
    `x = ${'['.repeat(60)}${']'.repeat(60)}\n`,
    `x = ${Array(60).fill('1').join(' + ')}\n`,
  ]
  for (const source of reads) {
    it(`reads ${JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}…` : source)} as tree-sitter does`, async () => {
      assert.ok(await direct(source), 'gave up')
    })
  }

  const givesUp = [
    'x = <<EOF\nhi\nEOF\n',
    'x = "%{ if a }b%{ endif }"\n',
    'x = [for v in l : v]\n',
    'x = {for k, v in m : k => v}\n',
    'x = a[*].b\n',
    'x = a.*.b\n',
    'x = a.0\n',
    'x = 1e5\n',
    'x = 0x10\n',
    'x = 1.\n',
    'x = f(l...)\n',
    'x = a ? b : c ? d : e\n',
    'x = /* c */ 1\n',
    'x = 1 /* c */\n',
    'x = 1\r\n',
    'x = 1 y = 2\n',
    'b { x = 1 }\n',
    'x =\n1\n',
    'x = "${~a}"\n',
    'x = "${a~}"\n',
    'x = "\\u00e9"\n',
    'x = "\\q"\n',
    'x = "$${a}"\n',
    'x = "%%{a}"\n',
    'x = "a\tb"\n',
    'x = "${}"\n',
    'x = a ? # c\n  b : c\n',
    'x = (a).b\n',
    'x = (a)[0]\n',
    'x = --a\n',
    'x = !-a\n',
    'x = a::b\n',
    'x = true.x\n',
    'x = "a".b\n',
    'for = 1\n',
    'x = { for = 1 }\n',
    'x = { true = 1 }\n',
    'x = {\n  (a) = 1\n}\n',
    '{ "a": 1 }\n',
    'x = [\n  1\n  2\n]\n',
    'x = { a = 1 b = 2 }\n',
    'x = é\n',
    'é = 1\n',
    'b "${a}" {\n}\n',
    'x = f (1)\n',
    'x = a [0]\n',
    'x = a\n  .b\n',
    'x = a\n+ 1\n',
    'x = 1 +\n  2\n',
    'x = {\n  a =\n  1\n}\n',
    'b\n"l" {\n}\n',
    'x = 1 }\n',
    'b {\n  x = 1\n',
    'x = "abc\n',
    'x = [1, 2\n',
    `x = ${'['.repeat(100)}${']'.repeat(100)}\n`,
    `x = ${Array(100).fill('1').join(' + ')}\n`,
  ]
  for (const source of givesUp) {
    it(`leaves ${JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}…` : source)} to tree-sitter`, () => {
      assert.equal(parseDirect('main.hcl', source), undefined)
    })
  }

  it(`leaves nesting deeper than tree-sitter's path allows (${MAX_NESTING}) to it, which reports it`, async () => {
    const [result] = await parseHclFiles([{ path: 'main.hcl', source: `x = ${'['.repeat(MAX_NESTING + 1)}${']'.repeat(MAX_NESTING + 1)}\n` }])
    assert.equal(result!.diagnostics[0]?.summary, 'Expression nested too deeply')
  })

  it('parseHclFiles gives the files it reads and the files tree-sitter parses, in order', async () => {
    const files = [
      { path: 'a.hcl', source: 'x = 1\n' },
      { path: 'b.hcl', source: 'x = [for v in l : v]\n' },
      { path: 'c.hcl', source: 'x = {\n' },
      { path: 'd.hcl', source: 'y = "d"\n' },
    ]
    assert.deepEqual(await parseHclFiles(files), await parseHclFiles(files, { direct: false }))
  })

  it('agrees with tree-sitter on thousands of mutated manifests (each it reads parses the same)', async function () {
    this.timeout(120_000)
    const next = random(17)
    const pool = ['"', '{', '}', '[', ']', '(', ')', ',', '=', ':', '?', '.', '#', '/', '*', '-', '+', '!', '<', '>', '&', '|', '$', '%', '\\', '\n', ' ', '\t', 'a', '1', 'e', '~', '${', '//', '==', '...', '[*]', '<<EOF\n', 'é']
    const seeds = [...corpus.filter(({ source }) => parseDirect('main.hcl', source) !== undefined && source.length < 6000), ...reads.map((source) => ({ path: 'main.hcl', source }))]
    let read = 0
    let mutants = 0
    for (let round = 0; round < 12; round++) {
      for (const { source } of seeds) {
        let text = source
        const edits = 1 + next(3)
        for (let e = 0; e < edits; e++) {
          const at = next(text.length + 1)
          switch (next(5)) {
            case 0:
              text = text.slice(0, at) + text.slice(at + 1 + next(3))
              break
            case 1:
              text = text.slice(0, at) + pool[next(pool.length)]! + text.slice(at)
              break
            case 2: {
              const from = next(text.length + 1)
              text = text.slice(0, at) + text.slice(from, from + next(12)) + text.slice(at)
              break
            }
            case 3:
              text = text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2)
              break
            default: {
              const lines = text.split('\n')
              lines.splice(next(lines.length), 1)
              text = lines.join('\n')
            }
          }
        }
        mutants++
        if (await direct(text)) read++
      }
    }
    // Enough of the mutants are read for the comparison to mean something.
    assert.ok(read > mutants / 5, `read ${read} of ${mutants} mutants`)
  })

  it('agrees with tree-sitter on generated expressions (operators, parentheses, calls, collections, templates)', async function () {
    this.timeout(60_000)
    const next = random(29)
    const BINARY = ['||', '&&', '==', '!=', '>', '>=', '<', '<=', '+', '-', '*', '/', '%']
    const expression = (depth: number): string => {
      const pick = depth > 3 ? next(4) : next(12)
      switch (pick) {
        case 0:
          return String(next(100)) + (next(4) === 0 ? `.${next(100)}` : '')
        case 1:
          return ['a', 'var.b', 'local.c.d', 'e[0]', 'f["k"]', 'true', 'null', 'g-h'][next(8)]!
        case 2:
          return `"t${next(2) === 0 ? '${' + expression(depth + 1) + '}' : ''}u"`
        case 3:
          return `"${['', 'x', 'a b', '\\n', '$', '%', 'é'][next(7)]}"`
        case 4:
        case 5:
        case 6:
          return `${expression(depth + 1)}${[' ', ''][next(2)]}${BINARY[next(BINARY.length)]} ${expression(depth + 1)}`
        case 7:
          return `${['-', '!'][next(2)]}${expression(depth + 1)}`
        case 8:
          return `(${expression(depth + 1)})`
        case 9:
          return `${expression(depth + 1)} ? ${expression(depth + 1)} : ${expression(depth + 1)}`
        case 10:
          return `fn(${expression(depth + 1)}, ${expression(depth + 1)})`
        default:
          return next(2) === 0 ? `[${expression(depth + 1)}, ${expression(depth + 1)}]` : `{ k = ${expression(depth + 1)}, "l" = ${expression(depth + 1)} }`
      }
    }
    let read = 0
    const count = 3000
    for (let n = 0; n < count; n++) if (await direct(`x = ${expression(0)}\n`)) read++
    assert.ok(read > count / 3, `read ${read} of ${count}`)
  })
})
