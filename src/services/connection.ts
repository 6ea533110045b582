// The SageMaker client for a command: flags override the provider block, which overrides the SDK's default chain
// (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SAGEMAKER, SSO...). The SDK is imported only here, and only when needed.
import type { Diagnostics } from '../diagnostics/index.js'
import type { ProviderSettings } from '../model/types.js'
import type { SageMakerApi } from '../sagemaker/types.js'

export interface ConnectionOptions {
  region?: string
  profile?: string
}

export async function connect(options: ConnectionOptions, provider: ProviderSettings, diags: Diagnostics): Promise<SageMakerApi | undefined> {
  const { createSageMakerClient } = await import('../sagemaker/client.js')
  try {
    return createSageMakerClient({ region: options.region ?? provider.region, profile: options.profile ?? provider.profile, endpoint: provider.endpoint })
  } catch (error) {
    diags.error('Cannot connect to SageMaker', { detail: (error as Error).message })
    return undefined
  }
}
