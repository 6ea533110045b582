// Validation without network: every request value against SageMaker's API model, plus the rules SageMaker documents
// across fields. Each diagnostic points at the manifest value (file:line:col) and names its manifest path.
import { Diagnostics, suggestFrom, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import { Unknown, formatNumber } from '../config/value.js'
import { checkShape, patternRegExp, shape, snakeCase, structure, type ApiPath, type StringShape, type Violation } from './api.js'
import { credentialKind } from '../util/credentials.js'
import { memberName, type Spelling } from './terraform.js'
import { apiPathKey, isSensitivePath, type ApiObject, type ApiValue, type Configuration, type JobResource } from './types.js'
import { RESERVED_TAG_PREFIX, isReservedTag } from './kinds.js'

/** The shortest sensitive text diagnostics search for and hide (see sensitive()). */
const MIN_HIDDEN_LENGTH = 4
/** `-` + 8 hex characters of the spec hash, appended to name_prefix by the planner. */
export const NAME_SUFFIX_LENGTH = 9
/** Tags sageform adds to every job it creates (address, lineage, spec hash). */
export const MANAGED_TAG_COUNT = 3
/** Enums longer than this (instance types: 151) get a did-you-mean instead of the full list. */
const ENUM_LISTING_LIMIT = 12

export function validateConfiguration(config: Configuration): Diagnostic[] {
  const diags = new Diagnostics()
  for (const resource of config.resources) new ResourceValidator(resource, diags).run()
  return diags.items
}

const isDeferred = (v: unknown) => v instanceof Unknown

class ResourceValidator {
  constructor(
    private readonly resource: JobResource,
    private readonly diags: Diagnostics,
  ) {}

  /** The source of the deepest located prefix of a path: a value, else its enclosing block. */
  private locate(path: ApiPath): { range: SourceRange; manifestPath: string } {
    const computed = manifestPath(this.resource.kind.requestShape, path, this.resource.kind.spelling)
    for (let n = path.length; n >= 0; n--) {
      const entry = this.resource.sources.get(apiPathKey(path.slice(0, n)))
      if (entry) return { range: entry.range, manifestPath: n === path.length ? entry.manifestPath : computed }
    }
    return { range: this.resource.range, manifestPath: computed }
  }

  private report(path: ApiPath, summary: string, detail: string, hint?: string): void {
    const { range, manifestPath: attribute } = this.locate(path)
    const hide = (text: string | undefined) => text && this.sensitive().reduce((t, secret) => t.split(secret).join('(sensitive value)'), text)
    // A key from a secret shows in the attribute's path too.
    this.diags.error(hide(summary)!, { detail: hide(detail), hint: hide(hint), range, attribute: hide(attribute), address: this.resource.address })
  }

  private sensitiveTexts?: string[]

  /** The texts of the request's sensitive values, longest first: no message may quote them, whichever check speaks. */
  private sensitive(): string[] {
    if (this.sensitiveTexts) return this.sensitiveTexts
    const texts = new Set<string>()
    const collect = (v: ApiValue | undefined): void => {
      if (Array.isArray(v)) v.forEach(collect)
      else if (isRecord(v)) Object.entries(v).forEach(([k, item]) => (texts.add(k), collect(item)))
      else if (typeof v === 'string' || typeof v === 'number') texts.add(typeof v === 'number' ? formatNumber(v) : v)
    }
    // Sensitive paths name the request's members and the tags (`Tags.<key>`, a key may hold dots), kept beside the request.
    const tags = this.resource.tags as ApiObject
    for (const key of this.resource.sensitivePaths) {
      if (key === 'Tags') collect(tags)
      else if (key.startsWith('Tags.')) collect(tags[key.slice(5)])
      else collect(get(this.resource.request, key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))))
    }
    // Texts this short would mangle the words around them ("v" inside "value") and hide nothing worth hiding.
    this.sensitiveTexts = [...texts].filter((t) => t.length >= MIN_HIDDEN_LENGTH).sort((a, b) => b.length - a.length)
    return this.sensitiveTexts
  }

  run(): void {
    const { request, kind } = this.resource
    const violations: Violation[] = []
    checkShape(kind.requestShape, request, (v) => violations.push(v), [], isDeferred)
    // A value that is too short or too long is not also reported for its pattern: one message per mistake.
    const lengthFailed = new Set(violations.filter((v) => v.constraint === 'length').map((v) => apiPathKey(v.path)))
    for (const v of violations) if (!(v.constraint === 'pattern' && lengthFailed.has(apiPathKey(v.path)))) this.violation(v)
    this.checkName()
    this.checkTags()
    if (kind.family === 'training') {
      this.instances(request, [])
      this.algorithm(request, ['AlgorithmSpecification'])
      this.spot(request, [])
      this.secrets(request, ['HyperParameters'])
      this.secrets(request, ['Environment'])
    } else this.tuning(request)
  }

  private violation(v: Violation): void {
    const last = v.path[v.path.length - 1]
    if (v.constraint === 'required') {
      if (v.path.length === 1 && (last === this.resource.kind.nameMember || last === 'Tags')) return
      const parent = v.path.slice(0, -1)
      if (this.resource.incomplete.has(apiPathKey(parent))) return
      const parentShape = shapeAt(this.resource.kind.requestShape, parent)
      const memberShape = structure(parentShape).members[String(last)]!.shape
      const name = memberName(parentShape, String(last), this.resource.kind.spelling)
      const isBlock = shape(memberShape).type === 'structure' || (shape(memberShape).type === 'list' && shape((shape(memberShape) as { member: { shape: string } }).member.shape).type === 'structure')
      const where = parent.length ? ` in ${manifestPath(this.resource.kind.requestShape, parent, this.resource.kind.spelling)}` : ''
      this.report(parent, isBlock ? 'Missing required block' : 'Missing required argument', `The ${isBlock ? 'block' : 'argument'} "${name}" is required${where}.`, isBlock ? `Add ${name} { ... }.` : `Add ${name} = ...`)
      return
    }
    const { manifestPath: attribute } = this.locate(v.path)
    const s = shape(v.shapeName)
    // A credential in a value is reported by its own check, without quoting it; no other message may quote it either.
    const hidden = isSensitivePath(v.path, this.resource.sensitivePaths)
    const shown = hidden ? '' : typeof v.value === 'string' ? (credentialKind(v.value) ? '' : ` ${quote(v.value)}`) : typeof v.value === 'number' && Math.abs(v.value) <= Number.MAX_SAFE_INTEGER ? ` ${formatNumber(v.value)}` : ''
    // The value is already quoted in front, so the checker's "(got ...)" would say it twice.
    const message = shown ? v.message.replace(/ \(got [^)]*\)$/, '') : v.message
    const suggestion = v.constraint === 'enum' && s.type === 'string' && s.enum && typeof v.value === 'string' && !hidden ? suggestFrom(v.value, s.enum) : undefined
    if (v.constraint === 'enum' && s.type === 'string' && s.enum && s.enum.length > ENUM_LISTING_LIMIT) {
      this.report(v.path, `Invalid value for ${attribute}`, `The value${shown} is not one of the ${s.enum.length} values SageMaker accepts for ${attribute}.`, suggestion ?? `For example: ${s.enum.slice(0, 5).join(', ')}.`)
      return
    }
    const allowed = s.type === 'string' && s.enum ? `Allowed values: ${s.enum.join(', ')}.` : undefined
    const hint = allowed ? [suggestion, allowed].filter(Boolean).join(' ') : v.constraint === 'pattern' ? patternHint(v.shapeName) : undefined
    this.report(v.path, `Invalid value for ${attribute}`, `The value${shown} ${message}.`, hint)
  }

  private checkName(): void {
    const { name, kind } = this.resource
    if (name.value instanceof Unknown) return
    const nameShape = shape(kind.nameMember) as StringShape
    const max = nameShape.max!
    const report = (detail: string, hint?: string) =>
      this.diags.error('Invalid job name', { detail, hint, range: name.range, attribute: name.kind === 'exact' ? kind.nameArgument : 'name_prefix', address: this.resource.address })
    const fromLabel = name.kind === 'prefix' && name.fromLabel === true
    if (name.kind === 'exact') {
      const violations: Violation[] = []
      checkShape(kind.nameMember, name.value, (v) => violations.push(v))
      const first = violations[0]
      if (first) report(`The ${kind.noun} name ${quote(name.value)} ${first.message}.`, first.constraint === 'pattern' ? patternHint(kind.nameMember) : undefined)
      return
    }
    const limit = max - NAME_SUFFIX_LENGTH
    const what = fromLabel ? `The default name prefix "${name.value}" (from the resource label)` : `The name_prefix "${name.value}"`
    const fix = fromLabel ? 'Set a shorter name_prefix, or pin the exact name with name.' : undefined
    if (name.value.length > limit) {
      report(`${what} is ${name.value.length} characters long. SageMaker allows ${max} for a ${kind.noun} name and sageform appends ${NAME_SUFFIX_LENGTH} (-<8 hex of the spec hash>), so a prefix can be at most ${limit}.`, fix)
    } else if (!patternRegExp(nameShape.pattern!).test(`${name.value}-00000000`)) {
      report(`${what} would make an invalid ${kind.noun} name: names use only ASCII letters, digits and hyphens, and start with a letter or digit.`, fix ?? patternHint(kind.nameMember))
    }
  }

  private checkTags(): void {
    const tags = Object.entries(this.resource.tags)
    const max = (shape('TagList').max ?? 50) - MANAGED_TAG_COUNT
    if (tags.length > max) this.report(['Tags'], 'Too many tags', `SageMaker allows ${max + MANAGED_TAG_COUNT} tags per job and sageform uses ${MANAGED_TAG_COUNT} of them, so a resource can set at most ${max}; got ${tags.length}.`)
    for (const [key, value] of tags) {
      const path = ['Tags', key]
      const keyPath = ['TagKeys', key]
      if (isReservedTag(key)) {
        this.report(keyPath, 'Reserved tag key', `Tag keys starting with "${RESERVED_TAG_PREFIX}" are set by sageform itself.`, 'Choose another key.')
      } else if (key.toLowerCase().startsWith('aws:')) {
        // AWS reserves the aws: prefix for its own tags; the service refuses user tags that use it.
        this.report(keyPath, 'Reserved tag key', 'Tag keys starting with "aws:" are reserved for AWS use.', 'Choose another key.')
      }
      checkShape('TagKey', key, (v) => this.report(keyPath, 'Invalid tag key', `The tag key "${key}" ${v.message}.`))
      if (!(value instanceof Unknown)) checkShape('TagValue', value, (v) => this.report(path, 'Invalid tag value', `The value of tag "${key}" ${v.message}.`))
    }
  }

  /**
   * "You must specify either the algorithm name to the AlgorithmName parameter or the image URI of the algorithm
   * container to the TrainingImage parameter." (AlgorithmSpecification, SageMaker API reference)
   */
  private algorithm(parent: ApiObject, path: Array<string | number>): void {
    const spec = get(parent, path)
    if (!isRecord(spec)) return
    const hasName = spec.AlgorithmName !== undefined
    const hasImage = spec.TrainingImage !== undefined
    if (hasName === hasImage) {
      this.report(path, hasName ? 'Conflicting arguments' : 'Missing algorithm', hasName ? 'Set either algorithm_name or training_image, not both.' : 'Set either algorithm_name (a SageMaker or Marketplace algorithm) or training_image (a container image URI).')
    }
  }

  /**
   * The model stopped requiring InstanceType and InstanceCount (2025) because heterogeneous clusters describe their
   * instances in InstanceGroups instead ("InstanceGroups: The configuration of a heterogeneous cluster"); a
   * resource_config without instance groups still needs an instance type and at least one instance to run on.
   */
  private instances(definition: ApiObject, path: Array<string | number>): void {
    const config = definition.ResourceConfig
    if (!isRecord(config) || config.InstanceGroups !== undefined || this.resource.incomplete.has(apiPathKey([...path, 'ResourceConfig']))) return
    if (config.InstanceType === undefined) {
      this.report([...path, 'ResourceConfig'], 'Missing instance type', 'resource_config needs an instance_type (or instance_groups for a heterogeneous cluster).', 'Add instance_type = "ml.m5.xlarge", for example.')
    }
    if (config.InstanceCount === undefined) {
      this.report([...path, 'ResourceConfig'], 'Missing instance count', 'resource_config needs an instance_count (or instance_groups for a heterogeneous cluster).', 'Add instance_count = 1.')
    } else if (config.InstanceCount === 0) {
      this.report([...path, 'ResourceConfig', 'InstanceCount'], 'No instances to train on', 'instance_count 0 is only meaningful with instance_groups (a heterogeneous cluster); a job needs at least 1 instance.')
    }
  }

  /**
   * "MaxWaitTimeInSeconds: The maximum length of time, in seconds, that a managed Spot training job has to complete.
   * ... it must be equal to or greater than MaxRuntimeInSeconds." (StoppingCondition, SageMaker API reference)
   */
  private spot(definition: ApiObject, path: Array<string | number>): void {
    const stopping = definition.StoppingCondition
    if (definition.EnableManagedSpotTraining !== true) return
    const runtime = isRecord(stopping) ? stopping.MaxRuntimeInSeconds : undefined
    const wait = isRecord(stopping) ? stopping.MaxWaitTimeInSeconds : undefined
    if (wait === undefined) {
      this.report([...path, 'StoppingCondition'], 'Missing spot wait time', 'Managed spot training needs stopping_condition { max_wait_time_in_seconds = ... }: how long to wait for spot capacity plus training.', 'Set max_wait_time_in_seconds to at least max_runtime_in_seconds.')
    } else if (typeof wait === 'number' && typeof runtime === 'number' && wait < runtime) {
      this.report([...path, 'StoppingCondition', 'MaxWaitTimeInSeconds'], 'Invalid spot wait time', `max_wait_time_in_seconds (${wait}) must be at least max_runtime_in_seconds (${runtime}).`)
    }
  }

  /**
   * "Do not include any security-sensitive information including account access IDs, secrets or tokens in any
   * hyperparameter field. If the use of security-sensitive credentials are detected, SageMaker will reject your
   * training job request and return an exception error." (CreateTrainingJob, SageMaker API reference)
   */
  private secrets(parent: ApiObject, path: Array<string | number>): void {
    const map = get(parent, path)
    if (!isRecord(map)) return
    const hint = 'Let the job read credentials from its IAM role (role_arn) or from AWS Secrets Manager at run time.'
    const why = 'SageMaker rejects jobs whose hyperparameters or environment carry credentials, and anyone who can describe the job could read it.'
    for (const [key, value] of Object.entries(map)) {
      // Neither the value nor a key that is itself a credential is ever quoted.
      const keyKind = credentialKind(key)
      if (keyKind) this.report(path, 'Credential in a plain-text field', `A key of ${this.locate(path).manifestPath} holds what looks like ${article(keyKind)} ${keyKind}. ${why}`, hint)
      const kind = typeof value === 'string' ? credentialKind(value) : undefined
      if (kind && !keyKind) this.report([...path, key], 'Credential in a plain-text field', `The value of "${key}" holds what looks like ${article(kind)} ${kind}. ${why}`, hint)
    }
  }

  private tuning(request: ApiObject): void {
    const config = request.HyperParameterTuningJobConfig
    const single = request.TrainingJobDefinition
    const multiple = request.TrainingJobDefinitions
    // "TrainingJobDefinition ... or TrainingJobDefinitions": the API takes one form or the other, never both.
    if ((single === undefined) === (multiple === undefined)) {
      this.report(single !== undefined ? ['TrainingJobDefinitions'] : [], single !== undefined ? 'Conflicting arguments' : 'Missing training job definition', single !== undefined ? 'Use either one training_job_definition block or several training_job_definitions blocks, not both.' : 'A tuning job needs a training_job_definition block (or training_job_definitions blocks for several algorithms).')
    }
    const definitions: Array<[ApiObject, Array<string | number>]> = []
    if (isRecord(single)) definitions.push([single, ['TrainingJobDefinition']])
    if (Array.isArray(multiple)) multiple.forEach((d, i) => isRecord(d) && definitions.push([d, ['TrainingJobDefinitions', i]]))
    const names = new Map<string, number>()
    for (const [definition, path] of definitions) {
      this.algorithm(definition, [...path, 'AlgorithmSpecification'])
      this.instances(definition, path)
      this.spot(definition, path)
      this.secrets(definition, [...path, 'StaticHyperParameters'])
      this.secrets(definition, [...path, 'Environment'])
      const name = definition.DefinitionName
      if (typeof name === 'string') {
        if (names.has(name)) this.report([...path, 'DefinitionName'], 'Duplicate definition name', `Another training job definition is already named "${name}".`)
        names.set(name, 1)
      }
      // A single definition takes its objective and ranges from the tuning config; several carry their own.
      const objective = path.length === 1 ? get(request, ['HyperParameterTuningJobConfig', 'HyperParameterTuningJobObjective']) : definition.TuningObjective
      const rangesPath = path.length === 1 ? ['HyperParameterTuningJobConfig', 'ParameterRanges'] : [...path, 'HyperParameterRanges']
      this.objectiveMetric(definition, path, objective)
      this.ranges(request, rangesPath, definition, path)
    }
    if (isRecord(config)) this.tuningConfig(config)
  }

  /**
   * Built-in algorithms publish their metrics; with your own image "you must define the metrics ... that you want a
   * hyperparameter tuning job to use as the objective" (Define metrics, SageMaker developer guide).
   */
  private objectiveMetric(definition: ApiObject, path: Array<string | number>, objective: ApiValue | undefined): void {
    const spec = definition.AlgorithmSpecification
    if (!isRecord(objective) || !isRecord(spec) || typeof spec.TrainingImage !== 'string' || typeof objective.MetricName !== 'string') return
    if (isBuiltInAlgorithmImage(spec.TrainingImage)) return
    const metrics = Array.isArray(spec.MetricDefinitions) ? spec.MetricDefinitions.filter(isRecord).map((m) => m.Name) : []
    if (metrics.includes(objective.MetricName)) return
    const objectivePath = path.length === 1 ? ['HyperParameterTuningJobConfig', 'HyperParameterTuningJobObjective', 'MetricName'] : [...path, 'TuningObjective', 'MetricName']
    this.report(
      objectivePath,
      'Objective metric is not defined',
      `The objective metric "${objective.MetricName}" is not among the metric_definitions of the custom image ${spec.TrainingImage}, so SageMaker could not read it from the training logs.`,
      metrics.length ? `Defined metrics: ${metrics.join(', ')}.` : 'Add algorithm_specification { metric_definitions { name = "...", regex = "..." } }.',
    )
  }

  private ranges(request: ApiObject, rangesPath: Array<string | number>, definition: ApiObject, definitionPath: Array<string | number>): void {
    const ranges = get(request, rangesPath)
    if (!isRecord(ranges)) return
    const tuned = new Set<string>()
    for (const kind of ['IntegerParameterRanges', 'ContinuousParameterRanges'] as const) {
      const list = ranges[kind]
      if (!Array.isArray(list)) continue
      list.forEach((range, i) => {
        if (!isRecord(range)) return
        if (typeof range.Name === 'string') tuned.add(range.Name)
        this.numericRange(range, [...rangesPath, kind, i], kind === 'IntegerParameterRanges')
      })
    }
    const categorical = ranges.CategoricalParameterRanges
    if (Array.isArray(categorical)) categorical.forEach((r) => isRecord(r) && typeof r.Name === 'string' && tuned.add(r.Name))
    // "Static hyperparameters ... are not tuned": a name in both lists is ambiguous and SageMaker rejects it.
    const statics = definition.StaticHyperParameters
    if (isRecord(statics)) {
      for (const key of Object.keys(statics)) {
        if (tuned.has(key)) this.report([...definitionPath, 'StaticHyperParameters', key], 'Hyperparameter is both static and tuned', `"${key}" is set in static_hyper_parameters and also has a tuning range.`, 'Remove it from one of the two.')
      }
    }
  }

  /**
   * "Logarithmic scaling works only for ranges that have only values greater than 0." "Reverse logarithmic scaling
   * works only for ranges that are entirely within the range 0<=x<1.0." It is not offered for integer ranges.
   * (IntegerParameterRange, ContinuousParameterRange, SageMaker API reference)
   */
  private numericRange(range: ApiObject, path: Array<string | number>, integer: boolean): void {
    const min = numeric(range.MinValue)
    const max = numeric(range.MaxValue)
    const label = typeof range.Name === 'string' ? `"${range.Name}"` : 'this range'
    for (const [member, value, raw] of [['MinValue', min, range.MinValue], ['MaxValue', max, range.MaxValue]] as const) {
      if (raw === undefined || raw instanceof Unknown) continue
      if (value === undefined) this.report([...path, member], 'Invalid range bound', `${snakeCase(member)} of ${label} must be a number; got "${String(raw)}".`)
      else if (integer && !Number.isInteger(value)) this.report([...path, member], 'Invalid range bound', `${snakeCase(member)} of the integer range ${label} must be a whole number; got ${formatNumber(value)}.`)
    }
    if (min === undefined || max === undefined) return
    if (min >= max) this.report([...path, 'MaxValue'], 'Empty range', `max_value (${formatNumber(max)}) of ${label} must be greater than min_value (${formatNumber(min)}).`)
    const scaling = range.ScalingType
    if (scaling === 'Logarithmic' && min <= 0) {
      this.report([...path, 'ScalingType'], 'Invalid scaling for range', `Logarithmic scaling needs every value of ${label} to be greater than 0; min_value is ${formatNumber(min)}.`, 'Use Linear, or raise min_value above 0.')
    }
    if (scaling === 'ReverseLogarithmic') {
      if (integer) this.report([...path, 'ScalingType'], 'Invalid scaling for range', `ReverseLogarithmic scaling is only for continuous ranges; ${label} is an integer range.`)
      else if (min < 0 || max >= 1) this.report([...path, 'ScalingType'], 'Invalid scaling for range', `ReverseLogarithmic scaling needs ${label} to lie within 0 <= x < 1; got ${formatNumber(min)} to ${formatNumber(max)}.`, 'Use Logarithmic or Linear for this range.')
    }
  }

  private tuningConfig(config: ApiObject): void {
    const base = ['HyperParameterTuningJobConfig']
    const limits = config.ResourceLimits
    if (isRecord(limits) && typeof limits.MaxParallelTrainingJobs === 'number' && typeof limits.MaxNumberOfTrainingJobs === 'number' && limits.MaxParallelTrainingJobs > limits.MaxNumberOfTrainingJobs) {
      // ResourceLimits: the parallel limit is a share of the total; more parallel jobs than jobs cannot run.
      this.report([...base, 'ResourceLimits', 'MaxParallelTrainingJobs'], 'Invalid resource limits', `max_parallel_training_jobs (${limits.MaxParallelTrainingJobs}) cannot exceed max_number_of_training_jobs (${limits.MaxNumberOfTrainingJobs}).`)
    }
    // "Because the Hyperband strategy has its own advanced internal early stopping mechanism,
    // TrainingJobEarlyStoppingType must be OFF to use Hyperband." (HyperParameterTuningJobConfig)
    if (config.Strategy === 'Hyperband' && config.TrainingJobEarlyStoppingType === 'Auto') {
      this.report([...base, 'TrainingJobEarlyStoppingType'], 'Early stopping conflicts with Hyperband', 'Hyperband stops poor training jobs itself, so training_job_early_stopping_type must be "Off" (the default).')
    }
    // "HyperbandStrategyConfig ... is only supported for the Hyperband selection for Strategy."
    if (config.Strategy !== 'Hyperband' && get(config, ['StrategyConfig', 'HyperbandStrategyConfig']) !== undefined && !(config.Strategy instanceof Unknown)) {
      this.report([...base, 'StrategyConfig', 'HyperbandStrategyConfig'], 'Strategy config does not match the strategy', `hyperband_strategy_config is only used with strategy = "Hyperband"; the strategy is "${String(config.Strategy)}".`)
    }
    // "Only categorical parameters are supported when using the grid search strategy." (tuning strategies guide)
    if (config.Strategy === 'Grid') {
      const ranges = get(config, ['ParameterRanges'])
      for (const kind of ['IntegerParameterRanges', 'ContinuousParameterRanges'] as const) {
        const list = isRecord(ranges) ? ranges[kind] : undefined
        if (Array.isArray(list) && list.length > 0) {
          this.report([...base, 'ParameterRanges', kind, 0], 'Grid search takes only categorical ranges', `strategy = "Grid" walks every combination of categorical values; ${snakeCase(kind)} cannot be used with it.`, 'List the values to try as categorical_parameter_ranges, or use Bayesian or Random.')
        }
      }
    }
    const hyperband = get(config, ['StrategyConfig', 'HyperbandStrategyConfig'])
    if (isRecord(hyperband) && typeof hyperband.MinResource === 'number' && typeof hyperband.MaxResource === 'number' && hyperband.MinResource > hyperband.MaxResource) {
      this.report([...base, 'StrategyConfig', 'HyperbandStrategyConfig', 'MaxResource'], 'Invalid Hyperband resources', `max_resource (${hyperband.MaxResource}) must be at least min_resource (${hyperband.MinResource}).`)
    }
  }
}

/**
 * Repository names of SageMaker's built-in algorithm images (Docker registry paths, SageMaker developer guide). Their
 * metrics are predefined, so a tuning objective need not be declared in metric_definitions.
 */
const BUILT_IN_ALGORITHM_REPOSITORIES = new Set([
  'xgboost', 'sagemaker-xgboost', 'linear-learner', 'kmeans', 'knn', 'pca', 'lda', 'ntm', 'randomcutforest',
  'factorization-machines', 'blazingtext', 'image-classification', 'object-detection', 'semantic-segmentation',
  'object2vec', 'ipinsights', 'forecasting-deepar', 'seq2seq',
])

export function isBuiltInAlgorithmImage(image: string): boolean {
  const match = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image)
  return match !== null && BUILT_IN_ALGORITHM_REPOSITORIES.has(match[1]!)
}

const article = (phrase: string) => (/^[AEIOU]/i.test(phrase) ? 'an' : 'a')

/** Long values are shortened in messages: the location already shows which value it is. */
function quote(value: string): string {
  return value.length > 80 ? `"${value.slice(0, 60)}…" (${value.length} characters)` : `"${value}"`
}

function patternHint(shapeName: string): string | undefined {
  if (shapeName === 'TrainingJobName' || shapeName === 'HyperParameterTuningJobName') return 'Use ASCII letters, digits and hyphens; start and end with a letter or digit.'
  if (shapeName === 'RoleArn') return 'An IAM role ARN looks like arn:aws:iam::123456789012:role/SageMakerRole.'
  if (shapeName === 'S3Uri') return 'An S3 location looks like s3://bucket/prefix.'
  return undefined
}

function numeric(v: ApiValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

function isRecord(v: ApiValue | undefined): v is ApiObject {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unknown)
}

function get(root: ApiObject, path: ReadonlyArray<string | number>): ApiValue | undefined {
  let cur: ApiValue | undefined = root
  for (const step of path) {
    if (Array.isArray(cur) && typeof step === 'number') cur = cur[step]
    else if (isRecord(cur)) cur = cur[String(step)]
    else return undefined
  }
  return cur
}

/** The shape name at an API path inside a request. */
function shapeAt(root: string, path: ApiPath): string {
  let current = root
  for (const step of path) {
    const s = shape(current)
    if (s.type === 'structure') current = s.members[String(step)]?.shape ?? current
    else if (s.type === 'list') current = s.member.shape
    else if (s.type === 'map') current = s.value.shape
  }
  return current
}

/** The manifest spelling of an API path: `InputDataConfig.0.ChannelName` → `input_data_config[0].channel_name`. */
export function manifestPath(root: string, path: ApiPath, spelling: Spelling = 'native'): string {
  let current = root
  let out = ''
  for (const step of path) {
    const s = shape(current)
    if (s.type === 'structure') {
      out += (out ? '.' : '') + (step === 'Tags' && current === root ? 'tags' : memberName(current, String(step), spelling))
      current = s.members[String(step)]?.shape ?? current
    } else if (s.type === 'list') {
      out += `[${step}]`
      current = s.member.shape
    } else if (s.type === 'map') {
      out += `.${step}`
      current = s.value.shape
    }
  }
  return out
}
