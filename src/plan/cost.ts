// What a plan's jobs may cost at most (schemas/plan.json `cost`): sizes in instance-hours, and dollars where an
// hourly price is known. Computed by src/planner/cost.ts; prices come from AWS's Price List or a pinned file.

/** Where an hourly price came from: AWS's Price List Query API (on-demand), or the user's pricing file. */
export type PriceSource = 'aws' | 'pinned'

export interface InstanceHours {
  instance_type: string
  /** Instance-hours at most. */
  hours: number
  /** On-demand USD per instance-hour; null when the price is unknown (never guessed). */
  usd_per_hour: number | null
  price_source: PriceSource | null
  /** hours × usd_per_hour; null when the price is unknown. */
  usd: number | null
  /** Why the price is unknown: "no AWS credentials", "price list unreachable", "not in the price list", ... */
  price_unknown_reason?: string
}

/** How many training jobs a tuning job may launch, and where that number comes from. */
export type TrainingJobsBasis = 'manifest' | 'grid' | 'default-quota'

/** The largest a job the plan would create can get. */
export interface JobCost {
  /** The instances one training job runs, per type (instance groups summed), in the definition the bound assumes. */
  instances: Array<{ instance_type: string; count: number }>
  /** StoppingCondition.MaxRuntimeInSeconds of one training job: the most time it is billed for. */
  max_runtime_seconds: number
  /** True when the manifest left it out and SageMaker's default (86400 s, one day) applies. */
  max_runtime_defaulted: boolean
  /** Tuning jobs: how many training jobs at most (ResourceLimits.MaxNumberOfTrainingJobs or its default). */
  training_jobs?: number
  training_jobs_basis?: TrainingJobsBasis
  max_parallel_training_jobs?: number
  /** Tuning jobs: ResourceLimits.MaxRuntimeInSeconds, when set. */
  tuning_max_runtime_seconds?: number
  /** Tuning jobs with several definitions or instance configs: the one the bound assumes (the largest). */
  definition?: string
  candidates?: number
  /** True when max_parallel_training_jobs × ResourceLimits.MaxRuntimeInSeconds bounds the billed time more tightly. */
  capped_by_tuning_runtime?: boolean
  /** Upper bound of the job's wall time, seconds. */
  wall_time_seconds: number
  managed_spot: boolean
  instance_hours: InstanceHours[]
  /** Total at on-demand prices; null when any of its prices is unknown. */
  usd: number | null
}

/** A job whose size depends on values known only after apply. */
export interface JobCostUnknown {
  unknown: string
}

export interface PlanCost {
  /** The region prices were looked up for; null when none is configured. */
  region: string | null
  /** Per instance type, over every job the plan would create. */
  instance_hours: InstanceHours[]
  /** Total instance-hours. */
  hours: number
  /** Total at on-demand prices; null when any price is unknown. */
  usd: number | null
  /** Publication date (YYYY-MM-DD) of AWS's price list the `aws` prices come from; null when none was used. */
  prices_as_of: string | null
  /** Some job the plan would create uses managed spot training (billed time only, up to 90% cheaper). */
  managed_spot: boolean
  /** Addresses of jobs left out of the totals: their size is known only after apply. */
  not_counted: string[]
}
