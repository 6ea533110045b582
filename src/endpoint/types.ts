// The parts of SageMaker's request and response shapes the simulation reads, as they arrive once validated against the
// API model. Everything else in a request is kept verbatim and echoed back by Describe.

export type Json = null | boolean | number | string | Json[] | JsonObject
/** `undefined` is allowed so that optional members can be declared on the interfaces below; JSON drops them. */
export interface JsonObject {
  [member: string]: Json | undefined
}

export interface Tag {
  Key: string
  Value: string
}

export interface S3DataSource extends JsonObject {
  S3DataType: string
  S3Uri: string
}

export interface Channel extends JsonObject {
  ChannelName: string
  DataSource: { S3DataSource?: S3DataSource } & JsonObject
}

export interface MetricDefinition extends JsonObject {
  Name: string
  Regex: string
}

export interface AlgorithmSpecification extends JsonObject {
  TrainingImage?: string
  AlgorithmName?: string
  TrainingInputMode: string
  MetricDefinitions?: MetricDefinition[]
}

export interface StoppingCondition extends JsonObject {
  MaxRuntimeInSeconds?: number
  MaxWaitTimeInSeconds?: number
}

/** CreateTrainingJobRequest less TrainingJobName and Tags, which the store keeps apart. */
export interface TrainingSpec extends JsonObject {
  RoleArn: string
  AlgorithmSpecification?: AlgorithmSpecification
  HyperParameters?: Record<string, string>
  InputDataConfig?: Channel[]
  OutputDataConfig: { S3OutputPath: string } & JsonObject
  ResourceConfig?: JsonObject
  StoppingCondition?: StoppingCondition
  EnableManagedSpotTraining?: boolean
  Environment?: Record<string, string>
  ServerlessJobConfig?: JsonObject
}

export type ObjectiveType = 'Maximize' | 'Minimize'

export interface Objective extends JsonObject {
  Type: ObjectiveType
  MetricName: string
}

export interface NumericRange extends JsonObject {
  Name: string
  MinValue: string
  MaxValue: string
  ScalingType?: string
}

export interface CategoricalRange extends JsonObject {
  Name: string
  Values: string[]
}

export interface ParameterRanges extends JsonObject {
  IntegerParameterRanges?: NumericRange[]
  ContinuousParameterRanges?: NumericRange[]
  CategoricalParameterRanges?: CategoricalRange[]
  AutoParameters?: Array<{ Name: string; ValueHint: string } & JsonObject>
}

export interface TrainingJobDefinition extends JsonObject {
  DefinitionName?: string
  TuningObjective?: Objective
  HyperParameterRanges?: ParameterRanges
  StaticHyperParameters?: Record<string, string>
  AlgorithmSpecification: AlgorithmSpecification
  RoleArn: string
  OutputDataConfig: { S3OutputPath: string } & JsonObject
  ResourceConfig?: JsonObject
  HyperParameterTuningResourceConfig?: JsonObject & { InstanceConfigs?: JsonObject[] }
  StoppingCondition: StoppingCondition
  EnableManagedSpotTraining?: boolean
}

export interface TuningJobConfig extends JsonObject {
  Strategy: 'Bayesian' | 'Random' | 'Hyperband' | 'Grid'
  StrategyConfig?: { HyperbandStrategyConfig?: { MinResource?: number; MaxResource?: number } & JsonObject } & JsonObject
  HyperParameterTuningJobObjective?: Objective
  ResourceLimits: { MaxNumberOfTrainingJobs?: number; MaxParallelTrainingJobs: number; MaxRuntimeInSeconds?: number } & JsonObject
  ParameterRanges?: ParameterRanges
  TrainingJobEarlyStoppingType?: string
  TuningJobCompletionCriteria?: {
    TargetObjectiveMetricValue?: number
    BestObjectiveNotImproving?: { MaxNumberOfTrainingJobsNotImproving?: number } & JsonObject
  } & JsonObject
  RandomSeed?: number
}

/** CreateHyperParameterTuningJobRequest less the name and Tags. */
export interface TuningSpec extends JsonObject {
  HyperParameterTuningJobConfig: TuningJobConfig
  TrainingJobDefinition?: TrainingJobDefinition
  TrainingJobDefinitions?: TrainingJobDefinition[]
  WarmStartConfig?: { ParentHyperParameterTuningJobs: Array<{ HyperParameterTuningJobName?: string } & JsonObject>; WarmStartType: string } & JsonObject
}
