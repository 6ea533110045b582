// The simulated clock. Every timestamp the endpoint stores or returns is simulated epoch seconds, so a job's
// durations and its timestamps agree at any time scale. The clock is persisted with the state and keeps running
// at its old rate while the endpoint is down: on restart, jobs are where they would be had it never stopped.

export interface ClockState {
  /** Real epoch seconds at which the simulated clock read `simAnchor`. */
  realAnchor: number
  simAnchor: number
  timeScale: number
}

export class SimClock {
  private anchor: ClockState
  private last = -Infinity

  constructor(
    timeScale: number,
    saved: ClockState | undefined,
    private readonly realNow: () => number = () => Date.now() / 1000,
  ) {
    const real = this.realNow()
    const sim = saved ? saved.simAnchor + (real - saved.realAnchor) * saved.timeScale : real
    this.anchor = { realAnchor: real, simAnchor: Math.max(sim, saved?.simAnchor ?? sim), timeScale }
  }

  /** Never goes backwards, even if the system clock does. */
  now(): number {
    const sim = this.anchor.simAnchor + (this.realNow() - this.anchor.realAnchor) * this.anchor.timeScale
    this.last = Math.max(this.last, sim)
    return this.last
  }

  state(): ClockState {
    return { ...this.anchor }
  }
}
