# Two Bayesian tuning jobs for a PyTorch text classifier: a broad first search, and a narrower one that warm-starts
# from it (IdenticalDataAndAlgorithm) once the first has finished.

variable "bucket" {
  type    = string
  default = "acme-ml-data"
}

variable "max_jobs" {
  type    = number
  default = 20
  validation {
    condition     = var.max_jobs >= 4
    error_message = "A Bayesian search needs at least 4 training jobs to learn anything."
  }
}

locals {
  role  = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
  image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker"
  channels = {
    train      = "s3://${var.bucket}/reviews/train/"
    validation = "s3://${var.bucket}/reviews/validation/"
  }
  static = {
    sagemaker_program          = "train.py"
    sagemaker_submit_directory = "s3://${var.bucket}/code/reviews/source.tar.gz"
    epochs                     = 10
  }
}

resource "sagemaker_hyperparameter_tuning_job" "reviews_broad" {
  name_prefix = "reviews-broad"

  hyper_parameter_tuning_job_config {
    strategy                         = "Bayesian"
    training_job_early_stopping_type = "Auto"

    hyper_parameter_tuning_job_objective {
      type        = "Maximize"
      metric_name = "validation:accuracy"
    }

    resource_limits {
      max_number_of_training_jobs = var.max_jobs
      max_parallel_training_jobs  = 4
    }

    parameter_ranges {
      integer_parameter_ranges {
        name         = "batch_size"
        min_value    = 16
        max_value    = 128
        scaling_type = "Logarithmic"
      }
      continuous_parameter_ranges {
        name         = "learning_rate"
        min_value    = 0.00001
        max_value    = 0.01
        scaling_type = "Logarithmic"
      }
      continuous_parameter_ranges {
        name         = "momentum"
        min_value    = 0.8
        max_value    = 0.999
        scaling_type = "ReverseLogarithmic"
      }
      categorical_parameter_ranges {
        name   = "optimizer"
        values = ["sgd", "adam", "adamw"]
      }
    }
  }

  training_job_definition {
    role_arn                = local.role
    static_hyper_parameters = local.static

    algorithm_specification {
      training_image      = local.image
      training_input_mode = "File"
      metric_definitions {
        name  = "validation:accuracy"
        regex = "val_acc=([0-9\\.]+)"
      }
      metric_definitions {
        name  = "train:loss"
        regex = "train_loss=([0-9\\.]+)"
      }
    }

    input_data_config {
      channel_name = "train"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = local.channels.train
        }
      }
    }

    input_data_config {
      channel_name = "validation"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = local.channels.validation
        }
      }
    }

    output_data_config {
      s3_output_path = "s3://${var.bucket}/models/reviews"
    }

    resource_config {
      instance_type     = "ml.g5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 50
    }

    stopping_condition {
      max_runtime_in_seconds = 7200
    }
  }

  tags = { team = "nlp" }
}

resource "sagemaker_hyperparameter_tuning_job" "reviews_refine" {
  name_prefix = "reviews-refine"

  warm_start_config {
    warm_start_type = "IdenticalDataAndAlgorithm"
    parent_hyper_parameter_tuning_jobs {
      hyper_parameter_tuning_job_name = sagemaker_hyperparameter_tuning_job.reviews_broad.name
    }
  }

  hyper_parameter_tuning_job_config {
    strategy = "Bayesian"

    hyper_parameter_tuning_job_objective {
      type        = "Maximize"
      metric_name = "validation:accuracy"
    }

    resource_limits {
      max_number_of_training_jobs = 10
      max_parallel_training_jobs  = 2
    }

    parameter_ranges {
      integer_parameter_ranges {
        name      = "batch_size"
        min_value = 32
        max_value = 64
      }
      continuous_parameter_ranges {
        name         = "learning_rate"
        min_value    = 0.0001
        max_value    = 0.001
        scaling_type = "Logarithmic"
      }
      continuous_parameter_ranges {
        name      = "momentum"
        min_value = 0.9
        max_value = 0.99
      }
      categorical_parameter_ranges {
        name   = "optimizer"
        values = ["adam", "adamw"]
      }
    }
  }

  training_job_definition {
    role_arn                = local.role
    static_hyper_parameters = local.static

    algorithm_specification {
      training_image      = local.image
      training_input_mode = "File"
      metric_definitions {
        name  = "validation:accuracy"
        regex = "val_acc=([0-9\\.]+)"
      }
    }

    input_data_config {
      channel_name = "train"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = local.channels.train
        }
      }
    }

    input_data_config {
      channel_name = "validation"
      data_source {
        s3_data_source {
          s3_data_type = "S3Prefix"
          s3_uri       = local.channels.validation
        }
      }
    }

    output_data_config {
      s3_output_path = "s3://${var.bucket}/models/reviews"
    }

    resource_config {
      instance_type     = "ml.g5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 50
    }

    stopping_condition {
      max_runtime_in_seconds = 7200
    }
  }

  tags = { team = "nlp" }
}

# The refined search's best training job (name, tuned hyperparameters, objective, model artifacts), recorded by the
# first apply after the tuning job has ended: `sageform output --json best_model` hands it to a deployment pipeline.
output "best_model" {
  value = sagemaker_hyperparameter_tuning_job.reviews_refine.best_training_job
}
