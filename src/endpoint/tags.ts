// AddTags, ListTags and DeleteTags on training and tuning job ARNs (matched exactly, as the service does).
import { validationError } from './errors.js'
import { pageRequest, paginate } from './listing.js'
import type { Context } from './store.js'
import type { JsonObject, Tag } from './types.js'

/** TagList allows 50 tags; a resource holds no more than that either. */
const MAX_TAGS = 50

function tagged(ctx: Context, input: JsonObject): { tags: Tag[] } {
  const arn = String(input.ResourceArn)
  const resource = ctx.store.byArn(arn)
  if (!resource) throw validationError('Resource does not exist')
  return resource
}

export function addTags(ctx: Context, input: JsonObject): JsonObject {
  const resource = tagged(ctx, input)
  const added = input.Tags as unknown as Tag[]
  const merged = new Map(resource.tags.map((t) => [t.Key, t]))
  for (const tag of added) merged.set(tag.Key, { Key: tag.Key, Value: tag.Value })
  if (merged.size > MAX_TAGS) throw validationError(`A resource can have at most ${MAX_TAGS} tags; this request would give it ${merged.size}.`)
  resource.tags = [...merged.values()]
  ctx.store.dirty = true
  return { Tags: input.Tags }
}

export function listTags(ctx: Context, input: JsonObject): JsonObject {
  const resource = tagged(ctx, input)
  const page = paginate(resource.tags, () => undefined, (t) => t.Key, pageRequest(input, `ListTags:${String(input.ResourceArn)}`, MAX_TAGS))
  return { Tags: page.items.map((t) => ({ Key: t.Key, Value: t.Value })), NextToken: page.nextToken }
}

export function deleteTags(ctx: Context, input: JsonObject): JsonObject {
  const resource = tagged(ctx, input)
  const keys = new Set(input.TagKeys as string[])
  resource.tags = resource.tags.filter((t) => !keys.has(t.Key))
  ctx.store.dirty = true
  return {}
}
