import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'
await Parser.init()
const require = createRequire(import.meta.url)
const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'))
const parser = new Parser(); parser.setLanguage(language)
const counts = new Map()
const lines = []
parser.setLogger((msg, params, type) => { const k = type + ':' + msg.split(/[ ,:]/)[0]; counts.set(k, (counts.get(k) ?? 0) + 1); if (lines.length < 400) lines.push(type + ' ' + msg) })
const src = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : 'resource "a" "b" {\n  x = "y"\n  c {\n    d = 1\n  }\n}\n'
parser.parse(src)
console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 20))
if (process.argv[3]) console.log(lines.join('\n'))
