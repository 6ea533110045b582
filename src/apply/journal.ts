// The engine's working copy of the state and the only way to change it. Every step that changed SageMaker is recorded
// and written before the action moves on, so a crash loses at most the step in flight; writes are queued so that
// concurrent actions never write at once and each write carries every step recorded before it.
import type { State } from '../model/state.js'

/** A state write failed; `step` says what was done in SageMaker but is not on disk. */
export class PersistFailed extends Error {
  override readonly name = 'PersistFailed'

  constructor(
    readonly step: string,
    cause: unknown,
    /** The job the step created or adopted: it exists in SageMaker, and the state file does not say so. */
    readonly job?: string,
  ) {
    super(`The state file could not be written after ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

export class StateJournal {
  /** Mutated only inside `record`; read freely between awaits. */
  readonly state: State
  private queue: Promise<void> = Promise.resolve()

  constructor(
    initial: State,
    private readonly persist: (state: State) => Promise<void>,
  ) {
    this.state = structuredClone(initial)
  }

  /**
   * Applies `change` once the writes queued before it are done, bumps the serial and writes the result. Resolves when
   * this write is on disk; rejects with PersistFailed when it is not (the change stays applied in memory, so the next
   * write still carries it).
   */
  record(step: string, change: (state: State) => void, job?: string): Promise<void> {
    const write = this.queue.then(async () => {
      change(this.state)
      this.state.serial += 1
      try {
        // A copy: the writer may keep or serialise it later, while actions go on changing the working state.
        await this.persist(structuredClone(this.state))
      } catch (err) {
        throw new PersistFailed(step, err, job)
      }
    })
    // A failed write must not block the writes queued behind it.
    this.queue = write.catch(() => undefined)
    return write
  }

  /** A copy for code outside the engine (the request resolver), which must not change the working state. */
  snapshot(): State {
    return structuredClone(this.state)
  }
}
