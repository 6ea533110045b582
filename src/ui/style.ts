// Colour only for people: never when stdout is not a terminal, NO_COLOR is set, or --no-color is given.
//
// A styled string does not hold colour codes yet, only marks that name them, each carrying a random token of this run;
// the writer (terminalSafe in escape.ts) turns the marks into SGR codes after it has escaped every control character in
// the whole text. So no escape sequence in a value from SageMaker, CloudWatch or a manifest can ever reach the
// terminal, not even one identical to sageform's own colours, and a mark cannot be forged by a value: its token is
// never printed.
import { randomBytes } from 'node:crypto'

export interface Style {
  bold(s: string): string
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  cyan(s: string): string
  dim(s: string): string
}

/** A private-use character and the run's token: neither a control character nor text any source can predict. */
const MARK = `\ue000${randomBytes(12).toString('hex')}:`
const MARKS = new RegExp(`${MARK}(\\d+);`, 'g')

const wrap = (open: number, close: number) => (s: string) => `${MARK}${open};${s}${MARK}${close};`
const identity = (s: string) => s

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: identity, red: identity, yellow: identity, green: identity, cyan: identity, dim: identity }
  return { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39), dim: wrap(2, 22) }
}

/** Styled text as the terminal gets it: each mark as its SGR code (`colored`), or removed. */
export function renderMarks(text: string, colored: boolean): string {
  return text.replace(MARKS, (_, code: string) => (colored ? `\u001b[${code}m` : ''))
}

export function wantsColor(noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noColorFlag && Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb'
}
