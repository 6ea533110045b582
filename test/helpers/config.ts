// Writes a configuration into a fresh temporary directory and validates or loads it.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VariableSource } from '../../src/config/variables.js'
import { loadConfiguration } from '../../src/services/setup/configuration.js'

export function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-test-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

export async function load(main: string, options: { variables?: VariableSource[]; env?: NodeJS.ProcessEnv; files?: Record<string, string> } = {}) {
  const dir = configDir({ 'main.hcl': main, ...options.files })
  return loadConfiguration({ dir, variables: options.variables ?? [], env: options.env ?? {} })
}

/** A minimal valid training job body, for tests that vary one thing. */
export const TRAINING_BODY = `
  role_arn = "arn:aws:iam::123456789012:role/SageMakerRole"
  algorithm_specification {
    training_image      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://bucket/out"
  }
  resource_config {
    instance_type  = "ml.m5.large"
    instance_count = 1
    volume_size_in_gb = 10
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
`

/** A minimal valid tuning job resource, `extra` added to its body, for tests that vary one thing. */
export const tuningResource = (label: string, extra = '', strategy = 'Random') => `resource "sagemaker_hyperparameter_tuning_job" "${label}" {
  hyper_parameter_tuning_job_config {
    strategy = "${strategy}"
    resource_limits {
      max_number_of_training_jobs = 4
      max_parallel_training_jobs  = 2
    }
  }
  training_job_definition {
    role_arn = "arn:aws:iam::123456789012:role/SageMakerRole"
    algorithm_specification {
      algorithm_name      = "arn:aws:sagemaker:us-east-1:123456789012:algorithm/algo"
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://bucket/out"
    }
    stopping_condition {
      max_runtime_in_seconds = 600
    }
  }
  ${extra}
}
`

/** A custom-image Bayesian tuning job `churn` (objective validation:accuracy) whose parts re-tuning tests vary. */
export const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311'

export interface TuningVariant {
  lifecycle?: string
  extra?: string
  image?: string
  statics?: Record<string, string>
  ranges?: string
  metric?: string
  channel?: string
}

export const DEFAULT_RANGES = `
      integer_parameter_ranges {
        name      = "batch_size"
        min_value = 16
        max_value = 128
      }
      continuous_parameter_ranges {
        name      = "lr"
        min_value = 0.0001
        max_value = 0.1
      }`

export const LR_ONLY = `
      continuous_parameter_ranges {
        name      = "lr"
        min_value = 0.001
        max_value = 0.1
      }`

export function retunableTuning(v: TuningVariant = {}): string {
  const statics = Object.entries(v.statics ?? { epochs: '10' }).map(([k, val]) => `${k} = "${val}"`).join(', ')
  const metric = v.metric ?? 'validation:accuracy'
  return `resource "sagemaker_hyperparameter_tuning_job" "churn" {
  name_prefix = "churn"
  ${v.extra ?? ''}
  hyper_parameter_tuning_job_config {
    strategy = "Bayesian"
    hyper_parameter_tuning_job_objective {
      type        = "Maximize"
      metric_name = "${metric}"
    }
    resource_limits {
      max_number_of_training_jobs = 8
      max_parallel_training_jobs  = 2
    }
    parameter_ranges {${v.ranges ?? DEFAULT_RANGES}
    }
  }
  training_job_definition {
    role_arn                = "arn:aws:iam::123456789012:role/SageMakerRole"
    static_hyper_parameters = { ${statics} }
    algorithm_specification {
      training_image      = "${v.image ?? IMAGE}"
      training_input_mode = "File"
      metric_definitions {
        name  = "${metric}"
        regex = "acc=([0-9.]+)"
      }
    }
    input_data_config {
      channel_name = "${v.channel ?? 'train'}"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = "s3://bucket/train/"
        }
      }
    }
    output_data_config {
      s3_output_path = "s3://bucket/out"
    }
    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 10
    }
    stopping_condition {
      max_runtime_in_seconds = 3600
    }
  }
  ${v.lifecycle ? `lifecycle {\n    ${v.lifecycle}\n  }` : ''}
}
`
}
