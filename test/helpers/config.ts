// Writes a configuration into a fresh temporary directory and validates or loads it.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VariableSource } from '../../src/config/variables.js'
import { loadConfiguration } from '../../src/services/configuration.js'

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
