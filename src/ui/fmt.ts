// `sageform fmt` output, as terraform fmt prints it: each changed file on its line, then its diff. (The formatted text
// of standard input is written by the command as is.)
import type { FmtResult } from '../services/fmt.js'

export function renderFmt(result: FmtResult, options: { list: boolean }): string {
  let out = ''
  for (const file of result.files) {
    if (!file.changed) continue
    if (file.formatted !== undefined) {
      out += file.diff ?? ''
      continue
    }
    if (options.list) out += `${file.path}\n`
    if (file.diff) out += file.diff
  }
  return out
}
