import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FunctionError, functions } from '../src/config/functions.js'
import { newObject, type Value } from '../src/config/value.js'

const o = (record: Record<string, Value>) => newObject(Object.entries(record))
const show = (args: Value[]) => args.map((a) => JSON.stringify(a)).join(', ')
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('HCL functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-functions-'))
  before(() => {
    writeFileSync(join(dir, 'data.txt'), 'hello\n')
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'nested.txt'), 'nested')
    writeFileSync(join(dir, 'binary.bin'), Buffer.from([0xff, 0xfe, 0x00]))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  const call = (name: string, args: Value[]) => functions[name]!.call(args, { baseDir: dir })

  const results: Array<[string, Value[], Value]> = [
    ['format', ['Hello, %s!', 'Ander'], 'Hello, Ander!'],
    ['format', ['There are %d lights', 4], 'There are 4 lights'],
    ['format', ['%s is %d', 'n', '42'], 'n is 42'],
    ['format', ['%.3f', 3.14159], '3.142'],
    ['format', ['%5d|%-5d|%05d', 42, 42, -42], '   42|42   |-0042'],
    ['format', ['%+d|% d|%x|%X|%#x|%o|%b', 5, 5, 255, 255, 255, 8, 5], '+5| 5|ff|FF|0xff|10|101'],
    ['format', ['%f %e %g %g %.3g', 10, 1000, 1000, 1e-23, 1234.5678], '10.000000 1.000000e+03 1000 1e-23 1.23e+03'],
    ['format', ['%q %t %%', 'say "hi"\n<b>', 'true'], '"say \\"hi\\"\\n\\u003cb\\u003e" true %'],
    ['format', ['%v %v %v %v %v', 'str', 2, true, null, ['a', o({ b: 1 })]], 'str 2 true null ["a",{"b":1}]'],
    ['format', ['%v %#v', 1000000, 'x'], '1e+06 "x"'],
    ['format', ['%s %s', 1.5, false], '1.5 false'],
    ['format', ['%[2]s %[1]s', 'a', 'b'], 'b a'],
    ['format', ['%10s|%-6s|%.2s|%4s', 'hello', 'hi', 'hello', '💃🏿'], '     hello|hi    |he|   💃🏿'],
    ['formatlist', ['Hello, %s!', ['Valentina', 'Ander']], ['Hello, Valentina!', 'Hello, Ander!']],
    ['formatlist', ['%s-%s', ['a', 'b'], 'x'], ['a-x', 'b-x']],
    ['formatlist', ['%s', []], []],
    ['formatlist', ['plain'], ['plain']],
    ['lower', ['HELLO'], 'hello'],
    ['upper', ['hello'], 'HELLO'],
    ['upper', [42], '42'],
    ['title', ['hello world-foo_bar'], 'Hello World-Foo_bar'],
    ['join', [', ', ['foo', 'bar', 'baz']], 'foo, bar, baz'],
    ['join', ['-', ['a', 1], [true]], 'a-1-true'],
    ['join', [',', []], ''],
    ['split', [',', 'foo,bar,baz'], ['foo', 'bar', 'baz']],
    ['split', [',', ''], ['']],
    ['split', ['', 'abc'], ['a', 'b', 'c']],
    ['replace', ['1 + 2 + 3', '+', '-'], '1 - 2 - 3'],
    ['replace', ['cost: $5', '$5', '$$&'], 'cost: $$&'],
    ['replace', ['a/b', '/', '|'], 'a|b'],
    ['replace', ['hello world', '/w.*d/', 'everybody'], 'hello everybody'],
    ['replace', ['ml.p3.2xlarge', '/^ml\\.(\\w+)\\.(\\w+)$/', '$2-${1}$$'], '2xlarge-p3$'],
    ['replace', ['abc', '/(?P<mid>b)/', '[${mid}]'], 'a[b]c'],
    ['replace', ['aBc', '/(?i)b/', 'x'], 'axc'],
    ['substr', ['hello world', 1, 4], 'ello'],
    ['substr', ['🤔🤷', 0, 1], '🤔'],
    ['substr', ['hello world', -5, -1], 'world'],
    ['substr', ['hello', 10, 2], ''],
    ['trimspace', ['  hello\n\n'], 'hello'],
    ['trim', ['?!hello?!', '!?'], 'hello'],
    ['trim', ['foobar', 'far'], 'oob'],
    ['trim', ['[x]-', '[]-'], 'x'],
    ['trimprefix', ['helloworld', 'hello'], 'world'],
    ['trimprefix', ['helloworld', 'cat'], 'helloworld'],
    ['trimsuffix', ['helloworld', 'world'], 'hello'],
    ['trimsuffix', ['hello', ''], 'hello'],
    ['startswith', ['hello world', 'hello'], true],
    ['startswith', ['hello world', 'world'], false],
    ['endswith', ['hello world', 'world'], true],
    ['endswith', ['hello world', 'hello'], false],
    ['strcontains', ['hello world', 'wor'], true],
    ['strcontains', ['hello', 'x'], false],
    ['length', [[]], 0],
    ['length', [['a', 'b']], 2],
    ['length', [o({ a: 'b' })], 1],
    ['length', ['hello'], 5],
    ['length', ['💃🏿'], 1],
    ['concat', [['a', ''], ['b', 'c']], ['a', '', 'b', 'c']],
    ['concat', [[1, [2]], []], [1, [2]]],
    ['merge', [o({ a: 'b', c: 'd' }), o({ e: 'f', c: 'z' })], o({ a: 'b', c: 'z', e: 'f' })],
    ['merge', [null, o({ a: 1 })], o({ a: 1 })],
    ['merge', [], o({})],
    ['lookup', [o({ a: 'ay', b: 'bee' }), 'a', 'what?'], 'ay'],
    ['lookup', [o({ a: 'ay', b: 'bee' }), 'c', 'what?'], 'what?'],
    ['lookup', [o({ a: 1 }), 'a'], 1],
    ['lookup', [o({}), 'toString', null], null],
    ['keys', [o({ c: 3, a: 1, b: 2 })], ['a', 'b', 'c']],
    ['keys', [o({ b: 1, B: 2 })], ['B', 'b']],
    ['values', [o({ c: 3, a: 1, b: 2 })], [1, 2, 3]],
    ['zipmap', [['a', 'b'], [1, [2]]], o({ a: 1, b: [2] })],
    ['contains', [['a', 'b', 'c'], 'a'], true],
    ['contains', [['a', 'b'], 'd'], false],
    ['contains', [[1, [2]], [2]], true],
    ['index', [['a', 'b', 'c'], 'b'], 1],
    ['element', [['a', 'b', 'c'], 1], 'b'],
    ['element', [['a', 'b', 'c'], 3], 'a'],
    ['coalesce', ['a', 'b'], 'a'],
    ['coalesce', ['', 'b'], 'b'],
    ['coalesce', [null, 1, 2], 1],
    ['coalesce', [1, 'hello'], '1'],
    ['coalesce', [true, 'hello'], 'true'],
    ['compact', [['a', '', 'b', null, 'c']], ['a', 'b', 'c']],
    ['distinct', [['a', 'b', 'a', 'c', 'd', 'b']], ['a', 'b', 'c', 'd']],
    ['distinct', [[o({ a: 1 }), o({ a: 1 })]], [o({ a: 1 })]],
    ['flatten', [[['a', 'b'], [], ['c']]], ['a', 'b', 'c']],
    ['flatten', [[[['a', 'b'], []], ['c'], null]], ['a', 'b', 'c', null]],
    ['range', [3], [0, 1, 2]],
    ['range', [1, 4], [1, 2, 3]],
    ['range', [1, 8, 2], [1, 3, 5, 7]],
    ['range', [4, 1], [4, 3, 2]],
    ['range', [10, 5, -2], [10, 8, 6]],
    ['range', [0, 0.5, 0.1], [0, 0.1, 0.2, 0.3, 0.4]],
    ['range', [0], []],
    ['reverse', [[1, 2, 3]], [3, 2, 1]],
    ['slice', [['a', 'b', 'c', 'd'], 1, 3], ['b', 'c']],
    ['slice', [['a'], 1, 1], []],
    ['sort', [['e', 'd', 'a', 'x']], ['a', 'd', 'e', 'x']],
    ['sort', [[10, 9, 'b', 'B']], ['10', '9', 'B', 'b']],
    ['abs', [-12.4], 12.4],
    ['ceil', [5.1], 6],
    ['floor', ['-1.5'], -2],
    ['signum', [-13], -1],
    ['signum', [344], 1],
    ['pow', [3, 2], 9],
    ['min', [12, 54, 3], 3],
    ['max', [12, '54', 3], 54],
    ['tostring', ['hello'], 'hello'],
    ['tostring', [1e-7], '0.0000001'],
    ['tostring', [true], 'true'],
    ['tostring', [null], null],
    ['tonumber', ['1e-3'], 0.001],
    ['tonumber', [5], 5],
    ['tonumber', [null], null],
    ['tobool', ['true'], true],
    ['tobool', [false], false],
    ['tobool', [null], null],
    ['tolist', [['a', 'b', 3]], ['a', 'b', '3']],
    ['tolist', [[1, null]], [1, null]],
    ['toset', [['b', 'a', 'b']], ['a', 'b']],
    ['toset', [[2, 1, 2]], [2, 1]],
    ['tomap', [o({ a: 'foo', b: true })], o({ a: 'foo', b: 'true' })],
    ['jsonencode', [o({ z: 'world', a: [1, 2.5, 1e-7], n: null, t: true })], '{"a":[1,2.5,0.0000001],"n":null,"t":true,"z":"world"}'],
    ['jsonencode', ['<&>'], '"\\u003c\\u0026\\u003e"'],
    ['jsonencode', [null], 'null'],
    ['jsondecode', ['{"hello": "world", "list": [1, true, null]}'], o({ hello: 'world', list: [1, true, null] })],
    ['jsondecode', ['2.5'], 2.5],
    ['base64encode', ['Hello World'], 'SGVsbG8gV29ybGQ='],
    ['base64encode', ['✓'], '4pyT'],
    ['base64decode', ['SGVsbG8gV29ybGQ='], 'Hello World'],
    ['sha256', ['hello world'], 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
    ['md5', ['hello world'], '5eb63bbbe01eeed093cb22bb8f5acdc3'],
    ['file', ['data.txt'], 'hello\n'],
    ['file', ['sub/../sub/nested.txt'], 'nested'],
    ['file', [join(dir, 'data.txt')], 'hello\n'],
  ]
  for (const [name, args, want] of results) {
    it(`${name}(${show(args)}) = ${JSON.stringify(want)}`, () => assert.deepEqual(call(name, args), want))
  }

  const failures: Array<[string, Value[], RegExp, number | undefined]> = [
    ['upper', [['a']], /^Invalid value for "str" parameter: string required, got list\.$/, 0],
    ['lower', [null], /^Invalid value for "str" parameter: argument must not be null\.$/, 0],
    ['split', [',', o({})], /"str" parameter: string required, got object/, 1],
    ['join', ['-', 'abc'], /"lists" parameter: list required, got "abc"/, 1],
    ['join', ['-', ['a'], [null]], /"lists" parameter: element 0 is null/, 2],
    ['join', ['-', [['x']]], /element 0: string required, got list/, 1],
    ['substr', ['abc', 1.5, 1], /"offset" parameter: whole number required, got 1\.5/, 1],
    ['abs', ['ten'], /"num" parameter: number required, got "ten"/, 0],
    ['pow', [2, true], /"power" parameter: number required, got boolean/, 1],
    ['lookup', [o({ a: 1 }), 'foo'], /^key "foo" not found and no default given$/, 1],
    ['lookup', [['a'], 'a'], /"inputMap" parameter: map required, got list/, 0],
    ['merge', [o({}), 'x'], /"maps" parameter: map required, got "x"/, 1],
    ['keys', [[]], /"inputMap" parameter: map required/, 0],
    ['length', [5], /argument must be a string, a list or a map, got number/, 0],
    ['length', [null], /argument must not be null/, 0],
    ['contains', ['abc', 'a'], /"list" parameter: list required/, 0],
    ['file', ['missing.txt'], new RegExp(`^no file exists at "${escapeRegExp(join(dir, 'missing.txt'))}"$`), 0],
    ['file', ['sub'], /is a directory/, 0],
    ['file', ['binary.bin'], /are not valid UTF-8/, 0],
    ['format', ['%s %s', 'a'], /^not enough arguments for "%s" at 3: need index 2 but have 1 total$/, 0],
    ['format', ['%[3]s', 'a'], /need index 3 but have 1 total/, 0],
    ['format', ['%d', 1.5], /^unsupported value for "%d" at 0: an integer is required$/, 1],
    ['format', ['%d', 'x'], /number required, got "x"/, 1],
    ['format', ['%s', []], /string required, got list/, 1],
    ['format', ['%s', null], /null value cannot be formatted/, 1],
    ['format', ['%s', 'a', 'b'], /too many arguments; only 1 used by format string/, 2],
    ['format', ['hi', 'a'], /too many arguments; no verbs in format string/, 1],
    ['format', ['%y', 1], /unsupported format verb "y" in "%y" at offset 0/, 0],
    ['format', ['50%'], /invalid format string starting at offset 2/, 0],
    ['format', ['%!', 1], /unrecognized format character "!" at offset 1/, 0],
    ['format', ['%.200f', 1], /precision must not exceed 100/, 1],
    ['formatlist', ['%s %s', ['a', 'b'], ['c']], /argument 2 has length 1, which is inconsistent with argument 1 of length 2/, 2],
    ['formatlist', ['%d', ['1', 'x']], /^error on format iteration 1: unsupported value for "%d" at 0: number required/, 1],
    ['tonumber', ['abc'], /"v" parameter: cannot convert "abc" to number; given string must be a decimal/, 0],
    ['tobool', ['yes'], /cannot convert "yes" to bool; only the strings "true" or "false" are allowed/, 0],
    ['tostring', [[]], /cannot convert list to string\.$/, 0],
    ['tolist', ['a'], /cannot convert "a" to list/, 0],
    ['tolist', [[1, true]], /all elements must have the same type/, 0],
    ['tomap', [['a']], /cannot convert list to map/, 0],
    ['jsondecode', ['{nope'], /"str" parameter: invalid JSON/, 0],
    ['replace', ['x', '/(/', 'y'], /"substr" parameter: invalid regular expression/, 1],
    ['element', [[], 0], /empty list/, 0],
    ['element', [['a'], -1], /"index" parameter: must not be negative/, 1],
    ['index', [['a'], 'b'], /^item not found$/, 1],
    ['range', [1, 2, 0], /step must not be zero/, 2],
    ['range', [5, 1, 1], /limit must be greater than start when step is positive/, 1],
    ['range', [0, 2000], /more than 1024 values/, undefined],
    ['slice', [['a'], 0, 2], /"end_index" parameter: must not be greater than the length of the list/, 2],
    ['slice', [['a', 'b'], 2, 1], /"start_index" parameter: must not be greater than end_index/, 1],
    ['slice', [['a'], -1, 1], /"start_index" parameter: must not be less than zero/, 1],
    ['zipmap', [['a'], [1, 2]], /number of keys \(1\) does not match number of values \(2\)/, undefined],
    ['coalesce', [null, ''], /no non-null, non-empty-string arguments/, undefined],
    ['coalesce', [o({}), 'x'], /all arguments must have the same type/, undefined],
    ['base64decode', ['not base64!'], /"str" parameter: failed to decode base64 data/, 0],
    ['base64decode', ['/w=='], /not valid UTF-8/, 0],
    ['sort', [[null]], /"list" parameter: element 0 is null/, 0],
    ['compact', [[['x']]], /element 0: string required, got list/, 0],
  ]
  for (const [name, args, message, argIndex] of failures) {
    it(`${name}(${show(args)}) fails with ${message}`, () => {
      assert.throws(() => call(name, args), (error: unknown) => {
        assert.ok(error instanceof FunctionError, `expected a FunctionError, got ${String(error)}`)
        assert.match(error.message, message)
        assert.equal(error.argIndex, argIndex)
        return true
      })
    })
  }

  const arities: Array<[string, number, number]> = [
    ['format', 1, Infinity],
    ['lookup', 2, 3],
    ['range', 1, 3],
    ['merge', 0, Infinity],
    ['concat', 1, Infinity],
    ['join', 2, Infinity],
    ['coalesce', 1, Infinity],
    ['substr', 3, 3],
    ['upper', 1, 1],
  ]
  for (const [name, minArgs, maxArgs] of arities) {
    it(`${name} takes ${minArgs} to ${maxArgs} arguments`, () => assert.deepEqual([functions[name]!.minArgs, functions[name]!.maxArgs], [minArgs, maxArgs]))
  }

  it('provides exactly the documented set, and nothing that would make a plan non-deterministic', () => {
    const names = 'abs base64decode base64encode ceil coalesce compact concat contains distinct element endswith file flatten floor format formatlist index join jsondecode jsonencode keys length lookup lower max md5 merge min pow range replace reverse sha256 signum slice sort split startswith strcontains substr title tobool tolist tomap tonumber toset tostring trim trimprefix trimspace trimsuffix upper values zipmap'
    assert.deepEqual(Object.keys(functions).sort(), names.split(' '))
  })

  // Any argument a manifest author could write must end in a value or a FunctionError, never a crash.
  const samples: Value[] = [null, '', 'x', '/(/', 1.5, -1, 3, true, [], ['a', null], o({ a: 1 })]
  for (const [name, fn] of Object.entries(functions)) {
    it(`${name} reports bad arguments only as FunctionError`, () => {
      for (let n = fn.minArgs; n <= Math.min(fn.maxArgs, 3); n++) {
        const combos = samples.length ** n
        for (let c = 0; c < combos; c++) {
          const args = Array.from({ length: n }, (_, i) => samples[Math.floor(c / samples.length ** i) % samples.length]!)
          try {
            fn.call(args, { baseDir: dir })
          } catch (error) {
            assert.ok(error instanceof FunctionError, `${name}(${show(args)}) threw ${String(error)}`)
          }
        }
      }
    })
  }
})
