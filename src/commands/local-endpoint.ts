import { Flags } from '@oclif/core'
import { BaseCommand } from './base.js'

export default class LocalEndpointCommand extends BaseCommand {
  static override enableJsonFlag = false
  static override summary = 'Serve a local SageMaker-compatible endpoint on 127.0.0.1 (no AWS account needed).'
  static override description = `Speaks SageMaker's JSON 1.1 protocol for training and tuning jobs, so the AWS SDK, the AWS CLI and sageform work against it unchanged. Jobs advance through SageMaker's real statuses on a clock you can speed up; tuning jobs launch training jobs per their strategy. It also serves the jobs' CloudWatch Logs (DescribeLogStreams, GetLogEvents, FilterLogEvents): sageform logs reads them from it when AWS_ENDPOINT_URL_SAGEMAKER points at it; other clients need AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=<printed URL>. And it serves the Service Quotas API for SageMaker's training quotas (ListServiceQuotas, GetServiceQuota, RequestServiceQuotaIncrease, approved at once), enforcing them on Create with SageMaker's ResourceLimitExceeded; set values with --quota or --quota-file.

Failure simulation: --fail-training-jobs GLOB makes the training jobs it names fail part way through training (as does SAGEFORM_SIMULATE_FAILURE=<reason> in a job's environment); --throttle-rate and --error-rate answer that share of requests with 400 ThrottlingException or 500 InternalFailure (the request then has no effect), --latency delays every response, and --seed makes the same sequence of requests fail the same way.

Point clients at it with AWS_ENDPOINT_URL_SAGEMAKER=<printed URL> and any dummy credentials (AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1). Stops on Ctrl-C or SIGTERM.`
  static override examples = ['<%= config.bin %> local-endpoint --port 4566 --data-dir .sageform-local --time-scale 60', '<%= config.bin %> local-endpoint --throttle-rate 0.2 --error-rate 0.05 --latency 50 --seed 7', "<%= config.bin %> local-endpoint --fail-training-jobs 'broken-*'"]
  static override flags = {
    port: Flags.integer({ description: 'Port on 127.0.0.1 (0: any free port).', default: 0, min: 0, max: 65535 }),
    'data-dir': Flags.string({ description: 'Keep the endpoint\'s jobs here across restarts (default: in memory).' }),
    'time-scale': Flags.string({ description: 'Simulated seconds per real second.', default: '1' }),
    latency: Flags.integer({ description: 'Milliseconds added to every response.', default: 0, min: 0 }),
    'throttle-rate': Flags.string({ description: 'Share of requests answered with 400 ThrottlingException, unserved (0..1).', default: '0' }),
    'error-rate': Flags.string({ description: 'Share of requests answered with 500 InternalFailure, unserved (0..1).', default: '0' }),
    'fail-training-jobs': Flags.string({ description: 'Training jobs whose name matches this glob (* and ?; tuning jobs\' own included) fail part way through training with an AlgorithmError (repeatable).', multiple: true }),
    seed: Flags.integer({ description: 'Seed for the fault draws: the same seed and requests fail the same way.', default: 1 }),
    quota: Flags.string({ description: 'Set a SageMaker quota, by Service Quotas name or code: \'ml.p3.2xlarge for training job usage=0\' (repeatable).', multiple: true }),
    'quota-file': Flags.string({ description: 'SageMaker quotas from a JSON object of quota name (or code) to value; --quota wins.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalEndpointCommand)
    const number = (name: string, text: string, max = Infinity) => {
      const n = Number(text)
      if (!Number.isFinite(n) || n < 0 || n > max) this.error(`--${name} must be a number${max === 1 ? ' from 0 to 1' : ' of 0 or more'}; got "${text}".`, { exit: 1 })
      return n
    }
    const positive = (name: string, text: string) => {
      const n = number(name, text)
      if (n === 0) this.error(`--${name} must be greater than 0; got "${text}".`, { exit: 1 })
      return n
    }
    const { serveLocalEndpoint } = await import('../services/local-endpoint.js')
    const endpoint = await serveLocalEndpoint({
      quota: flags.quota,
      quotaFile: flags['quota-file'],
      port: flags.port,
      dataDir: flags['data-dir'],
      timeScale: positive('time-scale', flags['time-scale']),
      latencyMs: flags.latency,
      throttleRate: number('throttle-rate', flags['throttle-rate'], 1),
      errorRate: number('error-rate', flags['error-rate'], 1),
      seed: flags.seed,
      failTrainingJobs: flags['fail-training-jobs'],
    }).catch((error: Error) => this.error(error.message, { exit: 1 }))
    // One parsable line first, so scripts can read the URL from stdout.
    this.log(endpoint.url)
    this.logToStderr(`SageMaker endpoint listening. Use: AWS_ENDPOINT_URL_SAGEMAKER=${endpoint.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await endpoint.close()
  }
}
