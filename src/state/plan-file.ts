// Reading and writing a saved plan file (`plan --out`, `apply FILE`, `show FILE`). A file that is not a plan of this
// format is one clear diagnostic, never a crash later.
import { readFile } from 'node:fs/promises'
import type { Diagnostic } from '../diagnostics/index.js'
import { planShapeProblem } from '../plan/file.js'
import type { Plan } from '../plan/types.js'
import { writeAtomic } from './store.js'

export async function readPlanFile(path: string): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const refuse = (detail: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [{ severity: 'error', summary: 'Cannot use the saved plan', detail: `${path}: ${detail}`, hint: 'Make a plan file with sageform plan --out FILE, and apply it unchanged.' }],
  })
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    return refuse((error as Error).message)
  }
  const problem = planShapeProblem(value)
  return problem ? refuse(problem) : { plan: value as Plan, diagnostics: [] }
}

/** Writes a plan for a later `apply FILE`, with the configuration snapshot apply evaluates (owner-readable only). */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await writeAtomic(path, JSON.stringify(plan, null, 2) + '\n')
}
