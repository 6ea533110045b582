import { Args } from '@oclif/core'
import { BaseCommand, chdirFlag } from './base.js'
import type { ForceUnlockResult } from '../services/force-unlock.js'

export default class ForceUnlock extends BaseCommand {
  static override summary = 'Remove a state lock left behind by a run that died.'
  static override description = `The lock is removed only when ID is the one it holds (a command that cannot get the lock prints it), so a mistyped ID cannot break a running apply's lock. Removing the lock of a run that is still going lets two runs write the state at once: check first.

Exit status: 0 unlocked; 1 error (no lock, wrong ID).`
  static override examples = ['<%= config.bin %> force-unlock 0f5e9c52-3a1b-4c7d-9e2f-8a6b4c3d2e1f']
  static override args = { id: Args.string({ description: 'The lock ID.', required: true }) }
  static override flags = { chdir: chdirFlag }

  async run(): Promise<ForceUnlockResult> {
    const { flags, args } = await this.parse(ForceUnlock)
    const { forceUnlock } = await import('../services/force-unlock.js')
    const result = await forceUnlock({ dir: flags.chdir, id: args.id })
    return this.finish(result, async () => (await import('../ui/state.js')).renderForceUnlock)
  }
}
