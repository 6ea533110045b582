// Determinism for the simulation: every "random" choice is either a hash of what the client sent or a draw from a
// seeded generator, so the same requests give the same jobs, durations, metrics and faults on every run.
import { createHash } from 'node:crypto'

function digest(parts: ReadonlyArray<string | number>): Buffer {
  const h = createHash('sha256')
  for (const part of parts) h.update(String(part)).update('\u0000')
  return h.digest()
}

/** A stable number in [0, 1) derived from the parts. */
export function hashUnit(...parts: Array<string | number>): number {
  return digest(parts).readUInt32BE(0) / 2 ** 32
}

export function hashInt(...parts: Array<string | number>): number {
  return digest(parts).readUInt32BE(0)
}

export function hashHex(length: number, ...parts: Array<string | number>): string {
  return digest(parts).toString('hex').slice(0, length)
}

/** mulberry32: small, fast and good enough for sampling and fault injection. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
