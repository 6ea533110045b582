import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'
await Parser.init()
const require = createRequire(import.meta.url)
const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'))
const parser = new Parser(); parser.setLanguage(language)
for (const f of process.argv.slice(2)) {
  const source = readFileSync(f, 'utf8')
  for (let r = 0; r < 2; r++) {
    const a = process.cpuUsage(); const tree = parser.parse(source); const b = process.cpuUsage(a)
    tree.delete()
    console.log(f, ((b.user + b.system) / 1000).toFixed(0), 'ms cpu', (process.memoryUsage().external / 1e6).toFixed(0), 'MB ext')
  }
}
