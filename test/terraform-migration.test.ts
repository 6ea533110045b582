// Moving from Terraform: `sageform convert` rewrites provider-spelled files as native ones that plan to the same
// requests, and `sageform import --from-terraform-state` adopts the jobs a Terraform state holds, against the local
// endpoint, so that the next plan has nothing to do.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { DeleteTagsCommand, ListHyperParameterTuningJobsCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { format } from '@cdktn/hcl-tools'
import { sortDiagnostics, type Diagnostic } from '../src/diagnostics/index.js'
import { CONVERT_COMMENT, convertSource } from '../src/model/convert.js'
import { plan } from '../src/planner/planner.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import { referenceAttributes } from '../src/services/plan.js'
import { endpointEnv, runCli, sageform, schemaErrors } from './helpers/cli.js'
import { configDir } from './helpers/config.js'
import { endpointsOfSuite } from './helpers/endpoint.js'

const root = join(import.meta.dirname, 'fixtures', 'terraform')
const NOW = new Date('2026-11-23T12:00:00Z')
const errors = (diagnostics: Diagnostic[]) => sortDiagnostics(diagnostics.filter((d) => d.severity === 'error'))
const load = (files: Record<string, string>) => loadConfiguration({ dir: configDir(files), variables: [], env: {}, resourceAttributes: referenceAttributes(undefined, new Set()) })
const convert = async (text: string, path = 'main.tf') => convertSource(path, text, format)

describe('sageform convert', () => {
  for (const name of readdirSync(root).sort()) {
    it(`${name}: the converted main.tf plans to the same requests and names`, async () => {
      const source = readFileSync(join(root, name, 'main.tf'), 'utf8')
      const converted = await convert(source)
      assert.ok(converted.changed)
      // The provider's spelling is left only where a moved block names the address a state may hold the jobs under.
      const moves = [...converted.output!.matchAll(/moved \{\n {2}from = (aws_sagemaker_\w+)\.(\w+)\n {2}to {3}= (\w+)\.(\w+)\n\}/g)]
      assert.doesNotMatch(converted.output!.replace(/moved \{[^}]*\}/g, ''), /aws_sagemaker_|provider "aws"/)
      assert.deepEqual(
        moves.map(([, , from, toType, to]) => [from, to, toType]),
        moves.map(([, fromType, from]) => [from, from, fromType === 'aws_sagemaker_training_job' ? 'sagemaker_training_job' : 'sagemaker_hyperparameter_tuning_job']),
      )
      const original = await load({ 'main.tf': source })
      const native = await load({ 'main.hcl': converted.output! })
      assert.deepEqual(errors(native.diagnostics), [])
      // Nothing left for Terraform only: the converted configuration loads without a single warning.
      assert.deepEqual(native.diagnostics, [])
      const [a, b] = [original.config!, native.config!]
      assert.deepEqual(a.provider, b.provider)
      assert.deepEqual(
        b.resources.map((r) => r.address),
        a.resources.map((r) => r.address.replace('aws_sagemaker_training_job', 'sagemaker_training_job').replace('aws_sagemaker_hyper_parameter_tuning_job', 'sagemaker_hyperparameter_tuning_job')),
      )
      const [planA, planB] = [a, b].map((config) => plan({ config, state: undefined, remote: undefined, replace: new Set(), configHash: 'test', now: NOW }))
      assert.equal(planB!.changes.length, planA!.changes.length)
      planA!.changes.forEach((change, i) => {
        assert.equal(planB!.changes[i]!.action, 'create')
        assert.deepEqual(planB!.changes[i]!.after, change.after)
      })
      a.resources.forEach((r, i) => assert.deepEqual([b.resources[i]!.request, b.resources[i]!.name.value, b.resources[i]!.tags], [r.request, r.name.value, r.tags]))
      assert.deepEqual(new Set(moves.map(([, type, name]) => `${type}.${name}`)), new Set(a.resources.map((r) => r.address.replace(/\[.*$/, ''))), 'one moved block per converted resource')
    })
  }

  it('keeps comments, drops provider-only arguments and Terraform-only blocks with a comment saying why, and renames references', async () => {
    const { output, diagnostics } = await convert(`terraform {
  required_version = ">= 1.5"
}

# Where every job runs.
provider "aws" {
  region = "us-west-2" # the data lives here
  default_tags {
    tags = { team = "ml" }
  }
}

resource "aws_iam_role" "r" {
  name = "x"
}

resource "aws_sagemaker_hyper_parameter_tuning_job" "t" {
  name   = "t" # pinned
  region = "eu-west-1"
  timeouts {
    create = "1h"
  }
  config {
    objective {
      type = "Maximize"
    }
  }
  lifecycle {
    ignore_changes = [config]
  }
}

output "tuning" {
  value = "\${aws_sagemaker_hyper_parameter_tuning_job.t.name}: \${aws_sagemaker_hyper_parameter_tuning_job.t.arn}"
}

output "role" {
  value = aws_iam_role.r.arn
}
`)
    assert.equal(
      output,
      `${CONVERT_COMMENT} dropped the terraform block: sageform does not read it.

# Where every job runs.
provider "sagemaker" {
  region = "us-west-2" # the data lives here
  ${CONVERT_COMMENT} dropped default_tags: provider "sagemaker" reads only region and profile; write these tags into each resource's tags.
}

${CONVERT_COMMENT} dropped resource "aws_iam_role" "r": sageform manages SageMaker training and tuning jobs only.

resource "sagemaker_hyperparameter_tuning_job" "t" {
  name = "t" # pinned
  ${CONVERT_COMMENT} dropped region: sageform creates every job in the region of its provider configuration; a per-resource region is not supported.
  ${CONVERT_COMMENT} dropped timeouts: sageform waits for jobs its own way (apply --wait, watch), not within Terraform operation timeouts.
  hyper_parameter_tuning_job_config {
    hyper_parameter_tuning_job_objective {
      type = "Maximize"
    }
  }
  lifecycle {
    ignore_changes = [hyper_parameter_tuning_job_config]
  }
}

moved {
  from = aws_sagemaker_hyper_parameter_tuning_job.t
  to   = sagemaker_hyperparameter_tuning_job.t
}

output "tuning" {
  value = "\${sagemaker_hyperparameter_tuning_job.t.name}: \${sagemaker_hyperparameter_tuning_job.t.arn}"
}

output "role" {
  value = aws_iam_role.r.arn
}
`,
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.summary, d.range!.start.line]),
      [['warning', 'Reference sageform cannot evaluate', 38]],
    )
  })

  it('is stable: its output is formatted and converting it again changes nothing', async () => {
    for (const name of readdirSync(root)) {
      const once = await convert(readFileSync(join(root, name, 'main.tf'), 'utf8'))
      assert.equal(await format(once.output!), once.output, name)
      const twice = await convert(once.output!, 'main.hcl')
      assert.deepEqual([twice.changed, twice.output], [false, once.output], name)
    }
  })

  describe('the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-convert-'))
    const tuning = join(root, 'tuning-warm-start', 'main.tf')
    const training = join(root, 'training-tags', 'main.tf')

    it('prints each file after a "# converted from" line, and --json matches schemas/convert.json', () => {
      const run = sageform(['convert', training, tuning])
      assert.equal(run.status, 0, run.stderr)
      assert.equal(run.stdout.match(/^# converted from /gm)?.length, 2)
      assert.match(run.stdout, /resource "sagemaker_hyperparameter_tuning_job" "test"/)
      const json = sageform(['convert', tuning, '--json'])
      const payload = JSON.parse(json.stdout)
      assert.deepEqual(schemaErrors('convert', payload), [])
      assert.equal(payload.files[0].path, tuning)
      assert.equal(payload.files[0].output, readFileSync(join(root, 'tuning-warm-start', 'native.hcl'), 'utf8'))
    })

    it('exits 1 with file:line:col for a missing file, a syntax error and a file with nothing to convert', () => {
      writeFileSync(join(dir, 'broken.tf'), 'resource "aws_sagemaker_training_job" "x" {\n  training_job_name = \n}\n')
      writeFileSync(join(dir, 'native.hcl'), 'variable "x" {}\n')
      const missing = sageform(['convert', join(dir, 'nope.tf')])
      assert.equal(missing.status, 1)
      assert.match(missing.stderr, /Cannot read file[\s\S]*nope\.tf: ENOENT/)
      const broken = sageform(['convert', 'broken.tf'], { cwd: dir })
      assert.equal(broken.status, 1)
      assert.match(broken.stderr, /Error: broken\.tf:\d+:\d+: /)
      assert.equal(broken.stdout, '')
      const nothing = sageform(['convert', 'native.hcl', '--json'], { cwd: dir })
      assert.equal(nothing.status, 1)
      const payload = JSON.parse(nothing.stdout)
      assert.deepEqual(schemaErrors('convert', payload), [])
      assert.deepEqual(payload.files, [])
      assert.deepEqual([payload.diagnostics[0].summary, payload.diagnostics[0].range.start.line], ['Nothing to convert', 1])
    })
  })
})

describe('sageform import --from-terraform-state', () => {
  const open = endpointsOfSuite({})
  const tuningSource = readFileSync(join(root, 'tuning-basic', 'main.tf'), 'utf8')
  const trainingSource = readFileSync(join(root, 'training-basic', 'main.tf'), 'utf8')
  // One configuration of both provider resources: the tuning case's file, plus the training case's resource block.
  const files = { 'main.tf': tuningSource, 'training.tf': trainingSource.slice(trainingSource.indexOf('resource "aws_sagemaker_training_job"')) }
  const trainingName = /training_job_name\s*=\s*"([^"]+)"/.exec(trainingSource)![1]!
  const tuningName = /^ {2}name\s*=\s*"([^"]+)"/m.exec(tuningSource)![1]!

  const instance = (attributes: Record<string, string>, extra: object = {}) => ({ schema_version: 0, attributes: { id: Object.values(attributes)[0], ...attributes }, ...extra })
  const resource = (type: string, name: string, instances: object[], mode = 'managed') => ({ mode, type, name, provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances })
  /** A v4 state as Terraform writes it, holding one job of each type (and what sageform must leave alone). */
  const tfstate = (training = trainingName, extra: object[] = []) =>
    JSON.stringify({
      version: 4,
      terraform_version: '1.9.8',
      serial: 7,
      lineage: '2f6b7c1e-4c1e-4b0f-9d7e-0c8a1b2c3d4e',
      outputs: {},
      resources: [
        resource('aws_caller_identity', 'current', [instance({ account_id: '123456789012' })], 'data'),
        resource('aws_iam_role', 'test', [instance({ name: 'tf-acc-test', arn: 'arn:aws:iam::123456789012:role/tf-acc-test' })]),
        resource('aws_sagemaker_training_job', 'test', [instance({ training_job_name: training, arn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${training}` })]),
        resource('aws_sagemaker_hyper_parameter_tuning_job', 'test', [instance({ name: tuningName, arn: `arn:aws:sagemaker:us-west-2:123456789012:hyper-parameter-tuning-job/${tuningName}` })]),
        ...extra,
      ],
      check_results: null,
    })

  it('adopts one job of each type under the same addresses; the dry run writes nothing and the next plan is all no-op', async function () {
    const { endpoint } = await open()
    const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: endpointEnv(endpoint.url) })
    // The jobs Terraform created, made here by applying the same configuration elsewhere.
    const creator = configDir(files)
    const created = await cli(['apply', '--auto-approve'], creator)
    assert.equal(created.status, 0, created.stderr + created.stdout)

    const dir = configDir({ ...files, 'terraform.tfstate': tfstate() })
    const dry = await cli(['import', '--from-terraform-state', 'terraform.tfstate', '--dry-run', '--json'], dir)
    assert.equal(dry.status, 0, dry.stderr)
    const dryPayload = JSON.parse(dry.stdout)
    assert.deepEqual(schemaErrors('import', dryPayload), [])
    assert.deepEqual(
      dryPayload.resources.map((r: { address: string; action: string; matches_configuration: boolean }) => [r.address, r.action, r.matches_configuration]),
      [
        ['aws_sagemaker_training_job.test', 'would_adopt', true],
        ['aws_sagemaker_hyper_parameter_tuning_job.test', 'would_adopt', true],
      ],
    )
    assert.deepEqual([dryPayload.ignored_resources, dryPayload.serial], [1, null])
    assert.equal(existsSync(join(dir, 'sageform.state.json')), false)

    const run = await cli(['import', '--from-terraform-state', 'terraform.tfstate'], dir)
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout, /Imported 2 of 2 job\(s\); 1 other resource\(s\) in the Terraform state left to Terraform\./)
    const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8'))
    assert.deepEqual(Object.keys(state.resources).sort(), ['aws_sagemaker_hyper_parameter_tuning_job.test', 'aws_sagemaker_training_job.test'])
    assert.equal(state.resources['aws_sagemaker_training_job.test'].current.name, trainingName)
    assert.equal(state.resources['aws_sagemaker_hyper_parameter_tuning_job.test'].current.name, tuningName)

    const next = await cli(['plan', '--json', '--no-cost'], dir)
    const planned = JSON.parse(next.stdout)
    const changes: Array<{ address: string; action: string }> = planned.plan.changes
    assert.deepEqual(
      changes.map((c) => [c.address, c.action]).sort(),
      [
        ['aws_sagemaker_hyper_parameter_tuning_job.test', 'no-op'],
        ['aws_sagemaker_training_job.test', 'no-op'],
      ],
      next.stdout,
    )

    const again = await cli(['import', '--from-terraform-state', 'terraform.tfstate', '--json'], dir)
    const againPayload = JSON.parse(again.stdout)
    assert.deepEqual(againPayload.resources.map((r: { action: string; reason: string }) => [r.action, r.reason.split(':')[0]]), [
      ['skipped', 'Resource already managed'],
      ['skipped', 'Resource already managed'],
    ])
    assert.equal(againPayload.serial, null)
  })

  it('import then convert, or convert then import: the jobs stay with the native resources (moves only, then no changes)', async function () {
    this.timeout(180_000)
    const { endpoint, sm } = await open()
    const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: endpointEnv(endpoint.url) })
    const created = await cli(['apply', '--auto-approve'], configDir(files))
    assert.equal(created.status, 0, created.stderr + created.stdout)
    // As Terraform leaves them: without sageform's own tags.
    for (const { TrainingJobArn } of (await sm.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries!) await sm.send(new DeleteTagsCommand({ ResourceArn: TrainingJobArn, TagKeys: ['sageform:address', 'sageform:lineage', 'sageform:spec-hash'] }))
    for (const { HyperParameterTuningJobArn } of (await sm.send(new ListHyperParameterTuningJobsCommand({}))).HyperParameterTuningJobSummaries!) await sm.send(new DeleteTagsCommand({ ResourceArn: HyperParameterTuningJobArn, TagKeys: ['sageform:address', 'sageform:lineage', 'sageform:spec-hash'] }))
    const converted = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([name, text]) => [name.replace(/\.tf$/, '.hcl'), (await convert(text, name)).output!] as const)))
    const changes = async (dir: string) => {
      const r = await cli(['plan', '--json', '--no-cost'], dir)
      assert.equal(r.status, 0, r.stderr)
      return (JSON.parse(r.stdout).plan.changes as Array<{ address: string; action: string; previous_address?: string }>).map((c) => [c.previous_address ?? null, c.address, c.action]).sort()
    }
    const native = [
      ['sagemaker_hyperparameter_tuning_job.test', 'no-op'],
      ['sagemaker_training_job.test', 'no-op'],
    ]

    // Imported under the provider's addresses, then converted: the moved blocks take the records to the native ones.
    const first = configDir({ ...files, 'terraform.tfstate': tfstate() })
    assert.equal((await cli(['import', '--from-terraform-state', 'terraform.tfstate'], first)).status, 0)
    for (const name of Object.keys(files)) rmSync(join(first, name))
    for (const [name, text] of Object.entries(converted)) writeFileSync(join(first, name), text)
    assert.deepEqual(await changes(first), native.map(([address, action]) => [address!.replace('sagemaker_', 'aws_sagemaker_').replace('hyperparameter', 'hyper_parameter'), address, action]))
    const human = await cli(['plan', '--no-cost'], first)
    assert.match(human.stdout, /# aws_sagemaker_training_job\.test has moved to sagemaker_training_job\.test/)
    assert.match(human.stdout, /Plan: 0 to create, 0 to replace, 0 to update, 0 to stop, 2 to move\./)
    assert.equal((await cli(['apply', '--auto-approve'], first)).status, 0)
    assert.deepEqual(await changes(first), native.map(([address, action]) => [null, address, action]))

    // Converted first, then imported: the import follows the moved blocks to the native addresses.
    const second = configDir({ ...converted, 'terraform.tfstate': tfstate() })
    const imported = await cli(['import', '--from-terraform-state', 'terraform.tfstate', '--json'], second)
    assert.equal(imported.status, 0, imported.stderr)
    const payload = JSON.parse(imported.stdout)
    assert.deepEqual(schemaErrors('import', payload), [])
    assert.deepEqual(
      payload.resources.map((r: { address: string; moved_from?: string; action: string }) => [r.moved_from, r.address, r.action]),
      [
        ['aws_sagemaker_training_job.test', 'sagemaker_training_job.test', 'adopted'],
        ['aws_sagemaker_hyper_parameter_tuning_job.test', 'sagemaker_hyperparameter_tuning_job.test', 'adopted'],
      ],
    )
    assert.deepEqual(await changes(second), native.map(([address, action]) => [null, address, action]))
  })

  it('adopts instances of count and for_each under their keys; the next plan is all no-op', async function () {
    const { endpoint } = await open()
    const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: endpointEnv(endpoint.url) })
    const counted = { 'main.tf': readFileSync(join(root, 'training-count', 'main.tf'), 'utf8') }
    const created = await cli(['apply', '--auto-approve'], configDir(counted))
    assert.equal(created.status, 0, created.stderr + created.stdout)
    const shards = [0, 1, 2].map((i) => instance({ training_job_name: `tf-acc-test-shard-${i}` }, { index_key: i }))
    const dir = configDir({ ...counted, 'terraform.tfstate': JSON.stringify({ version: 4, serial: 1, lineage: 'x', resources: [resource('aws_sagemaker_training_job', 'test', shards)] }) })
    const run = await cli(['import', '--from-terraform-state', 'terraform.tfstate', '--json'], dir)
    const payload = JSON.parse(run.stdout)
    assert.deepEqual(schemaErrors('import', payload), [])
    assert.deepEqual(payload.resources.map((r: { address: string; action: string }) => [r.address, r.action]), [0, 1, 2].map((i) => [`aws_sagemaker_training_job.test[${i}]`, 'adopted']))
    const next = JSON.parse((await cli(['plan', '--json', '--no-cost'], dir)).stdout)
    assert.deepEqual(next.plan.changes.map((c: { address: string; action: string }) => c.action), ['no-op', 'no-op', 'no-op'])
  })

  it('skips, with the reason, a job SageMaker does not have and one the configuration does not declare (an instance too)', async () => {
    const { endpoint } = await open()
    const extra = [
      resource('aws_sagemaker_training_job', 'undeclared', [instance({ training_job_name: 'elsewhere' })]),
      resource('aws_sagemaker_training_job', 'many', [instance({ training_job_name: 'many-0' }, { index_key: 0 })]),
    ]
    const dir = configDir({ ...files, 'terraform.tfstate': tfstate('tf-gone', extra) })
    const run = await runCli(['import', '--from-terraform-state', 'terraform.tfstate', '--dry-run', '--json'], { cwd: dir, env: endpointEnv(endpoint.url) })
    const payload = JSON.parse(run.stdout)
    assert.deepEqual(schemaErrors('import', payload), [])
    const reasons = Object.fromEntries(payload.resources.map((r: { address: string; reason?: string }) => [r.address, r.reason ?? 'adopted']))
    assert.match(reasons['aws_sagemaker_training_job.test'], /No such job: SageMaker has no training job named "tf-gone"/)
    assert.match(reasons['aws_sagemaker_training_job.undeclared'], /Resource not in the configuration.*sageform convert/)
    assert.match(reasons['aws_sagemaker_training_job.many[0]'], /Resource not in the configuration/)
    assert.equal(existsSync(join(dir, 'sageform.state.json')), false)
  })

  it('rejects a state file that is not format version 4, and ADDRESS given with --from-terraform-state', () => {
    const dir = configDir({ ...files, 'old.tfstate': JSON.stringify({ version: 3, modules: [] }) })
    const old = sageform(['import', '--from-terraform-state', 'old.tfstate', '--json'], { cwd: dir })
    assert.equal(old.status, 1)
    const payload = JSON.parse(old.stdout)
    assert.deepEqual(schemaErrors('import', payload), [])
    assert.match(payload.diagnostics[0].summary, /Unsupported Terraform state version/)
    const mixed = sageform(['import', 'aws_sagemaker_training_job.test', 'x', '--from-terraform-state', 'old.tfstate'], { cwd: dir })
    assert.equal(mixed.status, 1)
    assert.match(mixed.stderr, /either ADDRESS JOB_NAME, --from-terraform-state FILE or/)
    const none = sageform(['import'], { cwd: dir })
    assert.equal(none.status, 1)
    assert.match(none.stderr, /Missing ADDRESS and JOB_NAME/)
  })
})
