import { QUOTA, instanceQuotaName } from '../src/model/quotas.js'

// A large, valid configuration for benchmarks: N resources alternating training and tuning jobs (or, with
// `kinds: 'training'`, N training jobs).
export function generatedConfiguration(count: number, kinds: 'mixed' | 'training' = 'mixed'): string {
  const blocks = ['variable "bucket" {\n  default = "bench-bucket"\n}\n\nlocals {\n  role = "arn:aws:iam::123456789012:role/SageMakerRole"\n  image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"\n}\n']
  for (let i = 0; i < count; i++) {
    blocks.push(i % 2 === 0 || kinds === 'training' ? training(i) : tuning(i))
  }
  return blocks.join('\n')
}

function training(i: number): string {
  return `resource "sagemaker_training_job" "train_${i}" {
  name_prefix = "bench-train-${i}"
  role_arn    = local.role
  algorithm_specification {
    training_image      = local.image
    training_input_mode = "File"
  }
  hyper_parameters = { num_round = ${50 + i}, max_depth = 6, eta = 0.1 }
  input_data_config {
    channel_name = "train"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "s3://\${var.bucket}/data/${i}/train/"
      }
    }
  }
  output_data_config {
    s3_output_path = "s3://\${var.bucket}/models/${i}"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
  tags = { bench = "true", index = "${i}" }
}
`
}

function tuning(i: number): string {
  return `resource "sagemaker_hyperparameter_tuning_job" "tune_${i}" {
  name_prefix = "bench-tune-${i}"
  hyper_parameter_tuning_job_config {
    strategy = "Random"
    hyper_parameter_tuning_job_objective {
      type        = "Maximize"
      metric_name = "validation:auc"
    }
    resource_limits {
      max_number_of_training_jobs = 10
      max_parallel_training_jobs  = 2
    }
    parameter_ranges {
      continuous_parameter_ranges {
        name      = "eta"
        min_value = 0.01
        max_value = 0.3
      }
    }
  }
  training_job_definition {
    role_arn = local.role
    static_hyper_parameters = { num_round = 100 }
    algorithm_specification {
      training_image      = local.image
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://\${var.bucket}/tuning/${i}"
    }
    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 30
    }
    stopping_condition {
      max_runtime_in_seconds = 3600
    }
  }
}
`
}

/** Local endpoint quotas with room for every generated job at once (the endpoint allows 100 instances per type by default). */
export const ROOMY = { [instanceQuotaName('ml.m5.xlarge', false)]: 100_000, [QUOTA.instancesAcrossTraining]: 100_000 }
