import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiModel, shape, snakeCase, structure } from '../src/model/api.js'
import { spelledMembers } from '../src/model/terraform.js'
import { manifestPath } from '../src/model/validate.js'
import { renderReference } from '../src/model/reference.js'

describe('API model → manifest mapping', () => {
  it('snake-cases member names, keeping acronyms and "SageMaker" whole', () => {
    const cases: Array<[string, string]> = [
      ['TrainingInputMode', 'training_input_mode'],
      ['VolumeSizeInGB', 'volume_size_in_gb'],
      ['S3Uri', 's3_uri'],
      ['S3OutputPath', 's3_output_path'],
      ['VpcConfig', 'vpc_config'],
      ['KmsKeyId', 'kms_key_id'],
      ['EnableSageMakerMetricsTimeSeries', 'enable_sagemaker_metrics_time_series'],
      ['HyperParameterTuningJobConfig', 'hyper_parameter_tuning_job_config'],
      ['MaxNumberOfTrainingJobsNotImproving', 'max_number_of_training_jobs_not_improving'],
      ['TensorBoardOutputConfig', 'tensor_board_output_config'],
    ]
    for (const [member, expected] of cases) assert.equal(snakeCase(member), expected)
  })

  it('gives every member of both Create requests, at every depth, a unique manifest name', () => {
    const seen = new Set<string>()
    const visit = (shapeName: string, path: string) => {
      const s = shape(shapeName)
      if (s.type === 'list') return visit(s.member.shape, path)
      if (s.type !== 'structure' || seen.has(shapeName)) return
      seen.add(shapeName)
      const names = spelledMembers(shapeName, 'native')
      assert.equal(names.size, Object.keys(s.members).length, `collision in ${shapeName} (${path})`)
      for (const [snake, member] of names) {
        assert.match(snake, /^[a-z0-9]+(_[a-z0-9]+)*$/, `${shapeName}.${member}`)
        visit(s.members[member]!.shape, `${path}.${snake}`)
      }
    }
    visit('CreateTrainingJobRequest', 'training')
    visit('CreateHyperParameterTuningJobRequest', 'tuning')
    assert.ok(seen.size > 50, `only ${seen.size} structures reached`)
  })

  it('derives constraints from the model, not from copies', () => {
    const name = shape('TrainingJobName')
    assert.equal(name.type, 'string')
    assert.equal(name.max, 63)
    assert.ok(structure('CreateTrainingJobRequest').required!.includes('RoleArn'))
    assert.equal(apiModel().metadata.targetPrefix, 'SageMaker')
  })

  it('spells API paths the manifest way', () => {
    assert.equal(manifestPath('CreateTrainingJobRequest', ['InputDataConfig', 1, 'DataSource', 'S3DataSource', 'S3Uri']), 'input_data_config[1].data_source.s3_data_source.s3_uri')
    assert.equal(manifestPath('CreateTrainingJobRequest', ['HyperParameters', 'eta']), 'hyper_parameters.eta')
  })
})

describe('generated and copied artefacts', () => {
  const root = join(import.meta.dirname, '..')

  it('docs/manifest-reference.md is up to date (npm run reference)', () => {
    assert.equal(readFileSync(join(root, 'docs', 'manifest-reference.md'), 'utf8'), renderReference() + '\n')
  })

  it('api/sagemaker-subset.json is the shared API model, byte for byte (npm run sync-api)', () => {
    const shared = join(root, '..', 'shared', 'sagemaker-api', 'sagemaker-subset.json')
    // A missing model fails, never skips: a green suite must mean api/ was compared.
    assert.ok(existsSync(shared), `The shared API model is missing: ${shared}. Check out ../shared beside this repository.`)
    assert.ok(readFileSync(join(root, 'api', 'sagemaker-subset.json')).equals(readFileSync(shared)))
  })
})
