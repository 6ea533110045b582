// Expected diagnostics written inside fixture manifests, next to the code they are about:
//   instance_count = 0 # ERROR 22: must be at least 1        → this line, column 22
//   #                ^ ERROR: must be at least 1              → the line above, the caret's column
// The message is a substring of "summary: detail". WARNING works the same way.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface Expected {
  file: string
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
}

const INLINE = /#\s*(ERROR|WARNING)\s+(\d+):\s*(.+?)\s*$/
const CARET = /^(\s*#\s*)(\^)\s*(ERROR|WARNING):\s*(.+?)\s*$/

export function expectationsIn(dir: string, displayBase: string): Expected[] {
  const out: Expected[] = []
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.hcl') || n.endsWith('.tf')).sort()) {
    const file = relative(displayBase, join(dir, name))
    const lines = readFileSync(join(dir, name), 'utf8').split('\n')
    let target = 0
    lines.forEach((text, i) => {
      const caret = CARET.exec(text)
      if (caret) {
        out.push({ file, line: target, column: caret[1]!.length + 1, severity: caret[3]!.toLowerCase() as Expected['severity'], message: caret[4]! })
        return
      }
      target = i + 1
      const inline = INLINE.exec(text)
      if (inline) out.push({ file, line: i + 1, column: Number(inline[2]), severity: inline[1]!.toLowerCase() as Expected['severity'], message: inline[3]! })
    })
  }
  return out
}
