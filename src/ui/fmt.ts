// `sageform fmt` output, as terraform fmt prints it: the changed files one per line, then each diff; for standard
// input, the formatted text itself.
import type { FmtResult } from '../services/fmt.js'

export function renderFmt(result: FmtResult, options: { list: boolean }): string {
  let out = ''
  for (const file of result.files) {
    if (file.formatted !== undefined) {
      out += file.diff ?? file.formatted
      continue
    }
    if (!file.changed) continue
    if (options.list) out += `${file.path}\n`
    if (file.diff) out += file.diff
  }
  return out
}
