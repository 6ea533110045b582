// The three SageMaker doubles sageform's tests use, behind one driver each so test/contract.test.ts can run the same
// scenarios against all of them: the in-memory fake (SageMakerApi itself), and the product's real client against the
// local endpoint (in this process, on a real socket) and against nock. Service time moves only when a test says so.
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import { startEndpoint } from '../../src/endpoint/server.js'
import { instanceQuotaName, QUOTA } from '../../src/model/quotas.js'
import { createSageMakerClient } from '../../src/sagemaker/client.js'
import type { SageMakerApi } from '../../src/sagemaker/types.js'
import { FakeSageMaker } from './fake-sagemaker.js'
import { NockSageMaker, TRAINING_SECONDS } from './nock-sagemaker.js'

export interface SageMakerDouble {
  api: SageMakerApi
  /** For the doubles reached over the wire: an SDK client of their own, and how many requests of an operation came in. */
  wire?: { sdk: SageMakerClient; requests(operation: string): number }
  /** Lets service time pass: stops complete, tuning jobs launch training jobs and those finish. */
  elapse(seconds: number): void
  close(): Promise<void>
}

export const REGION = 'us-east-1'
const NOCK_ENDPOINT = 'https://api.sagemaker.us-east-1.amazonaws.com'
/** Never retried: each double's errors reach the test as it sent them. */
const ONE_ATTEMPT = { region: REGION, maxAttempts: 1 }
function rawClient(endpoint: string): SageMakerClient {
  // As sageform does for itself: the SDK's Node 20 deprecation notice says nothing about these tests.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new SageMakerClient({ ...ONE_ATTEMPT, endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } })
}

/** Each opens a fresh, empty double; the client ones need AWS credentials in the environment (dummyAwsEnv). */
export const DOUBLES: Record<string, () => Promise<SageMakerDouble>> = {
  'in-memory fake': async () => {
    const fake = new FakeSageMaker()
    // The fake has no clock: each elapse() is one round of a tuning job's training jobs, as long as the nock double's.
    const elapse = (seconds: number) => {
      for (let round = 0; round < Math.max(1, Math.floor(seconds / TRAINING_SECONDS)); round++) fake.elapse()
    }
    return { api: fake, elapse, close: async () => {} }
  },
  'local endpoint': async () => {
    // Enough instances for a few hundred small jobs at once; the quotas themselves are endpoint-quotas.test.ts's.
    const endpoint = await startEndpoint({ manualClock: {}, quotas: { [instanceQuotaName('ml.m5.large', false)]: 1000, [QUOTA.instancesAcrossTraining]: 1000 } })
    const sdk = rawClient(endpoint.url)
    return {
      api: createSageMakerClient({ ...ONE_ATTEMPT, endpoint: endpoint.url }),
      wire: { sdk, requests: (operation) => endpoint.callCounts()[operation] ?? 0 },
      elapse: (seconds) => endpoint.advanceClock(seconds),
      close: async () => {
        sdk.destroy()
        await endpoint.close()
      },
    }
  },
  nock: async () => {
    const service = new NockSageMaker(NOCK_ENDPOINT)
    const sdk = rawClient(NOCK_ENDPOINT)
    return {
      api: createSageMakerClient({ ...ONE_ATTEMPT, endpoint: NOCK_ENDPOINT }),
      wire: { sdk, requests: (operation) => service.ops.filter((op) => op === operation).length },
      elapse: (seconds) => service.elapse(seconds),
      close: async () => {
        sdk.destroy()
        service.close()
      },
    }
  },
}
