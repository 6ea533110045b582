import assert from 'node:assert/strict'
import { Unknown } from '../src/config/value.js'
import { TRAINING_BODY, load, tuningResource } from './helpers/config.js'

const errors = (r: Awaited<ReturnType<typeof load>>) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail}`)

describe('typed model', () => {
  it('maps blocks, repeated blocks, maps and lists onto the Create request', async () => {
    const r = await load(`
resource "sagemaker_training_job" "x" {
  ${TRAINING_BODY}
  hyper_parameters = { eta = 0.1, depth = 6, verbose = true, tiny = 1e-7 }
  input_data_config {
    channel_name = "train"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "s3://bucket/train"
      }
    }
  }
  input_data_config {
    channel_name = "validation"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "s3://bucket/validation"
      }
    }
  }
  vpc_config {
    security_group_ids = ["sg-0123456789abcdef0"]
    subnets            = ["subnet-0123456789abcdef0"]
  }
  tags = { team = "ml", cost_center = 42 }
}`)
    assert.deepEqual(errors(r), [])
    const resource = r.config!.resources[0]!
    assert.equal(resource.address, 'sagemaker_training_job.x')
    assert.deepEqual(resource.request.HyperParameters, { eta: '0.1', depth: '6', verbose: 'true', tiny: '0.0000001' })
    assert.deepEqual(resource.request.ResourceConfig, { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 })
    assert.equal((resource.request.InputDataConfig as Array<{ ChannelName: string }>)[1]!.ChannelName, 'validation')
    assert.deepEqual(resource.request.VpcConfig, { SecurityGroupIds: ['sg-0123456789abcdef0'], Subnets: ['subnet-0123456789abcdef0'] })
    assert.deepEqual(resource.tags, { team: 'ml', cost_center: '42' })
    assert.equal(resource.request.TrainingJobName, undefined)
    assert.deepEqual(resource.name, { kind: 'prefix', value: 'x', range: resource.name.range, fromLabel: true })
  })

  it('uses the label with dashes as the default name prefix, name_prefix or an exact name otherwise', async () => {
    const r = await load(`
resource "sagemaker_training_job" "churn_model" {
  ${TRAINING_BODY}
}
resource "sagemaker_training_job" "pinned" {
  name = "exact-name"
  ${TRAINING_BODY}
}`)
    assert.deepEqual(errors(r), [])
    const [a, b] = r.config!.resources
    assert.equal(a!.name.value, 'churn-model')
    assert.deepEqual([b!.name.kind, b!.name.value], ['exact', 'exact-name'])
  })

  it('carries references to other resources as unknown values and orders resources by dependency', async () => {
    const warmStart = `warm_start_config {
    warm_start_type = "TransferLearning"
    parent_hyper_parameter_tuning_jobs {
      hyper_parameter_tuning_job_name = sagemaker_hyperparameter_tuning_job.parent.name
    }
  }`
    const r = await load(tuningResource('child', warmStart, 'Bayesian') + tuningResource('parent'))
    assert.deepEqual(errors(r), [])
    const [first, second] = r.config!.resources
    assert.equal(first!.address, 'sagemaker_hyperparameter_tuning_job.parent')
    assert.deepEqual(second!.dependsOn, ['sagemaker_hyperparameter_tuning_job.parent'])
    const parentName = ((second!.request.WarmStartConfig as Record<string, unknown>).ParentHyperParameterTuningJobs as Array<Record<string, unknown>>)[0]!.HyperParameterTuningJobName
    assert.ok(parentName instanceof Unknown)
    assert.equal((parentName as Unknown).origin, 'sagemaker_hyperparameter_tuning_job.parent.name')
  })

  it('records lifecycle settings and checks ignore_changes paths against the schema', async () => {
    const r = await load(`
resource "sagemaker_training_job" "x" {
  ${TRAINING_BODY}
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags, hyper_parameters, resource_config.instance_type]
  }
}`)
    assert.deepEqual(errors(r), [])
    assert.deepEqual(r.config!.resources[0]!.lifecycle, { preventDestroy: true, ignoreChanges: ['tags', 'hyper_parameters', 'resource_config.instance_type'] })
  })

  it('evaluates outputs and provider settings from variables', async () => {
    const r = await load(`
variable "region" { default = "eu-west-1" }
provider "sagemaker" { region = var.region }
resource "sagemaker_training_job" "x" {
  name = "fixed"
  ${TRAINING_BODY}
}
output "job" { value = sagemaker_training_job.x.name }
output "arn" { value = sagemaker_training_job.x.arn }`)
    assert.deepEqual(errors(r), [])
    assert.equal(r.config!.provider.region, 'eu-west-1')
    assert.equal(r.config!.outputs.get('job')!.value, 'fixed')
    assert.ok(r.config!.outputs.get('arn')!.value instanceof Unknown)
  })
})

describe('typed model: regressions', () => {
  it('reads exponent literals anywhere in an expression', async () => {
    const r = await load(`resource "sagemaker_training_job" "x" {\n${TRAINING_BODY.replace('volume_size_in_gb = 10', 'volume_size_in_gb = 1e1 + 2e1')}\n  hyper_parameters = { lr = 1e-7, big = 2E3 }\n}`)
    assert.deepEqual(errors(r), [])
    assert.equal((r.config!.resources[0]!.request.ResourceConfig as { VolumeSizeInGB: number }).VolumeSizeInGB, 30)
    assert.deepEqual(r.config!.resources[0]!.request.HyperParameters, { lr: '0.0000001', big: '2000' })
  })

  it('accepts ignore_changes paths through repeated blocks and into maps and tags', async () => {
    const r = await load(`resource "sagemaker_training_job" "x" {\n${TRAINING_BODY}\n  lifecycle {\n    ignore_changes = [input_data_config[0].channel_name, hyper_parameters.eta, tags.team]\n  }\n}`)
    assert.deepEqual(errors(r), [])
    assert.deepEqual(r.config!.resources[0]!.lifecycle.ignoreChanges, ['input_data_config.0.channel_name', 'hyper_parameters.eta', 'tags.team'])
  })

  it('lets a validation rule read other variables (Terraform 1.9+)', async () => {
    const r = await load('variable "min" {\n  default = 2\n}\nvariable "max" {\n  default = 1\n  validation {\n    condition     = var.max >= var.min\n    error_message = "max must be at least min."\n  }\n}\n')
    assert.deepEqual(errors(r), ['Invalid value for variable: max must be at least min.'])
  })

  it('supports path.module for file()', async () => {
    const r = await load(`locals {\n  spec = file("\${path.module}/spec.json")\n}\noutput "spec" {\n  value = jsondecode(local.spec).lr\n}\n`, { files: { 'spec.json': '{"lr": 0.5}' } })
    assert.deepEqual(errors(r), [])
    assert.equal(r.config!.outputs.get('spec')!.value, 0.5)
  })
})
