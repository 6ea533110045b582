// The SageMaker client for a command: flags override the provider block, which overrides the SDK's default chain
// (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SAGEMAKER, SSO...). The SDK is imported only here, and only when needed.
import type { Diagnostics } from '../../diagnostics/index.js'
import type { ProviderSettings } from '../../model/types.js'
import type { LogsApi } from '../../sagemaker/logs.js'
import type { SageMakerApi } from '../../sagemaker/types.js'

export interface ConnectionOptions {
  region?: string
  profile?: string
}

export async function connect(options: ConnectionOptions, provider: ProviderSettings, diags: Diagnostics): Promise<SageMakerApi | undefined> {
  const { createSageMakerClient } = await import('../../sagemaker/client.js')
  try {
    return createSageMakerClient(clientOptions(options, provider))
  } catch (error) {
    diags.error('Cannot connect to SageMaker', { detail: (error as Error).message })
    return undefined
  }
}

/** What the SageMaker client is built from: each setting from the flags, else the provider block, else (absent) the SDK's chain. */
export function clientOptions(options: ConnectionOptions, provider: ProviderSettings): ProviderSettings {
  return { region: options.region ?? provider.region, profile: options.profile ?? provider.profile, endpoint: provider.endpoint }
}

/**
 * Whether the provider block changes the client the flags alone give: a client made before the configuration was read
 * (the refresh worker's, services/setup/refresh.ts) is then not the one this run must use.
 */
export function providerChangesClient(options: ConnectionOptions, provider: ProviderSettings): boolean {
  const alone = clientOptions(options, {})
  const given = clientOptions(options, provider)
  return (alone.region || undefined) !== (given.region || undefined) || alone.profile !== given.profile || alone.endpoint !== given.endpoint
}

/**
 * The CloudWatch Logs client for reading job logs, configured like the SageMaker one. Its endpoint is the SDK's choice
 * (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, then AWS_ENDPOINT_URL, then the shared config file) unless logsEndpoint() finds
 * that SageMaker itself is the local endpoint, which serves the logs too.
 */
export async function connectLogs(options: ConnectionOptions, provider: ProviderSettings, env: NodeJS.ProcessEnv = process.env): Promise<LogsApi> {
  const { createLogsClient } = await import('../../sagemaker/logs-client.js')
  return createLogsClient({ region: options.region ?? provider.region, profile: options.profile ?? provider.profile, endpoint: logsEndpoint(provider.endpoint, env) })
}

/**
 * When SageMaker is reached on this machine (the provider block's endpoint, else AWS_ENDPOINT_URL_SAGEMAKER, on
 * 127.0.0.1, localhost or [::1]) and nothing names a Logs endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, AWS_ENDPOINT_URL),
 * the logs are read from that same endpoint: `sageform local-endpoint` serves both. Otherwise undefined, and the SDK
 * decides. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true makes the SDK ignore the variables, and so this does too.
 */
export function logsEndpoint(sagemakerEndpoint: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return sharedLocalEndpoint(sagemakerEndpoint, env, 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS')
}

/** The same rule for the Service Quotas API, which `sageform local-endpoint` serves too. */
export function quotasEndpoint(sagemakerEndpoint: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return sharedLocalEndpoint(sagemakerEndpoint, env, 'AWS_ENDPOINT_URL_SERVICE_QUOTAS')
}

function sharedLocalEndpoint(sagemakerEndpoint: string | undefined, env: NodeJS.ProcessEnv, serviceVariable: string): string | undefined {
  const ignoreVariables = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true'
  if (!ignoreVariables && (env[serviceVariable] || env.AWS_ENDPOINT_URL)) return undefined
  const candidate = sagemakerEndpoint || (ignoreVariables ? undefined : env.AWS_ENDPOINT_URL_SAGEMAKER)
  return candidate && isLoopback(candidate) ? candidate : undefined
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  } catch {
    return false
  }
}
