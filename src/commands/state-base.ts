// What the state commands share: exit status from diagnostics, data on stdout and diagnostics on stderr (so that
// `sageform output --raw x` and `sageform state list` stay clean in pipes), and the lock-timeout flag.
import { Flags } from '@oclif/core'
import type { Diagnostic } from '../diagnostics/index.js'
import type { Style } from '../ui/style.js'
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

  /** Sets the exit status and, without --json, prints the result and the diagnostics; returns the --json payload. */
  protected async finish<T extends { diagnostics: Diagnostic[] }>(result: T, renderer: () => Promise<(result: T, style: Style) => string>): Promise<T> {
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (this.jsonEnabled()) return result
    const text = (await renderer())(result, this.style)
    if (text) this.log(text)
    if (result.diagnostics.length > 0) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      this.logToStderr(renderDiagnostics(result.diagnostics, this.style))
    }
    return result
  }
}
