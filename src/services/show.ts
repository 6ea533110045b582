// `sageform show [PLANFILE]`: a saved plan, or what the state file records.
import type { Diagnostic } from '../diagnostics/index.js'
import { withoutSnapshot } from '../plan/file.js'
import { readPlanFile } from '../state/plan-file.js'
import type { Plan } from '../plan/types.js'
import type { State } from '../model/state.js'
import { loadState } from './setup/state.js'

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
  if (!options.planFile) {
    const { state, diagnostics } = await loadState(options.dir)
    return { state: state ?? null, diagnostics }
  }
  const { plan, diagnostics } = await readPlanFile(options.planFile)
  return plan ? { plan: withoutSnapshot(plan), diagnostics } : { diagnostics }
}
