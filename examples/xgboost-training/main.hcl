# Built-in XGBoost on managed spot capacity, with checkpoints so an interrupted spot job resumes where it stopped.

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "bucket" {
  type        = string
  default     = "acme-ml-data"
  description = "S3 bucket with the training data; outputs go under models/."
}

variable "role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
}

locals {
  # SageMaker's own XGBoost image; its account id differs per region.
  xgboost_image = "683313688378.dkr.ecr.${var.region}.amazonaws.com/sagemaker-xgboost:1.7-1"
  data          = "s3://${var.bucket}/churn/2026-11"
}

provider "sagemaker" {
  region = var.region
}

resource "sagemaker_training_job" "churn_xgboost" {
  name_prefix = "churn-xgb"
  role_arn    = var.role_arn

  algorithm_specification {
    training_image      = local.xgboost_image
    training_input_mode = "File"
  }

  hyper_parameters = {
    objective        = "binary:logistic"
    num_round        = 200
    max_depth        = 6
    eta              = 0.1
    subsample        = 0.8
    colsample_bytree = 0.8
    eval_metric      = "auc"
  }

  input_data_config {
    channel_name = "train"
    content_type = "text/csv"
    data_source {
      s3_data_source {
        s3_data_type              = "S3Prefix"
        s3_uri                    = "${local.data}/train/"
        s3_data_distribution_type = "FullyReplicated"
      }
    }
  }

  input_data_config {
    channel_name = "validation"
    content_type = "text/csv"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "${local.data}/validation/"
      }
    }
  }

  output_data_config {
    s3_output_path = "s3://${var.bucket}/models/churn"
  }

  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }

  enable_managed_spot_training = true

  checkpoint_config {
    s3_uri     = "s3://${var.bucket}/checkpoints/churn-xgb"
    local_path = "/opt/ml/checkpoints"
  }

  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 7200
  }

  tags = {
    team    = "growth-ml"
    project = "churn"
  }
}

output "churn_model_job" {
  value = sagemaker_training_job.churn_xgboost.name
}
