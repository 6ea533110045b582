import assert from 'node:assert/strict'
import type { Diagnostic } from '../src/diagnostics/index.js'
import { Evaluator, type Scope } from '../src/config/eval.js'
import { parseHcl } from '../src/config/parse.js'
import { Unknown, newObject, type Value } from '../src/config/value.js'
import { BigNumber, exactNumber, parseDecimal } from '../src/config/number.js'

const scope: Scope = {
  roots: new Map([
    ['var', newObject([['region', 'eu-west-1'], ['n', 3], ['list', ['a', 'b']], ['flag', true]])],
    ['local', newObject([['tags', newObject([['team', 'ml']])], ['items', [newObject([['name', 'x'], ['size', 1]]), newObject([['name', 'y'], ['size', 2]])]]])],
    ['sagemaker_training_job', newObject([['prep', newObject([['arn', new Unknown('sagemaker_training_job.prep.arn')]])]])],
  ]),
  baseDir: '.',
  describeRoot: (r) => (r === 'var' ? 'input variable' : undefined),
}

async function evaluate(expr: string): Promise<{ value: Value; diagnostics: Diagnostic[] }> {
  const parsed = await parseHcl('t.hcl', `v = ${expr}\n`)
  assert.deepEqual(parsed.diagnostics, [], `syntax: ${expr}`)
  const diagnostics: Diagnostic[] = []
  const value = new Evaluator((d) => diagnostics.push(d)).evaluate(parsed.file!.body.attributes[0]!.expr, scope)
  return { value, diagnostics }
}

const plain = (v: Value) => JSON.parse(JSON.stringify(v))

describe('expression evaluation', () => {
  const cases: Array<[string, unknown]> = [
    ['"plain"', 'plain'],
    ['"${var.region}-${var.n}"', 'eu-west-1-3'],
    ['"$${literal}"', '${literal}'],
    ['"${var.list}"', ['a', 'b']],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 * (3 + 4) - -1', 15],
    ['!(1 > 2)', true],
    ['-var.n', -3],
    ['10 % 4', 2],
    ['var.n > 2 && !false', true],
    ['var.n == 3 ? "three" : "other"', 'three'],
    ['[for s in var.list : upper(s)]', ['A', 'B']],
    ['[for i, s in var.list : "${i}:${s}" if s != "a"]', ['1:b']],
    ['{for item in local.items : item.name => item.size}', { x: 1, y: 2 }],
    ['{for item in local.items : "all" => item.name...}', { all: ['x', 'y'] }],
    ['local.items[*].name', ['x', 'y']],
    ['local.items[1].size', 2],
    ['local.tags["team"]', 'ml'],
    ['merge(local.tags, { env = "prod" })', { team: 'ml', env: 'prod' }],
    ['join("-", concat(var.list, ["c"]))', 'a-b-c'],
    ['max(var.list...)', null],
    ['length(var.list)', 2],
    ['jsonencode({ b = 1, a = [true] })', '{"a":[true],"b":1}'],
    ['"%{ if var.flag }on%{ else }off%{ endif }"', 'on'],
    ['"%{ for s in var.list }[${s}]%{ endfor }"', '[a][b]'],
    ['{ (var.region) = 1 }', { 'eu-west-1': 1 }],
    ['tonumber("1.5")', 1.5],
    // Comments may stand between any two tokens: none is taken for a part of the expression.
    ['(var.n == 3 ? # when three\n "three" : "other")', 'three'],
    ['var.n == 3 /* c */ ? "three" /* d */ : /* e */ "other"', 'three'],
    ['[for s in var.list : # each\n upper(s)]', ['A', 'B']],
    ['[for s in var.list : s if # only b\n s != "a"]', ['b']],
    ['local.items[ # which\n 1].size', 2],
    ['{for item in local.items : item.name /* key */ => /* value */ item.size}', { x: 1, y: 2 }],
  ]
  for (const [expr, expected] of cases) {
    it(`${expr} → ${JSON.stringify(expected)}`, async () => {
      const { value, diagnostics } = await evaluate(expr)
      if (expected === null) {
        assert.ok(diagnostics.length > 0, 'expected an error')
        return
      }
      assert.deepEqual(diagnostics, [])
      assert.deepEqual(plain(value), expected)
    })
  }

  it('heredocs keep lines and <<- strips the common indentation', async () => {
    const parsed = await parseHcl('t.hcl', 'a = <<EOT\nline ${var.n}\n  two\nEOT\nb = <<-EOT\n    one\n      two\n    EOT\n')
    const ev = new Evaluator(() => assert.fail('no diagnostics expected'))
    const [a, b] = parsed.file!.body.attributes
    assert.equal(ev.evaluate(a!.expr, scope), 'line 3\n  two\n')
    assert.equal(ev.evaluate(b!.expr, scope), 'one\n  two\n')
  })

  it('propagates unknown values through operators, templates and functions', async () => {
    for (const expr of ['sagemaker_training_job.prep.arn', '"arn=${sagemaker_training_job.prep.arn}"', 'upper(sagemaker_training_job.prep.arn)', '[sagemaker_training_job.prep.arn][0]']) {
      const { value, diagnostics } = await evaluate(expr)
      assert.deepEqual(diagnostics, [])
      assert.ok(value instanceof Unknown, expr)
      assert.equal((value as Unknown).origin, 'sagemaker_training_job.prep.arn')
    }
  })

  it('keeps the known branch of a conditional even when the other is unknown', async () => {
    const { value } = await evaluate('var.flag ? "known" : sagemaker_training_job.prep.arn')
    assert.equal(value, 'known')
  })

  const errors: Array<[string, string, number]> = [
    ['var.regin', 'Reference to undeclared input variable', 5],
    ['nosuch(1)', 'Call to unknown function', 5],
    ['1 / 0', 'Division by zero', 9],
    ['var.list[5]', 'Invalid index', 14],
    ['"x${var.list}"', 'Invalid template interpolation value', 9],
    ['"a" ? 1 : 2', 'Incorrect condition type', 5],
    ['lookup(local.tags, "nope")', 'Invalid function argument', 24],
  ]
  for (const [expr, summary, column] of errors) {
    it(`reports ${summary} for ${expr} at column ${column}`, async () => {
      const { diagnostics } = await evaluate(expr)
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics))
      assert.equal(diagnostics[0]!.summary, summary)
      assert.equal(diagnostics[0]!.range!.start.column, column)
    })
  }
})

describe('parseDecimal', () => {
  // Short decimals take a shortcut (Number(text)); every text here must come out as the exact path makes it.
  const exact = (text: string) => {
    const [, whole = '', fraction = ''] = /^(\d*)(?:\.(\d*))?$/.exec(text)!
    return exactNumber(new BigNumber(BigInt(`${whole}${fraction}` || '0'), -fraction.length))
  }
  it('gives short decimals the double the exact path gives, and longer ones their exact value', () => {
    const texts = ['0', '007', '0.10', '1.0', '00.000', '0.1', '0.00000000000001', '999999999999999', '9999999999999999', '123456789012345', '1234567.89012345', '12345678.9012345', '0.123456789012345', '9007199254740993', '99999999999999.99']
    let seed = 7
    const digit = () => String((seed = (seed * 48271) % 2147483647) % 10)
    for (let i = 0; i < 5000; i++) {
      const digits = (n: number) => Array.from({ length: n }, digit).join('')
      texts.push(i % 2 ? digits(1 + (i % 17)) : `${digits(1 + (i % 9))}.${digits(1 + (i % 13))}`)
    }
    for (const text of texts) {
      const got = parseDecimal(text)
      const want = exact(text)
      assert.equal(typeof got, typeof want, text)
      assert.equal(String(got), String(want), text)
    }
  })
})

// HCL numbers are arbitrary-precision decimals: what a double cannot hold stays exact, through the arithmetic that
// Terraform keeps exact (+, -, *, whole quotients, comparisons, min/max/abs/floor/ceil, tonumber, tostring).
describe('numbers beyond a double', () => {
  const text = async (expr: string) => {
    const { value, diagnostics } = await evaluate(`tostring(${expr})`)
    assert.deepEqual(diagnostics, [], expr)
    return value
  }
  const cases: Array<[string, string]> = [
    ['99999999999999999999999999', '99999999999999999999999999'],
    ['99999999999999999999999999 + 1', '100000000000000000000000000'],
    ['100000000000000000000000000 - 1', '99999999999999999999999999'],
    ['-99999999999999999999999999 * 3', '-299999999999999999999999997'],
    ['9007199254740993', '9007199254740993'],
    ['9007199254740992 + 1', '9007199254740993'],
    ['12345678901234567890 * 10', '123456789012345678900'],
    ['99999999999999999999999998 / 2', '49999999999999999999999999'],
    ['99999999999999999999999999 % 10', '9'],
    ['0.1 + 0.2', '0.3'],
    ['1.1 * 3', '3.3'],
    ['0.12345678901234567890123', '0.12345678901234567890123'],
    ['1e30', '1000000000000000000000000000000'],
    ['max(12345678901234567890123, 5)', '12345678901234567890123'],
    ['min(-12345678901234567890123, 5)', '-12345678901234567890123'],
    ['abs(-12345678901234567890123)', '12345678901234567890123'],
    ['floor(-12345678901234567890123.5)', '-12345678901234567890124'],
    ['ceil(12345678901234567890123.5)', '12345678901234567890124'],
    ['tonumber("123456789012345678901234567890")', '123456789012345678901234567890'],
    ['"${99999999999999999999999999}"', '99999999999999999999999999'],
    ['jsonencode([99999999999999999999999999])', '[99999999999999999999999999]'],
  ]
  for (const [expr, expected] of cases) it(`${expr} is ${expected}`, async () => assert.equal(await text(expr), expected))

  it('compares exactly', async () => {
    for (const [expr, expected] of [
      ['99999999999999999999999999 < 100000000000000000000000000', true],
      ['9007199254740993 == 9007199254740992', false],
      ['9007199254740993 > 9007199254740992', true],
      ['100000000000000000000000000 == 1e26', true],
    ] as const) assert.equal((await evaluate(expr)).value, expected, expr)
  })

  it('keeps plain numbers plain: a value a double holds is a JavaScript number', async () => {
    for (const expr of ['1 + 2', '9007199254740991', '0.5 * 4', '1e21']) assert.equal(typeof (await evaluate(expr)).value, 'number', expr)
  })
})
