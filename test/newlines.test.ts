// HCL's newline rules, which tree-sitter's grammar does not know (it reads every newline as a blank): what breaks them
// gets HashiCorp's own message, what keeps them parses as before.
import assert from 'node:assert/strict'
import { parseHclFiles } from '../src/config/parse.js'

async function diagnostics(source: string): Promise<string[]> {
  const [result] = await parseHclFiles([{ path: 'main.hcl', source }])
  return result!.diagnostics.map((d) => `${d.summary} at ${d.range?.start.line}:${d.range?.start.column}`)
}

describe("HCL's newline rules", () => {
  const refused: Array<[string, string]> = [
    ['a = 1 b = 2\n', 'Missing newline after argument at 1:7'],
    ['x = { a = 1 b = 2 }\n', 'Missing attribute separator at 1:13'],
    ['a =\n  1\n', 'Invalid expression at 1:4'],
    ['b {\n  c = 1 }\n', 'Missing newline after argument at 2:9'],
    ['b {} c {}\n', 'Missing newline after block definition at 1:6'],
    ['b { c {} }\n', 'Argument definition required at 1:5'],
    ['b { c = 1\n}\n', 'Invalid single-argument block definition at 1:10'],
    ['x = 1\n  + 2\n', 'Argument or block definition required at 2:3'],
    ['x = 1 +\n  2\n', 'Invalid expression at 1:8'],
    ['x = a\n  ? b : c\n', 'Argument or block definition required at 2:3'],
    ['x = foo\n  .bar\n', 'Argument or block definition required at 2:3'],
    ['x = foo\n(1)\n', 'Argument or block definition required at 2:1'],
    ['x = var.n == 3 ? # a note\n  "three" : "other"\n', 'Invalid expression at 1:18'],
  ]
  for (const [source, expected] of refused) {
    it(`refuses ${JSON.stringify(source)} as HashiCorp's parser does`, async () => {
      assert.deepEqual((await diagnostics(source))[0], expected)
    })
  }

  const accepted = [
    'b { c = 1 }\n',
    'x = (1\n  + 2)\n',
    'x = [\n  1 +\n  2\n]\n',
    'x = f(1\n)\n',
    'x = {\n  a = 1 }\n',
    'x = {\n  a = 1\n  b = 2\n}\n',
    'x = { a = 1, b = 2 }\n',
    'x = (var.n == 3 ? # a note\n  "three" : "other")\n',
    'x = [for s in var.list : s if # only b\n  s != "a"]\n',
    'x = a /* c */ + b\n',
    'b {\n  c = 1 # note\n}\n',
  ]
  for (const source of accepted) {
    it(`accepts ${JSON.stringify(source)}`, async () => {
      assert.deepEqual(await diagnostics(source), [])
    })
  }
})
