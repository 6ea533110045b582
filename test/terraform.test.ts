// terraform-provider-aws's two SageMaker resources: configurations in the provider's acceptance-test style read into
// the same model as sageform's own blocks. Each case in test/fixtures/terraform/ is a main.tf and the native.hcl that
// says the same thing; both validate, the provider one plans as creates, and both ask SageMaker for the same jobs.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { sortDiagnostics, type Diagnostic } from '../src/diagnostics/index.js'
import { renamePath } from '../src/model/terraform.js'
import type { Configuration } from '../src/model/types.js'
import { specHash, jobName } from '../src/planner/identity.js'
import { plan } from '../src/planner/planner.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import { referenceAttributes } from '../src/services/plan.js'
import { parseState } from '../src/state/store.js'
import type { JsonValue, State } from '../src/model/state.js'
import { configDir } from './helpers/config.js'

const root = join(import.meta.dirname, 'fixtures', 'terraform')
const NOW = new Date('2026-11-23T12:00:00Z')

async function loadFiles(files: Record<string, string>, state?: State) {
  return loadConfiguration({ dir: configDir(files), variables: [], env: {}, resourceAttributes: referenceAttributes(state, new Set()) })
}

const loadFixture = (path: string) => loadFiles({ [basename(path)]: readFileSync(path, 'utf8') })
const errors = (diagnostics: Diagnostic[]) => sortDiagnostics(diagnostics.filter((d) => d.severity === 'error'))
const warnings = (diagnostics: Diagnostic[]) => sortDiagnostics(diagnostics.filter((d) => d.severity === 'warning'))
const planOf = (config: Configuration, state?: State) => plan({ config, state, remote: undefined, replace: new Set(), configHash: 'test', now: NOW })

/** A minimal provider-spelled training job; `extra` is added to its body. */
const trainingJob = (label: string, extra = '') => `resource "aws_sagemaker_training_job" "${label}" {
  training_job_name = "${label.replace(/_/g, '-')}"
  role_arn          = "arn:aws:iam::123456789012:role/tf-acc-test"

  algorithm_specification {
    training_image      = "123456789012.dkr.ecr.us-west-2.amazonaws.com/tf-acc-test:latest"
    training_input_mode = "File"
  }

  output_data_config {
    s3_output_path = "s3://tf-acc-test-bucket/output/"
  }

  resource_config {
    instance_count    = 1
    instance_type     = "ml.m5.large"
    volume_size_in_gb = 30
  }

  stopping_condition {
    max_runtime_in_seconds = 3600
  }
${extra}
}
`

describe('terraform provider resources', () => {
  describe('acceptance-test style configurations (test/fixtures/terraform)', () => {
    for (const name of readdirSync(root).sort()) {
      it(`${name}: validates, plans as a create and makes the request of native.hcl`, async () => {
        const provider = await loadFixture(join(root, name, 'main.tf'))
        const native = await loadFixture(join(root, name, 'native.hcl'))
        assert.deepEqual(errors(provider.diagnostics), [])
        assert.deepEqual(errors(native.diagnostics), [])
        const a = provider.config!
        const b = native.config!
        assert.deepEqual(a.provider, b.provider)
        assert.equal(a.resources.length, b.resources.length)
        a.resources.forEach((resource, i) => {
          const twin = b.resources[i]!
          assert.equal(resource.kind.family, twin.kind.family)
          assert.match(resource.address, /^aws_sagemaker_/)
          assert.deepEqual(resource.request, twin.request)
          assert.deepEqual([resource.name.kind, resource.name.value], [twin.name.kind, twin.name.value])
          assert.deepEqual(resource.tags, twin.tags)
        })
        const planned = planOf(a)
        const twinPlan = planOf(b)
        assert.deepEqual(errors(planned.diagnostics), [])
        assert.ok(planned.changes.length > 0)
        planned.changes.forEach((change, i) => {
          assert.equal(change.action, 'create', change.address)
          assert.deepEqual(change.after, twinPlan.changes[i]!.after)
        })
      })
    }
  })

  it('reads *.tf and *.hcl files of one directory together, but not *.tfvars', async () => {
    const { config, diagnostics } = await loadFiles({
      'train.tf': trainingJob('a'),
      'tune.hcl': 'output "arn" {\n  value = aws_sagemaker_training_job.a.arn\n}\n',
      'terraform.tfvars': 'this is not HCL a manifest would accept',
    })
    assert.deepEqual(errors(diagnostics), [])
    assert.deepEqual(config!.resources.map((r) => r.address), ['aws_sagemaker_training_job.a'])
    assert.ok(config!.outputs.has('arn'))
  })

  it('exposes the job name under the provider name argument, and arn, status and failure_reason', async () => {
    const { config, diagnostics } = await loadFiles({
      'main.tf': `${trainingJob('a')}
output "name" {
  value = aws_sagemaker_training_job.a.training_job_name
}
output "summary" {
  value = [aws_sagemaker_training_job.a.arn, aws_sagemaker_training_job.a.status, aws_sagemaker_training_job.a.failure_reason]
}
`,
    })
    assert.deepEqual(errors(diagnostics), [])
    assert.equal(config!.outputs.get('name')!.value, 'a')
    const broken = await loadFiles({ 'main.tf': `${trainingJob('a')}\noutput "name" {\n  value = aws_sagemaker_training_job.a.name\n}\n` })
    const [error] = errors(broken.diagnostics)
    assert.match(`${error!.summary}: ${error!.detail}`, /has no attribute "name".*training_job_name/)
  })

  it('pins the job name: training_job_name is required and there is no name_prefix', async () => {
    const body = trainingJob('a').replace(/ {2}training_job_name.*\n/, '  name_prefix = "a"\n')
    const { diagnostics } = await loadFiles({ 'main.tf': body })
    const texts = errors(diagnostics).map((d) => `${d.summary}: ${d.detail} ${d.hint ?? ''}`)
    assert.equal(texts.length, 2, texts.join('\n'))
    assert.match(texts[0]!, /Missing required argument: The argument "training_job_name" is required/)
    assert.match(texts[1]!, /Unsupported argument: An argument named "name_prefix"/)
  })

  it('accepts the provider-only arguments with one warning each, and stays quiet about delete_*_on_destroy = false', async () => {
    const { config, diagnostics } = await loadFiles({
      'main.tf': trainingJob(
        'a',
        `  region                           = "eu-west-1"
  delete_vpc_enis_on_destroy       = true
  delete_model_packages_on_destroy = false
  timeouts {
    create = "10m"
  }`,
      ),
    })
    assert.deepEqual(errors(diagnostics), [])
    assert.deepEqual(
      warnings(diagnostics).map((d) => [d.attribute, d.range!.start.line]),
      [
        ['region', 23],
        ['delete_vpc_enis_on_destroy', 24],
        ['timeouts', 26],
      ],
    )
    const plain = await loadFiles({ 'main.tf': trainingJob('a') })
    assert.deepEqual(config!.resources[0]!.request, plain.config!.resources[0]!.request)
  })

  it('says where a native name was written in a provider resource, and the other way round', async () => {
    const { diagnostics } = await loadFiles({
      'main.tf': `resource "aws_sagemaker_hyper_parameter_tuning_job" "t" {
  name = "t"
  hyper_parameter_tuning_job_config {
    strategy = "Random"
  }
}
`,
    })
    // The configuration has no training job definition either; that is its only other error: none about a missing config.
    assert.deepEqual(errors(diagnostics).map((d) => d.summary), ['Missing training job definition', 'Unsupported block type'])
    const typo = errors(diagnostics)[1]!
    assert.equal(typo.detail, 'Blocks of type "hyper_parameter_tuning_job_config" are not expected here.')
    assert.equal(typo.hint, 'Did you mean "config"? That is how aws_sagemaker_hyper_parameter_tuning_job spells "hyper_parameter_tuning_job_config".')
    const native = await loadFiles({ 'main.hcl': 'resource "sagemaker_hyperparameter_tuning_job" "t" {\n  config {\n    strategy = "Random"\n  }\n}\n' })
    assert.equal(errors(native.diagnostics)[1]!.hint, 'Did you mean "hyper_parameter_tuning_job_config"? That is how sagemaker_hyperparameter_tuning_job spells "config".')
  })

  describe('blocks sageform does not manage', () => {
    it('skips terraform, data, module, check blocks, other providers and resource types with one warning each, and reads moved and import blocks', async () => {
      const { config, diagnostics } = await loadFiles({
        'main.tf': `terraform {
  required_version = ">= 1.5"
}
provider "random" {}
data "aws_caller_identity" "current" {}
module "network" {
  source = "./network"
}
moved {
  from = aws_sagemaker_training_job.old
  to   = aws_sagemaker_training_job.a
}
import {
  to = aws_sagemaker_training_job.a
  id = "a"
}
check "health" {
  assert {
    condition     = true
    error_message = "never"
  }
}
resource "aws_iam_role" "r" {
  name = "r"
}
resource "aws_s3_bucket" "b" {}
${trainingJob('a')}`,
      })
      assert.deepEqual(errors(diagnostics), [])
      assert.deepEqual(
        warnings(diagnostics).map((d) => `${d.range!.start.line}:${d.range!.start.column} ${d.summary}`),
        ['1:1', '4:1', '5:1', '6:1', '17:1', '23:1', '26:1'].map((at) => `${at} Block skipped`),
      )
      assert.deepEqual(config!.resources.map((r) => r.address), ['aws_sagemaker_training_job.a'])
      assert.deepEqual([config!.moved.length, config!.imports.length], [1, 1])
    })

    it('reports a reference into a skipped block at the reference, with a hint to pass a variable', async () => {
      const { diagnostics } = await loadFiles({
        'main.tf': `data "aws_caller_identity" "current" {}
resource "aws_iam_role" "r" {}
${trainingJob('a', '  hyper_parameters = { account = data.aws_caller_identity.current.account_id }').replace('"arn:aws:iam::123456789012:role/tf-acc-test"', 'aws_iam_role.r.arn')}`,
      })
      const found = errors(diagnostics).map((d) => ({ at: `${d.range!.start.line}:${d.range!.start.column}-${d.range!.end.column}`, detail: d.detail, hint: d.hint }))
      assert.deepEqual(found, [
        {
          at: '5:23-41',
          detail: `aws_iam_role.r is a resource sageform does not manage (skipped at ${diagnostics[0]!.range!.file}:2): sageform has no value for aws_iam_role.r.arn.`,
          hint: 'Pass the value as a variable: declare variable "r_arn" {}, set it with -var or --var-file, and write var.r_arn here.',
        },
        {
          at: '25:34-77',
          detail: 'data.aws_caller_identity.current is a data source: sageform has no value for data.aws_caller_identity.current.account_id.',
          hint: 'Pass the value as a variable: declare variable "aws_caller_identity_current_account_id" {}, set it with -var or --var-file, and write var.aws_caller_identity_current_account_id here.',
        },
      ])
    })
  })

  describe('provider "aws"', () => {
    it('gives its region and profile when there is no provider "sagemaker", and warns for each setting it ignores', async () => {
      const { config, diagnostics } = await loadFiles({
        'main.tf': `provider "aws" {
  region  = "eu-central-1"
  profile = "ml"
  default_tags {
    tags = { team = "ml" }
  }
  max_retries = 3
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
${trainingJob('a')}`,
      })
      assert.deepEqual(errors(diagnostics), [])
      assert.deepEqual(config!.provider, { region: 'eu-central-1', profile: 'ml' })
      assert.deepEqual(
        warnings(diagnostics).map((d) => `${d.range!.start.line} ${d.summary}`),
        ['4 Provider setting ignored', '7 Provider setting ignored', '9 Block skipped'],
      )
      assert.match(warnings(diagnostics)[0]!.hint!, /tags/)
    })

    it('gives way to provider "sagemaker", with a warning', async () => {
      const { config, diagnostics } = await loadFiles({
        'aws.tf': 'provider "aws" {\n  region = "eu-central-1"\n}\n',
        'main.hcl': 'provider "sagemaker" {\n  region = "us-east-1"\n}\n',
      })
      assert.deepEqual(config!.provider, { region: 'us-east-1' })
      assert.deepEqual(diagnostics.map((d) => `${d.severity} ${basename(d.range!.file)}:${d.range!.start.line} ${d.summary}`), ['warning aws.tf:1 Provider ignored'])
    })
  })

  describe('planning against state', () => {
    /** A state whose current job for each resource of `files` is exactly what they describe. */
    async function stateFor(files: Record<string, string>): Promise<State> {
      const { config } = await loadFiles(files)
      const resources: State['resources'] = {}
      for (const resource of config!.resources) {
        const hash = specHash(resource, 1) as string
        const name = jobName(resource, hash) as string
        resources[resource.address] = {
          type: resource.kind.type,
          current: {
            name,
            arn: `arn:aws:sagemaker:us-west-2:123456789012:job/${name}`,
            spec_hash: hash,
            status: 'InProgress',
            created_at: '2026-11-01T00:00:00Z',
            updated_at: '2026-11-01T00:00:00Z',
            generation: 1,
            request: JSON.parse(JSON.stringify(resource.request)) as JsonValue,
            tags: {},
          },
          history: [],
        }
      }
      const state: State = { format_version: 1, lineage: '11111111-2222-3333-4444-555555555555', serial: 1, resources }
      const read = parseState(JSON.stringify(state), 'sageform.state.json')
      assert.equal(read.kind, 'ok', 'the state file accepts the provider resource types')
      return state
    }

    it('updates in place what the provider updates in place (profiler, keep-alive), and replaces a pinned name first for the rest', async () => {
      const profiling = (ms: number) => trainingJob('a', `  profiler_config {\n    profiling_interval_in_milliseconds = ${ms}\n  }`)
      const state = await stateFor({ 'main.tf': profiling(500) })
      const profiler = await loadFiles({ 'main.tf': profiling(1000) }, state)
      const update = planOf(profiler.config!, state).changes[0]!
      assert.equal(update.action, 'update')
      assert.deepEqual(Object.keys(update.training_job_update ?? {}), ['ProfilerConfig'])
      const image = await loadFiles({ 'main.tf': profiling(500).replace('tf-acc-test:latest', 'tf-acc-test:v2') }, state)
      const replace = planOf(image.config!, state).changes[0]!
      assert.equal(replace.action, 'replace')
      assert.equal(replace.delete_before_create, true)
      assert.deepEqual(replace.attribute_changes.map((c) => [c.path, c.forces_replacement]), [['algorithm_specification.training_image', true]])
    })

    it('shows attribute changes and honours ignore_changes in the provider spelling', async () => {
      const fixture = readFileSync(join(root, 'tuning-basic', 'main.tf'), 'utf8')
      const state = await stateFor({ 'main.tf': fixture })
      const changed = fixture.replace('"Bayesian"', '"Random"')
      const replaced = planOf((await loadFiles({ 'main.tf': changed }, state)).config!, state).changes[0]!
      assert.deepEqual(replaced.attribute_changes.map((c) => c.path), ['config.strategy'])
      const ignoring = changed.replace('  name = "tf-acc-test-basic"', '  name = "tf-acc-test-basic"\n  lifecycle {\n    ignore_changes = [config.strategy]\n  }')
      const kept = await loadFiles({ 'main.tf': ignoring }, state)
      assert.deepEqual(errors(kept.diagnostics), [])
      assert.equal(planOf(kept.config!, state).changes[0]!.action, 'no-op')
    })
  })

  describe('renamePath, for converters', () => {
    it('renames provider paths to native ones and back', () => {
      const tuning = 'aws_sagemaker_hyper_parameter_tuning_job'
      assert.deepEqual(renamePath(tuning, ['config', 'objective', 'metric_name'], 'native'), ['hyper_parameter_tuning_job_config', 'hyper_parameter_tuning_job_objective', 'metric_name'])
      assert.deepEqual(renamePath(tuning, ['hyper_parameter_tuning_job_config', 'resource_limits'], 'provider'), ['config', 'resource_limits'])
      assert.deepEqual(renamePath(tuning, ['warm_start_config', 'parent_hyper_parameter_tuning_jobs', 'name'], 'native'), ['warm_start_config', 'parent_hyper_parameter_tuning_jobs', 'hyper_parameter_tuning_job_name'])
      assert.deepEqual(renamePath(tuning, ['name'], 'native'), ['name'])
      assert.deepEqual(renamePath('aws_sagemaker_training_job', ['training_job_name'], 'native'), ['name'])
      assert.deepEqual(renamePath('aws_sagemaker_training_job', ['name'], 'provider'), ['training_job_name'])
      assert.deepEqual(renamePath('aws_sagemaker_training_job', ['hyper_parameters', 'eta'], 'native'), ['hyper_parameters', 'eta'])
      assert.equal(renamePath('aws_sagemaker_training_job', ['delete_vpc_enis_on_destroy'], 'native'), undefined)
      assert.equal(renamePath(tuning, ['config', 'no_such_thing'], 'native'), undefined)
    })
  })
})
