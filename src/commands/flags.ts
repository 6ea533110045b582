// Flags whose value is a duration (--lock-timeout, --poll-interval) are parsed here, once, into milliseconds: each flag
// has its minimum, and a wrong value is a usage error in one style ("Invalid value for --poll-interval: ...", exit 1)
// before anything runs. Services take the milliseconds.
import { Flags } from '@oclif/core'
import { parseDuration } from '../util/duration.js'

interface DurationFlag {
  description: string
  /** As a user types it (5s): --help shows it so. */
  default: string
  /** The shortest value accepted, as a user types it; none: 0s is accepted. */
  min?: string
  /** What the error message suggests instead of a wrong value, e.g. "30s, 5m or 1h". */
  examples: string
}

/** An oclif flag type whose value is milliseconds, written as a Go-style duration (util/duration.ts). */
export function durationFlag(spec: DurationFlag) {
  const min = spec.min === undefined ? 0 : parseDuration(spec.min)!
  return Flags.custom<number>({
    description: spec.description,
    default: parseDuration(spec.default)!,
    defaultHelp: async () => spec.default,
    multiple: false,
    parse: async (input) => {
      const ms = parseDuration(input)
      if (ms === undefined || ms < min) throw new Error(`"${input}" is not a duration${spec.min ? ` of at least ${spec.min}` : ''}, such as ${spec.examples}.`)
      return ms
    },
  })
}

/** Every command that takes the state lock (apply, destroy, import, state mv, state rm). */
export const lockTimeoutFlag = durationFlag({
  description: 'How long to wait for the state lock, e.g. 30s or 5m. The default, 0s, fails at once and names who holds it.',
  default: '0s',
  examples: '0s, 500ms, 30s, 5m or 1h',
})

/** watch, apply --wait and logs --follow. Sub-second intervals are for tests against the local endpoint. */
export const pollIntervalFlag = durationFlag({
  description: "How often to ask SageMaker for each job's status (it backs off when throttled).",
  default: '5s',
  min: '100ms',
  examples: '500ms, 5s or 1m',
})
