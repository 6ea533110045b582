// count, for_each and dynamic blocks, table-driven: what each configuration expands to (instance addresses, requests,
// dependency edges, reference values) or the one error it must produce.
import assert from 'node:assert/strict'
import { Unknown } from '../src/config/value.js'
import type { JobResource } from '../src/model/types.js'
import { jobName, specHash } from '../src/planner/identity.js'
import { TRAINING_BODY, load, retunableTuning } from './helpers/config.js'

type Loaded = Awaited<ReturnType<typeof load>>
const errors = (r: Loaded) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail}`)
const training = (label: string, meta: string, extra = '') => `resource "sagemaker_training_job" "${label}" {\n${meta}\n${TRAINING_BODY}\n${extra}\n}\n`
const byAddress = (r: Loaded) => new Map(r.config!.resources.map((x) => [x.address, x]))
const hp = (x: JobResource | undefined) => x?.request.HyperParameters
type Channel = { ChannelName: string; DataSource: { S3DataSource: { S3Uri: string } } }

interface Case {
  name: string
  hcl: string
  /** Instance addresses, in evaluation order. */
  addresses?: string[]
  check?: (r: Loaded) => void
  /** Substrings of the one error expected ("summary: detail"). */
  error?: string
}

const PREP = training('prep', '')

const cases: Case[] = [
  {
    name: 'count makes instances [0..n-1] with count.index',
    hcl: training('x', 'count = 2', 'hyper_parameters = { shard = count.index }'),
    addresses: ['sagemaker_training_job.x[0]', 'sagemaker_training_job.x[1]'],
    check: (r) => assert.deepEqual(hp(byAddress(r).get('sagemaker_training_job.x[1]')), { shard: '1' }),
  },
  { name: 'count = 0 makes no instance', hcl: training('x', 'count = 0'), addresses: [] },
  {
    name: 'count from a variable and a function',
    hcl: `variable "n" { default = 3 }\n${training('x', 'count = min(var.n, 2)')}`,
    addresses: ['sagemaker_training_job.x[0]', 'sagemaker_training_job.x[1]'],
  },
  {
    name: 'for_each over a map: each.key and each.value, keys in lexical order',
    hcl: training('x', 'for_each = { small = "ml.m5.large", big = "ml.m5.xlarge" }', 'hyper_parameters = { k = each.key, v = each.value }'),
    addresses: ['sagemaker_training_job.x["big"]', 'sagemaker_training_job.x["small"]'],
    check: (r) => assert.deepEqual(hp(byAddress(r).get('sagemaker_training_job.x["small"]')), { k: 'small', v: 'ml.m5.large' }),
  },
  {
    name: 'for_each over toset(...) and over a list of strings (read as a set: duplicates collapse)',
    hcl: `${training('x', 'for_each = toset(["b", "a", "b"])', 'hyper_parameters = { k = each.key, v = each.value }')}${training('y', 'for_each = ["q", "p", "q"]')}`,
    addresses: ['sagemaker_training_job.x["a"]', 'sagemaker_training_job.x["b"]', 'sagemaker_training_job.y["p"]', 'sagemaker_training_job.y["q"]'],
    check: (r) => assert.deepEqual(hp(byAddress(r).get('sagemaker_training_job.x["b"]')), { k: 'b', v: 'b' }),
  },
  {
    name: 'for_each over objects: each.value.attribute',
    hcl: `variable "jobs" { default = { a = { eta = 0.1 }, b = { eta = 0.3 } } }\n${training('x', 'for_each = var.jobs', 'hyper_parameters = { eta = each.value.eta }')}`,
    check: (r) => assert.deepEqual(hp(byAddress(r).get('sagemaker_training_job.x["b"]')), { eta: '0.3' }),
  },
  {
    name: 'an empty for_each makes no instance',
    hcl: training('x', 'for_each = {}'),
    addresses: [],
  },
  {
    name: 'instances are referenced by index, by key, by splat and by for expressions',
    hcl: `${training('a', 'count = 2\n  name = "a-${count.index}"')}${training('b', 'for_each = toset(["p", "q"])\n  name = "b-${each.key}"')}${training('c', '', `hyper_parameters = {
      first = sagemaker_training_job.a[0].name
      q     = sagemaker_training_job.b["q"].name
      all   = join(",", sagemaker_training_job.a[*].name)
      keys  = join(",", [for k, v in sagemaker_training_job.b : k])
      n     = length(sagemaker_training_job.a)
    }`)}`,
    check: (r) => {
      const m = byAddress(r)
      const c = hp(m.get('sagemaker_training_job.c')) as Record<string, string>
      assert.equal(m.size, 5)
      assert.deepEqual(c, { first: 'a-0', q: 'b-q', all: 'a-0,a-1', keys: 'p,q', n: '2' })
    },
  },
  {
    name: 'dependency edges are per instance: a[count.index] depends on one instance, a splat on all of them',
    hcl: `${training('a', 'count = 2')}${training('b', 'count = 2', 'hyper_parameters = { parent = sagemaker_training_job.a[count.index].arn }')}${training('c', '', 'hyper_parameters = { all = join(",", sagemaker_training_job.a[*].arn) }')}${training('d', 'for_each = toset(["x"])', 'depends_on = [sagemaker_training_job.a[1]]')}`,
    check: (r) => {
      const m = byAddress(r)
      assert.deepEqual(m.get('sagemaker_training_job.b[1]')!.dependsOn, ['sagemaker_training_job.a[1]'])
      assert.deepEqual(m.get('sagemaker_training_job.c')!.dependsOn, ['sagemaker_training_job.a[0]', 'sagemaker_training_job.a[1]'])
      assert.deepEqual(m.get('sagemaker_training_job.d["x"]')!.dependsOn, ['sagemaker_training_job.a[1]'])
      // Values known only after apply stay unknown per instance.
      assert.ok((hp(m.get('sagemaker_training_job.b[0]')) as Record<string, unknown>).parent instanceof Unknown)
    },
  },
  {
    name: 'instances of one spec get distinct default names of the same length',
    hcl: training('x', 'count = 2'),
    check: (r) => {
      const [a, b] = r.config!.resources.map((x) => jobName(x, specHash(x, 1)) as string)
      assert.notEqual(a, b)
      assert.match(a!, /^x-[0-9a-f]{8}$/)
      assert.match(b!, /^x-[0-9a-f]{8}$/)
    },
  },
  {
    name: 'a pinned name per instance is fine',
    hcl: training('x', 'for_each = toset(["a", "b"])\n  name = "job-${each.key}"'),
    check: (r) => assert.deepEqual(r.config!.resources.map((x) => x.name.value), ['job-a', 'job-b']),
  },
  { name: 'a pinned name repeated by instances', hcl: training('x', 'count = 2\n  name = "same"'), error: 'Duplicate job name: sagemaker_training_job.x[1] and sagemaker_training_job.x[0] both name' },
  {
    name: 'count known only after apply',
    hcl: `${PREP}${training('x', 'count = length(sagemaker_training_job.prep.arn)')}`,
    error: 'Invalid count argument: The "count" value depends on resource attributes that cannot be determined until apply',
  },
  {
    name: 'for_each map known only after apply',
    hcl: `${PREP}${training('x', 'for_each = sagemaker_training_job.prep.status == "x" ? {} : {}')}`,
    error: 'Invalid for_each argument: The "for_each" map includes keys derived from resource attributes that cannot be determined until apply',
  },
  {
    name: 'for_each map whose keys are known only after apply',
    hcl: `${PREP}${training('x', 'for_each = { for s in [sagemaker_training_job.prep.arn] : s => s }')}`,
    error: 'Invalid for_each argument: The "for_each" map includes keys derived from resource attributes that cannot be determined until apply',
  },
  {
    name: 'for_each set with an element known only after apply',
    hcl: `${PREP}${training('x', 'for_each = ["a", sagemaker_training_job.prep.arn]')}`,
    error: 'Invalid for_each argument: The "for_each" set includes values derived from resource attributes that cannot be determined until apply',
  },
  { name: 'count negative', hcl: training('x', 'count = -1'), error: 'Invalid count argument: The given "count" argument value is unsuitable: must be greater than or equal to zero.' },
  { name: 'count fractional', hcl: training('x', 'count = 1.5'), error: 'value must be a whole number' },
  { name: 'count not a number', hcl: training('x', 'count = "two"'), error: 'Invalid count argument: The given "count" argument value is unsuitable: number required' },
  { name: 'count null', hcl: training('x', 'count = null'), error: 'The given "count" argument value is null. An integer is required.' },
  { name: 'for_each a number', hcl: training('x', 'for_each = 3'), error: 'the "for_each" argument must be a map, or set of strings, and you have provided a value of type number.' },
  { name: 'for_each null', hcl: training('x', 'for_each = null'), error: 'the given "for_each" argument value is null. A map, or set of strings is allowed.' },
  { name: 'for_each a set of numbers', hcl: training('x', 'for_each = [1, 2]'), error: 'you have provided a set containing type number' },
  { name: 'count and for_each together', hcl: training('x', 'count = 1\n  for_each = {}'), error: 'Invalid combination of "count" and "for_each"' },
  { name: 'each without for_each', hcl: training('x', '', 'hyper_parameters = { k = each.key }'), error: 'Reference to "each" in context without for_each' },
  { name: 'count.index in a for_each resource', hcl: training('x', 'for_each = {a = 1}', 'hyper_parameters = { k = count.index }'), error: 'Reference to "count" in non-counted context' },
  { name: 'an index past the instances', hcl: `${training('a', 'count = 1')}${training('b', '', 'hyper_parameters = { p = sagemaker_training_job.a[3].name }')}`, error: 'Invalid index: The index 3 is out of range for a list of 1 elements.' },
  { name: 'a missing key', hcl: `${training('a', 'for_each = toset(["p"])')}${training('b', '', 'hyper_parameters = { p = sagemaker_training_job.a["z"].name }')}`, error: 'The given key "z" does not exist' },
  { name: 'an error in a repeated body is reported once', hcl: training('x', 'count = 3', 'hyper_parameters = { v = 1 / 0 }'), error: 'Division by zero' },
  {
    name: 'dynamic blocks make one repeated block per element, with the block type as iterator',
    hcl: training('x', 'for_each = toset(["a"])', `
  dynamic "input_data_config" {
    for_each = { train = "s3://b/train", validation = "s3://b/val" }
    content {
      channel_name = input_data_config.key
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = "\${input_data_config.value}/\${each.key}"
        }
      }
    }
  }`),
    check: (r) => {
      const channels = r.config!.resources[0]!.request.InputDataConfig as Channel[]
      assert.deepEqual(channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri]), [['train', 's3://b/train/a'], ['validation', 's3://b/val/a']])
    },
  },
  {
    name: 'dynamic blocks with an iterator, nested, beside static blocks of the same type',
    hcl: training('x', '', `
  input_data_config {
    channel_name = "static"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "s3://b/static"
      }
    }
  }
  dynamic "input_data_config" {
    for_each = ["one", "two"]
    iterator = ch
    content {
      channel_name = "\${ch.value}-\${ch.key}"
      data_source {
        dynamic "s3_data_source" {
          for_each = [ch.value]
          content {
            s3_data_type = "S3Prefix"
            s3_uri       = "s3://b/\${s3_data_source.value}"
          }
        }
      }
    }
  }`),
    check: (r) => {
      const channels = r.config!.resources[0]!.request.InputDataConfig as Channel[]
      assert.deepEqual(channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri]), [['static', 's3://b/static'], ['one-0', 's3://b/one'], ['two-1', 's3://b/two']])
    },
  },
  {
    name: 'a dynamic block over a collection known only after apply is unknown',
    hcl: `${PREP}${training('x', '', 'dynamic "input_data_config" {\n  for_each = sagemaker_training_job.prep.status\n  content {}\n}')}`,
    check: (r) => assert.ok(r.config!.resources[1]!.request.InputDataConfig instanceof Unknown),
  },
  { name: 'dynamic without content', hcl: training('x', '', 'dynamic "input_data_config" {\n  for_each = []\n}'), error: 'Missing required block: A dynamic block needs exactly one nested block of type "content"' },
  { name: 'dynamic over null', hcl: training('x', '', 'dynamic "input_data_config" {\n  for_each = null\n  content {}\n}'), error: 'Invalid dynamic for_each value: Cannot use a null value in for_each.' },
  { name: 'dynamic over a number', hcl: training('x', '', 'dynamic "input_data_config" {\n  for_each = 2\n  content {}\n}'), error: 'Cannot use a number value in for_each. An iterable collection is required.' },
  { name: 'dynamic iterator that is not a name', hcl: training('x', '', 'dynamic "input_data_config" {\n  for_each = []\n  iterator = "it"\n  content {}\n}'), error: 'Invalid dynamic iterator name: Dynamic iterator must be a single variable name.' },
  { name: 'dynamic for an argument that is not a block', hcl: training('x', '', 'dynamic "role_arn" {\n  for_each = [1]\n  content {}\n}'), error: 'Unsupported block type: "role_arn" is an argument, not a block.' },
  {
    name: 'dynamic tuning parameter ranges',
    hcl: retunableTuning({
      ranges: `
      dynamic "categorical_parameter_ranges" {
        for_each = { booster = ["gbtree", "dart"], tree_method = ["hist"] }
        iterator = p
        content {
          name   = p.key
          values = p.value
        }
      }`,
    }),
    check: (r) => {
      const config = r.config!.resources[0]!.request.HyperParameterTuningJobConfig as { ParameterRanges: { CategoricalParameterRanges: unknown } }
      assert.deepEqual(config.ParameterRanges.CategoricalParameterRanges, [{ Name: 'booster', Values: ['gbtree', 'dart'] }, { Name: 'tree_method', Values: ['hist'] }])
    },
  },
]

describe('count, for_each and dynamic blocks', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await load(c.hcl)
      if (c.error) {
        const found = errors(r)
        assert.equal(found.filter((e) => e.includes(c.error!)).length, 1, `expected one error containing ${JSON.stringify(c.error)}; got:\n${found.join('\n')}`)
        return
      }
      assert.deepEqual(errors(r), [])
      if (c.addresses) assert.deepEqual(r.config!.resources.map((x) => x.address), c.addresses)
      c.check?.(r)
    })
  }
})
