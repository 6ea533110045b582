// `sageform show [PLANFILE]`: a saved plan, or what the state file records.
import { readFile } from 'node:fs/promises'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.js'
import type { State } from '../state/types.js'
import { loadState } from './state.js'

export interface ShowOptions {
  dir: string
  planFile?: string
}

/** The `show --json` payload (schemas/show.json): exactly one of plan and state is set when there is no error. */
export interface ShowResult {
  plan?: Plan
  state?: State | null
  diagnostics: Diagnostic[]
}

export async function show(options: ShowOptions): Promise<ShowResult> {
  const diags = new Diagnostics()
  if (!options.planFile) {
    const { state, diagnostics } = await loadState(options.dir)
    return { state: state ?? null, diagnostics }
  }
  try {
    const plan = JSON.parse(await readFile(options.planFile, 'utf8')) as Plan
    if (plan.format_version !== PLAN_FORMAT_VERSION || !Array.isArray(plan.changes)) throw new Error(`not a sageform plan of format ${PLAN_FORMAT_VERSION}`)
    return { plan, diagnostics: [] }
  } catch (error) {
    diags.error('Cannot read the saved plan', { detail: `${options.planFile}: ${(error as Error).message}` })
    return { diagnostics: diags.items }
  }
}
