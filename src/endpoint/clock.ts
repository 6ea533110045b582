// The simulated clock. Every timestamp the endpoint stores or returns is simulated epoch seconds, so a job's
// durations and its timestamps agree at any time scale. The clock's reading is saved with the state; after a restart
// it goes on from that reading, counting the time the endpoint was down at the real rate (at the old scale a long
// pause would throw the clock months ahead).

import { roundTime } from './model.js'

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
    const sim = saved ? saved.simAnchor + Math.max(0, real - saved.realAnchor) : real
    this.anchor = { realAnchor: real, simAnchor: sim, timeScale }
  }

  /** To the millisecond, and never backwards, even if the system clock goes back. */
  now(): number {
    const sim = this.anchor.simAnchor + (this.realNow() - this.anchor.realAnchor) * this.anchor.timeScale
    this.last = Math.max(this.last, roundTime(sim))
    return this.last
  }

  advance(seconds: number): void {
    this.anchor = { ...this.anchor, simAnchor: this.anchor.simAnchor + seconds }
  }

  /** The current reading, to continue from after a restart. */
  state(): ClockState {
    return { realAnchor: this.realNow(), simAnchor: this.now(), timeScale: this.anchor.timeScale }
  }
}
