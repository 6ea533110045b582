// Nothing remote or user-written reaches the terminal raw. Strings from SageMaker (FailureReason, status messages),
// CloudWatch (log lines) and manifests (echoed in diagnostics) may hold escape sequences that set the window title,
// clear the screen, move the cursor or fake a line. The renderers of src/ui escape each such value where they put it
// into a line, before any styling: oneLine for a field (newlines too, so a value cannot fake a line of its own),
// jsonText for a value shown as JSON. Then every command's output passes through terminalSafe, which escapes any
// control character left and only then turns style.ts's marks into colour codes: nothing a value holds can pass as
// sageform's own colour.
import { renderMarks } from './style.js'

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

/** A value shown as JSON (an attribute, an output, a tag): JSON's own escapes, and jsonSafe's for what JSON leaves raw. */
export function jsonText(value: unknown): string {
  return jsonSafe(JSON.stringify(value) ?? 'null')
}

/**
 * Output text made safe for a terminal: every control character but tab and newline is shown as a visible escape;
 * then, on a colour terminal (`styled`), the marks of style.ts become colour codes, else they are dropped.
 */
export function terminalSafe(text: string, styled: boolean): string {
  return renderMarks(text.replace(UNSAFE, visible), styled)
}

/** JSON text with the controls JSON.stringify leaves raw (DEL, C1, bidi) written as \u escapes: the same data. */
export function jsonSafe(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
