// What the state commands that take the lock share: the lock-timeout flag.
import { Flags } from '@oclif/core'
import { BaseCommand, EXIT } from './base.js'

export const lockTimeoutFlag = Flags.string({
  description: 'How long to wait for the state lock, e.g. 30s or 5m. The default, 0s, fails at once and names who holds it.',
  default: '0s',
})

export abstract class StateCommand extends BaseCommand {
  /** Milliseconds of a --lock-timeout value; an invalid one ends the command with exit 1. */
  protected async lockTimeoutMs(text: string): Promise<number> {
    const { parseDuration } = await import('../util/duration.js')
    const ms = parseDuration(text)
    if (ms === undefined) this.error(`--lock-timeout "${text}" is not a duration such as 0s, 500ms, 30s, 5m or 1h.`, { exit: EXIT.error })
    return ms
  }
}
