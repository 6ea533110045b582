// Sensitive values as marks: a sensitive variable pushed through every function of the library and every expression
// form stays marked, and no output mode (plan text, Markdown, diagnostics, state show, show, output) prints it or any
// value derived from it, whether it reaches the request (hyper_parameters, environment) or the tags.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Diagnostic } from '../src/diagnostics/index.js'
import { Evaluator, type Scope } from '../src/config/eval.js'
import { functions } from '../src/config/functions.js'
import { parseHcl } from '../src/config/parse.js'
import { Sensitive, containsSensitive, newObject, unmarkDeep, type Value } from '../src/config/value.js'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'

const SECRET = 'Tok3n-Sekr1t-Value'

/** One call per function of the library, each fed the secret (S) or something derived from it. */
const FUNCTION_CASES: Record<string, string> = {
  format: 'format("%s!", S)',
  formatlist: 'formatlist("%s!", [S])',
  lower: 'lower(S)',
  upper: 'upper(S)',
  title: 'title(S)',
  join: 'join(",", [S, "x"])',
  split: 'split("-", S)',
  replace: 'replace(S, "/[0-9]/", "#")',
  substr: 'substr(S, 0, 10)',
  trimspace: 'trimspace(S)',
  trim: 'trim(S, "T")',
  trimprefix: 'trimprefix(S, "Tok")',
  trimsuffix: 'trimsuffix(S, "Value")',
  startswith: 'startswith(S, "Tok")',
  endswith: 'endswith(S, "x")',
  strcontains: 'strcontains(S, "Sekr")',
  length: 'length(S)',
  concat: 'concat([S], ["x"])',
  merge: 'merge({ a = "x" }, { b = S })',
  lookup: 'lookup({ a = S }, "a")',
  keys: 'keys({ (S) = 1 })',
  values: 'values({ a = S })',
  zipmap: 'zipmap(["a"], [S])',
  contains: 'contains(["x"], S)',
  index: 'index([S], S)',
  element: 'element([S], 0)',
  coalesce: 'coalesce("", S)',
  compact: 'compact([S, ""])',
  distinct: 'distinct([S, S])',
  flatten: 'flatten([[S]])',
  range: 'range(length(S))',
  reverse: 'reverse([S, "x"])',
  slice: 'slice([S, "x"], 0, 1)',
  sort: 'sort([S, "a"])',
  abs: 'abs(-length(S))',
  ceil: 'ceil(length(S) / 4)',
  floor: 'floor(length(S) / 4)',
  signum: 'signum(length(S))',
  pow: 'pow(length(S), 2)',
  min: 'min(length(S), 100)',
  max: 'max(length(S), 1)',
  tostring: 'tostring(S)',
  tonumber: 'tonumber(length(S))',
  tobool: 'tobool(S == "x")',
  tolist: 'tolist([S])',
  toset: 'toset([S, S])',
  tomap: 'tomap({ a = S })',
  jsonencode: 'jsonencode({ a = S })',
  jsondecode: 'jsondecode(jsonencode(S))',
  base64encode: 'base64encode(S)',
  base64decode: 'base64decode(base64encode(S))',
  sha256: 'sha256(S)',
  md5: 'md5(S)',
  file: 'file(lower(S))',
}

/** Every expression form, each reading the secret once. */
const EXPRESSION_CASES: Record<string, string> = {
  reference: 'S',
  template: '"key=${S}"',
  'template if': '"%{if S == "x"}yes%{else}no%{endif}"',
  'template for': '"%{for c in split("-", S)}${c};%{endfor}"',
  heredoc: '<<-EOT\n  secret: ${S}\n  EOT',
  conditional: 'S == "x" ? "a" : "b"',
  'conditional branch': 'true ? S : "b"',
  'for list': '[for part in split("-", S) : part]',
  'for object': '{ for part in split("-", S) : part => 1 }',
  'for condition': '[for n in ["a", "b"] : n if S == "x"]',
  'for key': '{ for n in ["a"] : "${n}${S}" => n }',
  tuple: '[S]',
  object: '{ a = S }',
  'object key': '{ (S) = "x" }',
  'index by secret': '{ (S) = "x" }[S]',
  'index into secret': 'split("-", S)[0]',
  'attribute of secret object': 'local.secret_object.token',
  splat: '[{ a = S }][*].a',
  'splat of secret': 'local.secret_list[*]',
  equality: 'S != "x"',
  comparison: 'length(S) > 3',
  arithmetic: 'length(S) * 2 + 1',
  logic: 'S == "x" || false',
  not: '!(S == "x")',
  negation: '-length(S)',
  parentheses: '(S)',
  local: 'local.derived',
  'expanded arguments': 'concat([[S]]...)',
  'sensitive() of a plain value': 'sensitive("plain")',
}

const scope = (): Scope => ({
  roots: new Map([
    ['var', newObject([['token', new Sensitive(SECRET)]])],
    [
      'local',
      newObject([
        ['derived', new Sensitive(`${SECRET}-derived`)],
        ['secret_object', new Sensitive(newObject([['token', SECRET]]))],
        ['secret_list', new Sensitive([SECRET])],
      ]),
    ],
  ]),
  baseDir: '.',
  // file(lower(S)) finds its file; file(S) does not, and its error must not name the path.
  readFile: (path) => {
    if (path.endsWith(SECRET.toLowerCase())) return Buffer.from(`contents of ${path}`)
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
  },
})

async function evaluate(text: string): Promise<{ value: Value; diagnostics: Diagnostic[] }> {
  const parsed = await parseHcl('t.hcl', `v = ${text.replaceAll(/\bS\b/g, 'var.token')}\n`)
  assert.deepEqual(parsed.diagnostics, [], `syntax: ${text}`)
  const diagnostics: Diagnostic[] = []
  const value = new Evaluator((d) => diagnostics.push(d)).evaluate(parsed.file!.body.attributes[0]!.expr, scope())
  return { value, diagnostics }
}

describe('sensitive values as marks', () => {
  describe('every function of the library', () => {
    it('has a case for every function', () => assert.deepEqual(Object.keys(functions).filter((f) => !(f in FUNCTION_CASES)), []))
    for (const [name, text] of Object.entries(FUNCTION_CASES)) {
      it(`${name}: ${text}`, async () => {
        const { value, diagnostics } = await evaluate(text)
        assert.deepEqual(diagnostics, [])
        assert.ok(containsSensitive(value), `${text} lost the mark: ${JSON.stringify(value)}`)
      })
    }
  })

  describe('every expression form', () => {
    for (const [name, text] of Object.entries(EXPRESSION_CASES)) {
      it(`${name}: ${text.replace(/\n/g, '\\n')}`, async () => {
        const { value, diagnostics } = await evaluate(text)
        assert.deepEqual(diagnostics, [])
        assert.ok(containsSensitive(value), `${text} lost the mark: ${JSON.stringify(value)}`)
      })
    }
    it('only what is derived is marked: the other members of a collection stay plain', async () => {
      const { value } = await evaluate('{ a = S, b = "plain" }')
      assert.ok(value && typeof value === 'object' && !(value instanceof Sensitive))
      const record = value as Record<string, Value>
      assert.ok(record.a instanceof Sensitive)
      assert.equal(record.b, 'plain')
      assert.equal(containsSensitive((await evaluate('nonsensitive(sha256(S))')).value), false)
    })
  })

  describe('errors never quote a sensitive operand', () => {
    const failing = ['tonumber(S)', 'file(S)', 'lookup({ a = 1 }, S)', '{ a = 1 }[S]', 'base64decode(S)', 'element([], length(S))', 'format("%d", S)', 'jsondecode(S)', '[S][length(S)]', '{ for n in [1, 2] : S => n }']
    for (const text of failing) {
      it(text, async () => {
        const { diagnostics } = await evaluate(text)
        assert.ok(diagnostics.length > 0, `${text} should fail`)
        const printed = JSON.stringify(diagnostics)
        for (const form of [SECRET, SECRET.toLowerCase()]) assert.ok(!printed.includes(form), `${text}: ${printed}`)
      })
    }
  })

  describe('no output mode prints it (the CLI against the local endpoint)', () => {
    let endpoint: Endpoint
    let dir: string
    before(async () => {
      endpoint = await startEndpoint({ manualClock: {} })
      dir = mkdtempSync(join(tmpdir(), 'sageform-sensitive-'))
      // Every function and form above that yields a string or number reaches the request through hyper_parameters.
      const hyper = Object.entries({ ...FUNCTION_CASES, ...EXPRESSION_CASES })
        .filter(([name]) => name !== 'file')
        // A heredoc ends at its marker's own line, so the call closes on the next.
        .map(([name, text], i) => `    p${i} = jsonencode(${text.replaceAll(/\bS\b/g, 'var.token')}${text.includes('\n') ? '\n    ' : ''}) # ${name}`)
      // The same through tags, base64 so every value fits a tag's characters; a job takes at most 47 tags of its own.
      const tagged = hyper.map((line) => line.replace(/= jsonencode\(/, '= base64encode(jsonencode(').replace(/\) # /, ')) # ').replace(/^(\s*)p/, '$1t'))
      const tagResources = [tagged.slice(0, 45), tagged.slice(45)].map(
        (lines, i) => `resource "sagemaker_training_job" "tagged_${i}" {
  name_prefix = "tagged-${i}"
  tags = {
    plain = "visible"
${lines.join('\n')}
  }
${TRAINING_BODY}}
`,
      )
      writeFileSync(
        join(dir, 'main.hcl'),
        `variable "token" {
  type      = string
  sensitive = true
}

locals {
  derived       = "\${var.token}-derived"
  secret_object = { token = var.token }
  secret_list   = [var.token]
}

resource "sagemaker_training_job" "leaky" {
  name_prefix = "leaky"
  hyper_parameters = {
    plain = "visible"
${hyper.join('\n')}
  }
  environment = { TOKEN = var.token, UP = upper(var.token) }
  tags        = { owner = "visible", secret = var.token }
${TRAINING_BODY}}

resource "sagemaker_training_job" "whole_map" {
  name_prefix      = "whole-map"
  tags             = { for k in [var.token] : k => "x" }
  hyper_parameters = { (var.token) = "1", plain = "2" }
  environment      = { for k in [var.token] : replace(k, "-", "_") => "v" }
${TRAINING_BODY}}

${tagResources.join('\n')}

output "token" {
  value     = { raw = var.token, up = upper(var.token) }
  sensitive = true
}
`,
      )
    })
    after(async () => {
      await endpoint.close()
      rmSync(dir, { recursive: true, force: true })
    })

    /** Every text of the request that is derived from the secret (all the p* values, the environment). */
    function derivedTexts(): string[] {
      const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
      const request = state.resources['sagemaker_training_job.leaky']!.current!.request as Record<string, Record<string, string>>
      const tags = ['tagged_0', 'tagged_1'].flatMap((label) => Object.entries(state.resources[`sagemaker_training_job.${label}`]?.current?.tags ?? {}).filter(([k]) => k !== 'plain').map(([, v]) => v))
      const secretKeys = Object.keys((state.resources['sagemaker_training_job.whole_map']?.current?.request as { Environment?: object } | undefined)?.Environment ?? {})
      const texts = [...secretKeys, ...Object.entries(request.HyperParameters!).filter(([k]) => k !== 'plain').map(([, v]) => v), ...Object.values(request.Environment!), ...tags]
      // Short derived values (a length, a bool) are not secrets worth searching for; the strings are.
      return [SECRET, ...texts.filter((t) => t.length >= 8 && !/^"?(true|false|\d+)"?$/.test(t))]
    }

    function assertHidden(what: string, text: string): void {
      for (const secret of derivedTexts()) assert.ok(!text.includes(secret) && !text.includes(JSON.stringify(secret).slice(1, -1)), `${what} prints ${secret}:\n${text}`)
    }

    it('plan, plan --markdown, apply, state show, show and output hide every derived value; --json, output --raw and the state keep them', async () => {
      const env = { SAGEFORM_VAR_token: SECRET }
      const cli = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url, env) })
      const plan = await cli('plan', '--no-cost')
      assert.equal(plan.status, 0, plan.stdout + plan.stderr)
      assert.match(plan.stdout, /hyper_parameters\.p0 = \(sensitive value\)/)
      assert.match(plan.stdout, /hyper_parameters\.plain = "visible"/)
      assert.match(plan.stdout, /tags\.t0 = \(sensitive value\)/)
      assert.match(plan.stdout, /tags\.secret = \(sensitive value\)/)
      assert.match(plan.stdout, /tags\.plain = "visible"/)
      // A map whose keys come from the secret is one line: its keys are as secret as its values.
      assert.match(plan.stdout, /\+ tags = \(sensitive value\)/)
      // So is a request map whose keys come from it.
      assert.match(plan.stdout, /\+ hyper_parameters = \(sensitive value\)/)
      assert.match(plan.stdout, /\+ environment = \(sensitive value\)/)
      const markdown = await cli('plan', '--no-cost', '--markdown')
      assert.equal(markdown.status, 0, markdown.stderr)
      const apply = await cli('apply', '--auto-approve')
      assert.equal(apply.status, 0, apply.stderr)
      const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
      const record = state.resources['sagemaker_training_job.leaky']!.current!
      assert.ok(record.sensitive_paths?.includes('HyperParameters.p0') && record.sensitive_paths.includes('Environment.TOKEN'), 'the state records where the secrets are')
      assert.ok(!record.sensitive_paths!.includes('HyperParameters.plain'))
      assert.ok(record.sensitive_paths!.includes('Tags.secret') && !record.sensitive_paths!.includes('Tags.owner'), 'and in which tags')
      assert.deepEqual(state.resources['sagemaker_training_job.whole_map']!.current!.sensitive_paths, ['Environment', 'HyperParameters', 'Tags'])
      const taggedRecord = state.resources['sagemaker_training_job.tagged_0']!.current!
      assert.equal(Object.keys(taggedRecord.tags!).length, 46)
      assert.deepEqual(taggedRecord.sensitive_paths, Array.from({ length: 45 }, (_, i) => `Tags.t${i}`).sort())
      assert.equal(state.outputs?.token?.sensitive, true)
      const texts = derivedTexts()
      assert.ok(texts.length > 40, `only ${texts.length} derived texts`)
      for (const [what, r] of [['plan', plan], ['plan --markdown', markdown], ['apply', apply]] as const) assertHidden(what, r.stdout + r.stderr)
      for (const args of [['state', 'show', 'sagemaker_training_job.leaky'], ['state', 'show', 'sagemaker_training_job.tagged_0'], ['state', 'show', 'sagemaker_training_job.whole_map'], ['show'], ['output'], ['output', 'token'], ['state', 'list']]) {
        const r = await cli(...args)
        assert.equal(r.status, 0, r.stderr)
        assertHidden(args.join(' '), r.stdout + r.stderr)
      }
      const json = JSON.parse((await cli('output', 'token', '--json')).stdout)
      assert.deepEqual(json.outputs.token, { value: { raw: SECRET, up: SECRET.toUpperCase() }, sensitive: true })
      const planJson = JSON.parse((await cli('plan', '--no-cost', '--json')).stdout)
      assert.deepEqual(planJson.diagnostics, [])

      // Another secret: the tags change in place (AddTags), and neither the old values nor the new ones are shown.
      const other = 'Other-Sekr1t-Value'
      const earlier = derivedTexts()
      const again = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url, { SAGEFORM_VAR_token: other }) })
      const update = await again('plan', '--no-cost')
      assert.equal(update.status, 0, update.stderr)
      assert.match(update.stdout, /sagemaker_training_job\.tagged_0 will be updated in-place/)
      assert.match(update.stdout, /~ tags\.t0 = \(sensitive value\)/)
      assert.match(update.stdout, /~ hyper_parameters = \(sensitive value\) # forces replacement/)
      const updateMarkdown = await again('plan', '--no-cost', '--markdown')
      const updateJson = JSON.parse((await again('plan', '--no-cost', '--json')).stdout)
      const tagChanges = updateJson.plan.changes.find((c: { address: string }) => c.address === 'sagemaker_training_job.tagged_0').tag_changes
      assert.ok(tagChanges.sensitive.includes('t0') && !tagChanges.sensitive.includes('plain'), JSON.stringify(tagChanges.sensitive))
      const applied = await again('apply', '--auto-approve')
      assert.equal(applied.status, 0, applied.stderr)
      const shown = await again('state', 'show', 'sagemaker_training_job.tagged_0')
      for (const [what, r] of [['plan (update)', update], ['plan --markdown (update)', updateMarkdown], ['apply (update)', applied], ['state show (updated)', shown]] as const) {
        assertHidden(what, r.stdout + r.stderr)
        for (const form of [...earlier, other, other.toUpperCase(), Buffer.from(JSON.stringify(other)).toString('base64')]) assert.ok(!(r.stdout + r.stderr).includes(form), `${what} prints ${form}`)
      }
      const updated = (JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State).resources['sagemaker_training_job.tagged_0']!.current!
      assert.ok(updated.sensitive_paths?.includes('Tags.t0'), 'the updated record still says which tags are secret')
    })

    it('diagnostics never print it: an invalid enum, a failing validation message, a function error, an output without sensitive', async () => {
      const bad = mkdtempSync(join(tmpdir(), 'sageform-sensitive-bad-'))
      try {
        writeFileSync(
          join(bad, 'main.hcl'),
          `variable "token" {
  type      = string
  sensitive = true
  validation {
    condition     = length(var.token) < 5
    error_message = "token \${var.token} is too long"
  }
}

variable "mode" {
  type      = string
  sensitive = true
}

resource "sagemaker_training_job" "bad" {
  hyper_parameters = { n = tonumber(var.mode) }
  role_arn = "arn:aws:iam::123456789012:role/SageMakerRole"
  algorithm_specification {
    training_image      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    training_input_mode = var.mode
  }
  output_data_config {
    s3_output_path = "s3://bucket/\${upper(var.mode)}"
  }
  resource_config {
    instance_type  = lower(var.mode)
    instance_count = 1
    volume_size_in_gb = 10
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}

output "leak" {
  value = upper(var.mode)
}
`,
        )
        const env = { ...endpointEnv(endpoint.url), SAGEFORM_VAR_token: SECRET, SAGEFORM_VAR_mode: 'Mode-Sekr1t-Value' }
        for (const args of [['validate'], ['plan', '--no-cost'], ['validate', '--json']]) {
          const r = await runCli(args, { cwd: bad, env })
          assert.equal(r.status, 1, r.stdout + r.stderr)
          const printed = r.stdout + r.stderr
          for (const secret of [SECRET, 'Mode-Sekr1t-Value', 'MODE-SEKR1T-VALUE', 'mode-sekr1t-value']) assert.ok(!printed.includes(secret), `${args.join(' ')} prints ${secret}:\n${printed}`)
          if (args.length === 1) {
            assert.match(printed, /The error message included a sensitive value, so it will not be displayed/)
            assert.match(printed, /Error message refers to sensitive values/)
            assert.match(printed, /Output refers to sensitive values[\s\S]*sensitive = true/)
            assert.match(printed, /Invalid value for algorithm_specification\.training_input_mode/)
            assert.match(printed, /Invalid function argument/)
          }
        }
      } finally {
        rmSync(bad, { recursive: true, force: true })
      }
    })
  })
})

// A saved plan carries the variable values; apply evaluates them again, so the marks and exact numbers must survive.
describe('a saved plan\'s configuration snapshot', () => {
  it('holds plain values, and loading it marks the sensitive variables again and restores numbers beyond a double', async () => {
    const dir = configDir({
      'main.hcl': `variable "token" {\n  type      = string\n  sensitive = true\n}\n\nvariable "seed" {\n  type = number\n}\n\nresource "sagemaker_training_job" "a" {\n  hyper_parameters = { t = var.token, s = var.seed, next = var.seed + 1 }\n${TRAINING_BODY}}\n`,
    })
    try {
      const env = { SAGEFORM_VAR_token: SECRET, SAGEFORM_VAR_seed: '99999999999999999999' }
      const planned = await loadConfiguration({ dir, variables: [], env })
      assert.deepEqual(planned.diagnostics, [])
      assert.deepEqual(planned.snapshot!.variables, { seed: '99999999999999999999', token: SECRET })
      const applied = await loadConfiguration({ dir, variables: [], env: {}, snapshot: JSON.parse(JSON.stringify(planned.snapshot)) })
      assert.deepEqual(applied.diagnostics, [])
      const [before, after] = [planned, applied].map((l) => l.config!.resources[0]!)
      assert.deepEqual(after!.request, before!.request)
      assert.deepEqual(after!.request.HyperParameters, { t: SECRET, s: '99999999999999999999', next: '100000000000000000000' })
      assert.deepEqual([...after!.sensitivePaths], ['HyperParameters.t'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// The value helpers the evaluator relies on.
describe('unmarkDeep', () => {
  it('removes every mark and says where they were', () => {
    const paths: Array<Array<string | number>> = []
    const plain = unmarkDeep(newObject([['a', new Sensitive('x')], ['b', [1, new Sensitive(2)]], ['c', 'y']]), paths)
    assert.deepEqual(JSON.parse(JSON.stringify(plain)), { a: 'x', b: [1, 2], c: 'y' })
    assert.deepEqual(paths, [['a'], ['b', 1]])
  })
})
