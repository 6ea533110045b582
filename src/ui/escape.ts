// Nothing remote or user-written reaches the terminal raw. Strings from SageMaker (FailureReason, status messages),
// CloudWatch (log lines) and manifests (echoed in diagnostics) may hold escape sequences that set the window title,
// clear the screen, move the cursor or fake a line; every command's output passes through terminalSafe, which shows
// such characters as visible escapes (`\x1b`) and lets through only the colour codes sageform itself writes.

/** C0 controls but tab and newline, DEL, C1 controls, and the Unicode controls that reorder text (bidi overrides). */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_OR_NEWLINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g

function visible(char: string): string {
  const code = char.charCodeAt(0)
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** A value shown inside one line (a failure reason, a status message): newlines are escaped too. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_OR_NEWLINE, visible)
}

/** Every string inside `value` (objects and arrays, recursively) as oneLine: for views that draw data themselves. */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return oneLine(value) as T
  if (Array.isArray(value)) return value.map((item) => escapeStrings(item)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])) as T
  }
  return value
}

/**
 * Output text made safe for a terminal. With `styled`, the colour codes of style.ts (SGR sequences it emits) stay,
 * so a coloured plan still looks coloured; without it (no colour, CI, pipes), no escape character survives.
 */
export function terminalSafe(text: string, styled: boolean): string {
  if (!styled) return text.replace(UNSAFE, visible)
  return text.replace(new RegExp(`${OWN_SGR.source}|${UNSAFE.source}`, 'g'), (match) => (match.length > 1 ? match : visible(match)))
}

/** What makeStyle writes: bold, dim, and the foreground colours it uses, each with its reset. */
const OWN_SGR = /\x1b\[(?:1|2|22|31|32|33|36|39)m/

/** JSON text with the controls JSON.stringify leaves raw (DEL, C1, bidi) written as \u escapes: the same data. */
export function jsonSafe(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
