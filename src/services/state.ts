// Reading the state file for a command: problems a user can cause become one diagnostic each, never an exception.
import type { Diagnostic } from '../diagnostics/index.js'
import { readState, statePath } from '../state/store.js'
import type { State } from '../state/types.js'

export async function loadState(dir: string): Promise<{ state?: State; diagnostics: Diagnostic[] }> {
  const result = await readState(dir)
  switch (result.kind) {
    case 'ok':
      return { state: result.state, diagnostics: [] }
    case 'missing':
      return { diagnostics: [] }
    case 'corrupt':
      return { diagnostics: [{ severity: 'error', summary: 'The state file cannot be read', detail: result.message.includes(statePath(dir)) ? result.message : `${statePath(dir)}: ${result.message}`, hint: 'sageform will not overwrite it. Restore sageform.state.json.backup, or repair the file by hand.' }] }
    case 'too-new':
      return { diagnostics: [{ severity: 'error', summary: 'The state file is from a newer sageform', detail: `${statePath(dir)} has format version ${result.version}, which this version cannot read.`, hint: 'Upgrade sageform; the file is left untouched.' }] }
  }
}
