// Module resolution hook for track-modules.mjs (runs on the loader thread).
import { appendFileSync } from 'node:fs'

const WATCHED = /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (WATCHED.test(resolved.url)) appendFileSync(process.env.SAGEFORM_TRACK_MODULES, `${resolved.url}\n`)
  return resolved
}
