// Small helpers for shaping responses after the API model.
import { structure } from '../model/api.js'
import { validationError } from './errors.js'
import type { JsonObject } from './types.js'

/** Keeps the members the output shape declares, so a response never carries a member its shape lacks. */
export function pickMembers(shapeName: string, value: JsonObject): JsonObject {
  const members = structure(shapeName).members
  const out: JsonObject = {}
  for (const [key, v] of Object.entries(value)) if (v !== undefined && key in members) out[key] = v
  return out
}

/**
 * Times are kept to the millisecond, on the wire and in the simulation's own arithmetic: sums that are equal in
 * theory then compare equal in practice, so two jobs ending at the same instant end at the same instant.
 */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}

/** Request timestamps arrive as epoch seconds; ISO 8601 strings are accepted too, as the service does. */
export function toEpochSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  const seconds = typeof value === 'number' ? value : Date.parse(String(value)) / 1000
  if (Number.isNaN(seconds)) throw validationError(`Could not parse timestamp '${String(value)}'.`)
  return seconds
}
