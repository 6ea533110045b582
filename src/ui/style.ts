// Colour only for people: never when stdout is not a terminal, NO_COLOR is set, or --no-color is given.
export interface Style {
  bold(s: string): string
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  cyan(s: string): string
  dim(s: string): string
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`
const identity = (s: string) => s

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: identity, red: identity, yellow: identity, green: identity, cyan: identity, dim: identity }
  return { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39), dim: wrap(2, 22) }
}

export function wantsColor(noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noColorFlag && Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb'
}
