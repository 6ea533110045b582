# A churn model re-tuned every week on fresh data, from cron or a CI schedule running
#   sageform apply --auto-approve --detailed-exitcode
# which exits 2 when it started a new generation and 0 when none was due. Each generation warm-starts from the
# previous ones (IdenticalDataAndAlgorithm: the data channels point at a prefix the data pipeline refreshes), and
# only the newest four generations are kept in SageMaker; the state file keeps every generation's best objective.

variable "bucket" {
  type    = string
  default = "acme-ml-data"
}

resource "sagemaker_hyperparameter_tuning_job" "churn_weekly" {
  name_prefix              = "churn-weekly"
  warm_start_from_previous = true

  hyper_parameter_tuning_job_config {
    strategy = "Bayesian"

    hyper_parameter_tuning_job_objective {
      type        = "Maximize"
      metric_name = "validation:auc"
    }

    resource_limits {
      max_number_of_training_jobs = 12
      max_parallel_training_jobs  = 3
    }

    parameter_ranges {
      continuous_parameter_ranges {
        name         = "eta"
        min_value    = 0.01
        max_value    = 0.3
        scaling_type = "Logarithmic"
      }
      integer_parameter_ranges {
        name      = "max_depth"
        min_value = 3
        max_value = 10
      }
    }
  }

  training_job_definition {
    role_arn = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
    # num_round is static now; being counted from the first generation, a later one may tune it instead.
    static_hyper_parameters = {
      objective   = "binary:logistic"
      eval_metric = "auc"
      num_round   = 200
    }

    algorithm_specification {
      training_image      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
      training_input_mode = "File"
    }

    input_data_config {
      channel_name = "train"
      content_type = "text/csv"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = "s3://${var.bucket}/churn/latest/train/"
        }
      }
    }

    input_data_config {
      channel_name = "validation"
      content_type = "text/csv"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = "s3://${var.bucket}/churn/latest/validation/"
        }
      }
    }

    output_data_config {
      s3_output_path = "s3://${var.bucket}/churn/models"
    }

    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 20
    }

    stopping_condition {
      max_runtime_in_seconds = 3600
    }
  }

  tags = { team = "retention" }

  lifecycle {
    retune_every     = "7d"
    keep_generations = 4
  }
}

output "best_model" {
  description = "The newest generation's best model, for the deployment pipeline."
  value       = sagemaker_hyperparameter_tuning_job.churn_weekly.best_training_job
}
