// `sageform local-endpoint`: SageMaker's wire protocol on 127.0.0.1, for trying sageform (and CI pipelines) with no
// AWS account.
import { startEndpoint, type Endpoint, type EndpointOptions } from '../endpoint/server.js'

export type LocalEndpointOptions = EndpointOptions

export function serveLocalEndpoint(options: LocalEndpointOptions): Promise<Endpoint> {
  return startEndpoint(options)
}
