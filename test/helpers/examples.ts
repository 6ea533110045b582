// Tests never plan or apply examples/ in place: a state file or lock left there by someone following the README by
// hand (or by a killed run) must not change what a test sees, and a test must leave nothing in the working tree.
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { root } from './cli.js'

/** What a run writes beside the manifests (.gitignore keeps it out of the repository): never part of an example. */
const RUN_ARTEFACT = /^(errored\.)?sageform\.state\.json|^\.sageform-local$/

let base: string | undefined

/**
 * A fresh copy of examples/<name> (or of all examples without a name) in a temporary directory, without any state, lock
 * or errored state a run left in the working tree. Removed when the test process exits.
 */
export function exampleCopy(name?: string): string {
  if (!base) {
    const made = mkdtempSync(join(tmpdir(), 'sageform-examples-'))
    base = made
    process.once('exit', () => rmSync(made, { recursive: true, force: true }))
  }
  const from = name === undefined ? join(root, 'examples') : join(root, 'examples', name)
  const to = join(mkdtempSync(join(base, 'copy-')), name ?? 'examples')
  cpSync(from, to, { recursive: true, filter: (source) => !RUN_ARTEFACT.test(basename(source)) })
  return to
}
