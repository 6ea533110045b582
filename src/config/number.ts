// HCL numbers are arbitrary-precision decimals; JavaScript's are doubles. A number is kept as a JavaScript number
// whenever that is exact, and otherwise as a BigNumber (an integer coefficient times a power of ten), so that
// `99999999999999999999999999` reaches a hyperparameter as written and `+`, `-`, `*` and comparisons stay exact, as
// Terraform's do. A value that fits a double exactly always comes back as a plain number: code that only ever sees
// small numbers never meets a BigNumber.

/** coefficient × 10^exponent, exactly; never constructed for a value a double holds exactly (see exactNumber). */
export class BigNumber {
  constructor(
    readonly coefficient: bigint,
    readonly exponent: number,
  ) {}

  /** Plain decimal notation, as HCL prints numbers: `99999999999999999999999999`, `0.1000000000000000000001`. */
  toString(): string {
    const negative = this.coefficient < 0n
    const digits = (negative ? -this.coefficient : this.coefficient).toString()
    let text: string
    if (this.exponent >= 0) text = digits + '0'.repeat(this.exponent)
    else {
      const point = digits.length + this.exponent
      text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`
    }
    return (negative ? '-' : '') + text
  }

  /** In JSON (an output's value, say) the nearest double: JSON.stringify cannot write more digits. */
  toJSON(): number {
    return this.toNumber()
  }

  /** The nearest double: for uses that need a JavaScript number (an index, a function's argument). */
  toNumber(): number {
    return Number(this.toString())
  }
}

export type Numeric = number | BigNumber

const DECIMAL = /^\s*([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?\s*$/
/**
 * At most 15 digits, with or without a fraction: every such decimal is the shortest text of its nearest double (doubles
 * hold 15 significant decimal digits), so that double is exact (the common case: `instance_count = 1`, `eta = 0.1`).
 */
const SHORT_DECIMAL = /^(?:\d{1,15}|(?=[\d.]{3,16}$)\d+\.\d+)$/

/** A decimal text (HCL's number syntax, or a numeric string) exactly; undefined when it is not one. */
export function parseDecimal(text: string): Numeric | undefined {
  if (SHORT_DECIMAL.test(text)) return Number(text)
  const m = DECIMAL.exec(text)
  if (!m) return undefined
  const [, sign, whole = '', fraction = '', exponent = '0'] = m
  if (whole === '' && fraction === '') return undefined
  const exp = Number(exponent)
  // An exponent beyond any double is refused by Number too; keep the two in step.
  if (!Number.isFinite(exp) || Math.abs(exp) > 100_000) return Number(text.trim())
  const coefficient = BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}` || '0')
  return exactNumber(new BigNumber(coefficient, exp - fraction.length))
}

/** The value as a double when the double is exactly it; else the BigNumber itself (trailing zeros removed). */
export function exactNumber(n: BigNumber): Numeric {
  let { coefficient, exponent } = n
  if (coefficient === 0n) return 0
  while (coefficient % 10n === 0n) {
    coefficient /= 10n
    exponent += 1
  }
  const big = new BigNumber(coefficient, exponent)
  const text = big.toString()
  const double = Number(text)
  return Number.isFinite(double) && decimalText(double) === text ? double : big
}

/** A double's shortest round-trip decimal, exactly as a BigNumber (0.1 is "0.1", not its binary expansion). */
function toBig(n: Numeric): BigNumber {
  if (n instanceof BigNumber) return n
  const parsed = DECIMAL.exec(String(n))!
  const [, sign, whole = '', fraction = '', exponent = '0'] = parsed
  return new BigNumber(BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}` || '0'), Number(exponent) - fraction.length)
}

function aligned(a: BigNumber, b: BigNumber): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent)
  return [a.coefficient * 10n ** BigInt(a.exponent - exponent), b.coefficient * 10n ** BigInt(b.exponent - exponent), exponent]
}

/** Is either side beyond a double, or would the double result lose digits? Only then is BigInt arithmetic worth it. */
const plain = (a: Numeric, b: Numeric): a is number => typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)

export function add(a: Numeric, b: Numeric): Numeric {
  if (plain(a, b) && Number.isSafeInteger(a) && Number.isSafeInteger(b as number) && Number.isSafeInteger(a + (b as number))) return a + (b as number)
  if (!isFiniteNumeric(a) || !isFiniteNumeric(b)) return toDouble(a) + toDouble(b)
  const [x, y, exponent] = aligned(toBig(a), toBig(b))
  return exactNumber(new BigNumber(x + y, exponent))
}

export function subtract(a: Numeric, b: Numeric): Numeric {
  return add(a, negate(b))
}

export function multiply(a: Numeric, b: Numeric): Numeric {
  if (plain(a, b) && Number.isSafeInteger(a) && Number.isSafeInteger(b as number) && Number.isSafeInteger(a * (b as number))) return a * (b as number)
  if (!isFiniteNumeric(a) || !isFiniteNumeric(b)) return toDouble(a) * toDouble(b)
  const [x, y] = [toBig(a), toBig(b)]
  return exactNumber(new BigNumber(x.coefficient * y.coefficient, x.exponent + y.exponent))
}

/** Exact when the quotient is a whole number (or a double holds it); otherwise the double quotient. */
export function divide(a: Numeric, b: Numeric): Numeric {
  if (plain(a, b)) return a / (b as number)
  const [x, y] = aligned(toBig(a), toBig(b))
  return y !== 0n && x % y === 0n ? exactNumber(new BigNumber(x / y, 0)) : toDouble(a) / toDouble(b)
}

/** The remainder with the dividend's sign, as Terraform's %. */
export function modulo(a: Numeric, b: Numeric): Numeric {
  if (plain(a, b)) return a % (b as number)
  const [x, y, exponent] = aligned(toBig(a), toBig(b))
  return y === 0n ? NaN : exactNumber(new BigNumber(x % y, exponent))
}

export function negate(n: Numeric): Numeric {
  return n instanceof BigNumber ? new BigNumber(-n.coefficient, n.exponent) : -n
}

/** -1, 0 or 1. */
export function compare(a: Numeric, b: Numeric): number {
  if (plain(a, b) || !isFiniteNumeric(a) || !isFiniteNumeric(b)) return Math.sign(toDouble(a) - toDouble(b))
  const [x, y] = aligned(toBig(a), toBig(b))
  return x < y ? -1 : x > y ? 1 : 0
}

export function isWhole(n: Numeric): boolean {
  return n instanceof BigNumber ? n.exponent >= 0 : Number.isInteger(n)
}

/** The exact integer, for a whole number. */
export function toBigInt(n: Numeric): bigint {
  return n instanceof BigNumber ? n.coefficient * 10n ** BigInt(n.exponent) : BigInt(n)
}

export function toDouble(n: Numeric): number {
  return n instanceof BigNumber ? n.toNumber() : n
}

function isFiniteNumeric(n: Numeric): boolean {
  return n instanceof BigNumber || Number.isFinite(n)
}

/**
 * A double in plain decimal, never exponent notation, so `1e-7` in a hyperparameter reaches SageMaker as "0.0000001"
 * (the way HCL prints numbers).
 */
export function decimalText(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0)
  const s = String(n)
  if (!/e/i.test(s)) return s
  return toBig(n).toString()
}

/** The largest whole number not above n. */
export function floor(n: Numeric): Numeric {
  if (!(n instanceof BigNumber)) return Math.floor(n)
  if (n.exponent >= 0) return n
  const scale = 10n ** BigInt(-n.exponent)
  const quotient = n.coefficient / scale
  return exactNumber(new BigNumber(n.coefficient < 0n && quotient * scale !== n.coefficient ? quotient - 1n : quotient, 0))
}
