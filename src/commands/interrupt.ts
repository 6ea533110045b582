// Terraform's way with SIGINT and SIGTERM (CI cancelling a job sends SIGTERM): the first asks the run to stop starting
// new work and end cleanly (calls in flight finish within their request timeout, the state is written, the lock
// released, exit 130 or 143); a second one exits at once, releasing the lock unless a state write is under way. The S3
// lock takes a request to release: the second signal waits for that one DELETE (within the request timeout), and a
// third exits without it.
import type { HeldLock } from '../state/lock.js'
import type { StateBackend } from '../state/backend.js'
import { EXIT } from './base.js'

const CODES = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated } as const
type Handled = keyof typeof CODES

export class Interrupts {
  private readonly controller = new AbortController()
  private first: Handled | undefined
  private writing = 0
  private lock: HeldLock | undefined
  private exiting = false
  private readonly handlers = new Map<Handled, () => void>()

  constructor(private readonly say: (line: string) => void) {
    for (const name of Object.keys(CODES) as Handled[]) {
      const handler = () => this.received(name)
      this.handlers.set(name, handler)
      process.on(name, handler)
    }
  }

  /** Aborts at the first signal. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** 130 or 143 once a signal came, else undefined. */
  get exitCode(): number | undefined {
    return this.first ? CODES[this.first] : undefined
  }

  /** The lock a second signal releases before exiting. */
  holding(lock: HeldLock | undefined): void {
    this.lock = lock
  }

  /** The backend, with its writes counted: a second signal during one must not release the lock under it. */
  track(backend: StateBackend): StateBackend {
    return {
      ...backend,
      write: async (state) => {
        this.writing++
        try {
          await backend.write(state)
        } finally {
          this.writing--
        }
      },
    }
  }

  /** Stops listening: from here on the default behaviour (or another handler, such as --wait's) applies. */
  dispose(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler)
    this.handlers.clear()
  }

  private received(name: Handled): void {
    if (!this.first) {
      this.first = name
      this.controller.abort()
      this.say(`\n${name} received: no further changes will start; the ones running finish (each call within --request-timeout), then the state is written and the lock released. Send it again to exit at once.`)
      return
    }
    const code = CODES[this.first]
    const lock = this.lock
    if (this.exiting || this.writing > 0 || !lock) {
      const unlock = `run sageform force-unlock ${lock?.info.id ?? 'ID'} (a local lock is taken over by the next run on this host)`
      this.say(this.exiting ? `${name} received again: exiting without releasing the lock; ${unlock}.` : this.writing > 0 ? `${name} received again: exiting now, during a state write. The lock stays; ${unlock}.` : `${name} received again: exiting now.`)
      process.exit(code)
    }
    this.exiting = true
    const released = `${name} received again: exiting now; the lock was released. Changes that were running may not be recorded: the next plan adopts any job they created.`
    if (lock.releaseNow()) {
      this.say(released)
      process.exit(code)
    }
    this.say(`${name} received again: releasing the lock, then exiting (send it again to exit without releasing it).`)
    lock.release().then(
      () => this.say(released),
      (error: Error) => this.say(`The lock could not be released (${error.message}): run sageform force-unlock ${lock.info.id}.`),
    ).finally(() => process.exit(code))
  }
}
