import type { ConvertResult } from '../services/convert.js'

/** The converted files as one text, each headed by where it came from when there are several. */
export function renderConverted(result: ConvertResult): string {
  if (result.files.length === 1) return result.files[0]!.output
  return result.files.map((f) => `# converted from ${f.path}\n\n${f.output}`).join('\n')
}
