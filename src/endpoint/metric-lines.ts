// Log lines that a job's MetricDefinitions regexes match, so the simulated logs carry the metric values the way real
// training containers print them (SageMaker reads metrics from the logs with those regexes, taking the first group).
//
// Built-in algorithms have no MetricDefinitions and name their metrics `<channel>:<metric>`; XGBoost prints one line
// per round, `[3]#011train-auc:0.91#011validation-auc:0.90` (#011 is a tab as CloudWatch shows it), and so do these.
// For custom regexes a sample text is derived from the regex itself (literals kept, `\d` → 0, `.*` → nothing, the first
// group → the value) and checked by running the regex on it; a metric whose regex resists gets `name=value`.

/** Regexes written for Python's `re` (SageMaker's own) read as JavaScript ones: `(?P<name>` is `(?<name>`. */
export function jsRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'))
  } catch {
    return undefined
  }
}

/** Whether `line` gives `value` for the metric, as SageMaker would read it: the first match's first group. */
export function yields(regex: RegExp, line: string, value: string): boolean {
  const m = regex.exec(line)
  return m !== null && m[1] !== undefined && Number(m[1]) === Number(value)
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'class'; sample: string }
  | { kind: 'group'; capture: number | undefined; options: Node[][]; assertion: boolean }
  | { kind: 'repeat'; node: Node; min: number }

/** A text the regex matches with `value` in its first group, or undefined when the regex is beyond this sketch. */
export function sampleFor(source: string, value: string): string | undefined {
  const regex = jsRegex(source)
  if (!regex) return undefined
  let parsed: Node[][]
  try {
    parsed = new Parser(source.replace(/\(\?P</g, '(?<')).parse()
  } catch {
    return undefined
  }
  const text = emitOptions(parsed, value)
  return yields(regex, text, value) ? text : undefined
}

function emitOptions(options: Node[][], value: string): string {
  return (options[0] ?? []).map((node) => emit(node, value)).join('')
}

function emit(node: Node, value: string): string {
  switch (node.kind) {
    case 'text':
      return node.text
    case 'class':
      return node.sample
    case 'group':
      if (node.assertion) return ''
      return node.capture === 1 ? value : emitOptions(node.options, value)
    case 'repeat':
      return emit(node.node, value).repeat(node.min)
  }
}

/** Characters to try for a negated class or `.`, in order of how little they disturb a log line. */
const FILLERS = [' ', 'x', '0', ':', '=', '-']

class Parser {
  private pos = 0
  private groups = 0

  constructor(private readonly src: string) {}

  parse(): Node[][] {
    const options = this.alternation()
    if (this.pos < this.src.length) throw new Error(`unexpected ${this.src[this.pos]}`)
    return options
  }

  private alternation(): Node[][] {
    const options: Node[][] = [this.sequence()]
    while (this.src[this.pos] === '|') {
      this.pos++
      options.push(this.sequence())
    }
    return options
  }

  private sequence(): Node[] {
    const nodes: Node[] = []
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const atom = this.atom()
      nodes.push(this.quantified(atom))
    }
    return nodes
  }

  private quantified(atom: Node): Node {
    const c = this.src[this.pos]
    let min: number | undefined
    if (c === '*' || c === '?') min = 0
    else if (c === '+') min = 1
    else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(this.src.slice(this.pos))
      if (m) {
        min = Number(m[1])
        this.pos += m[0].length - 1
      }
    }
    if (min === undefined) return atom
    this.pos++
    if (this.src[this.pos] === '?' || this.src[this.pos] === '+') this.pos++
    return { kind: 'repeat', node: atom, min }
  }

  private atom(): Node {
    const c = this.src[this.pos++] as string
    switch (c) {
      case '^':
      case '$':
        return { kind: 'text', text: '' }
      case '.':
        return { kind: 'class', sample: ' ' }
      case '[':
        return this.characterClass()
      case '(':
        return this.group()
      case '\\':
        return this.escape(false)
      default:
        return { kind: 'text', text: c }
    }
  }

  private group(): Node {
    let capture: number | undefined
    let assertion = false
    if (this.src[this.pos] === '?') {
      const rest = this.src.slice(this.pos)
      if (rest.startsWith('?:')) this.pos += 2
      else if (/^\?<[A-Za-z_]\w*>/.test(rest)) {
        this.pos = this.src.indexOf('>', this.pos) + 1
        capture = ++this.groups
      } else if (/^\?(=|!|<=|<!)/.test(rest)) {
        this.pos += rest.startsWith('?<') ? 3 : 2
        assertion = true
      } else throw new Error('unsupported group')
    } else capture = ++this.groups
    const options = this.alternation()
    if (this.src[this.pos] !== ')') throw new Error('unclosed group')
    this.pos++
    return { kind: 'group', capture, options, assertion }
  }

  private escape(inClass: boolean): Node {
    const c = this.src[this.pos++]
    if (c === undefined) throw new Error('trailing backslash')
    const samples: Record<string, string> = { d: '0', D: 'x', w: 'a', W: ' ', s: ' ', S: 'x', t: '\t', n: '\n', r: '\r' }
    if (c in samples) return { kind: 'class', sample: samples[c] as string }
    if (!inClass && (c === 'b' || c === 'B' || c === 'A' || c === 'Z' || c === 'z')) return { kind: 'text', text: '' }
    if (/[1-9]/.test(c) || c === 'k') throw new Error('back-references are not sketched')
    return { kind: 'text', text: c }
  }

  /** `[...]`: the first member for a plain class; for a negated one, a filler the class does not exclude. */
  private characterClass(): Node {
    const negated = this.src[this.pos] === '^'
    if (negated) this.pos++
    const members: Array<(ch: string) => boolean> = []
    let first: string | undefined
    let start = true
    while (this.pos < this.src.length && (this.src[this.pos] !== ']' || start)) {
      start = false
      let lo: string
      if (this.src[this.pos] === '\\') {
        this.pos++
        const e = this.src[this.pos++] as string
        const kinds: Record<string, RegExp> = { d: /\d/, D: /\D/, w: /\w/, W: /\W/, s: /\s/, S: /\S/ }
        if (kinds[e]) {
          const re = kinds[e]
          members.push((ch) => re.test(ch))
          first ??= e === 'd' ? '0' : e === 's' ? ' ' : e === 'w' ? 'a' : 'x'
          continue
        }
        lo = e === 't' ? '\t' : e
      } else lo = this.src[this.pos++] as string
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++
        const hi = (this.src[this.pos] === '\\' ? this.src[++this.pos] : this.src[this.pos]) as string
        this.pos++
        members.push((ch) => ch >= lo && ch <= hi)
        first ??= lo
      } else {
        members.push((ch) => ch === lo)
        first ??= lo
      }
    }
    if (this.src[this.pos] !== ']') throw new Error('unclosed class')
    this.pos++
    const inClass = (ch: string) => members.some((m) => m(ch))
    const sample = negated ? FILLERS.find((ch) => !inClass(ch)) : first
    if (sample === undefined) throw new Error('empty class')
    return { kind: 'class', sample }
  }
}
