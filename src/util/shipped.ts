// Files shipped with the package beside dist/ (the API model in api/, the JSON schemas in schemas/). They are part of
// the program, not input, so the pure layers may read them through here.
import { readFileSync } from 'node:fs'

/** The text of `path`, relative to the package root (the same from src/ under tsx and from dist/). */
export function readShippedFile(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
}
