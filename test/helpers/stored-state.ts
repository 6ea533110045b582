// The state as sageform reads it: the file with its journal replayed (src/state/store.ts). Synchronous, for tests that
// poll it while an apply runs; a journal that is not a regular file (a test's FIFO holding a write) is not opened.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { State } from '../../src/model/state.js'
import { journalPath, replayJournal } from '../../src/state/store.js'

/** `heldJournal`: the journal's lines when a test holds them elsewhere (moved aside while a FIFO takes the journal's place). */
export function storedState(dir: string, heldJournal?: Buffer): State {
  const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
  const journal = journalPath(dir)
  const lines = heldJournal ?? (statSync(journal, { throwIfNoEntry: false })?.isFile() ? readFileSync(journal) : undefined)
  if (lines === undefined) return state
  const replayed = replayJournal(state, lines, journal)
  if (replayed.kind !== 'ok') throw new Error(`unreadable state in ${dir}: ${replayed.kind}`)
  return replayed.state
}
