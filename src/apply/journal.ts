// The engine's working copy of the state and the only way to change it. Every step that changed SageMaker is recorded
// and written before the action moves on, so a crash loses at most the steps in flight. Writes are group commits: while
// one write is on its way to disk, the steps recorded meanwhile wait, and the next write carries all of them at once,
// so an apply of N steps makes far fewer than N writes when writing is the slow part, and never two writes at once.
// Each write serialises again only the resources its steps touched (see StateSerializer).
import { StateSerializer, type StateImage } from '../state/store.js'
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

/** A recorded step waiting for the write that carries it. */
interface Waiter {
  step: string
  job: string | undefined
  resolve: () => void
  reject: (err: PersistFailed) => void
}

export class StateJournal {
  /** Mutated only inside `record`; read freely between awaits. */
  readonly state: State
  private readonly serializer = new StateSerializer()
  /** Resources changed since the last write was serialised; undefined: any of them may have changed. */
  private touched: Set<string> | undefined = new Set()
  /** Steps recorded since the write in flight was serialised. */
  private waiting: Waiter[] = []
  private writing = false

  constructor(
    initial: State,
    private readonly persist: (image: StateImage) => Promise<void>,
  ) {
    this.state = structuredClone(initial)
  }

  /**
   * Applies `change` at once and resolves when a write carrying it is on disk; rejects with PersistFailed when that
   * write fails (the change stays applied in memory, so the next write still carries it).
   */
  record(step: string, change: (state: State) => void, job?: string): Promise<void> {
    change(this.tracking())
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ step, job, resolve, reject }))
    if (!this.writing) void this.writeWaiting()
    return written
  }

  /** Writes every step recorded so far, then, while steps came in during the write, again. */
  private async writeWaiting(): Promise<void> {
    this.writing = true
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      try {
        this.state.serial += 1
        // Serialised now, synchronously: the working state goes on changing while the bytes are written.
        const image = this.serializer.image(this.state, this.touched)
        this.touched = new Set()
        await this.persist(image)
        for (const waiter of batch) waiter.resolve()
      } catch (err) {
        for (const waiter of batch) waiter.reject(new PersistFailed(waiter.step, err, waiter.job))
      }
    }
    this.writing = false
  }

  /**
   * The working state as `change` sees it: every resource it reads, sets or deletes is marked touched, so the next write
   * serialises it again. Replacing `resources` or listing its keys touches them all.
   */
  private tracking(): State {
    const mark = (key: string | symbol) => {
      if (typeof key === 'string') this.touched?.add(key)
    }
    const markAll = () => {
      this.touched = undefined
    }
    const resources = new Proxy(this.state.resources, {
      get: (target, key, receiver) => (mark(key), Reflect.get(target, key, receiver)),
      set: (target, key, value, receiver) => (mark(key), Reflect.set(target, key, value, receiver)),
      deleteProperty: (target, key) => (mark(key), Reflect.deleteProperty(target, key)),
      defineProperty: (target, key, descriptor) => (mark(key), Reflect.defineProperty(target, key, descriptor)),
      getOwnPropertyDescriptor: (target, key) => (mark(key), Reflect.getOwnPropertyDescriptor(target, key)),
      ownKeys: (target) => (markAll(), Reflect.ownKeys(target)),
    })
    return new Proxy(this.state, {
      get: (target, key, receiver) => (key === 'resources' ? resources : Reflect.get(target, key, receiver)),
      set: (target, key, value, receiver) => (key === 'resources' && markAll(), Reflect.set(target, key, value, receiver)),
    })
  }
}
