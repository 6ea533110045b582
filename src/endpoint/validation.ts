// Request validation in the service's own words. The model's constraints are checked by checkShape; this module turns
// its violations into the messages SageMaker's front end (Coral) sends, e.g.
//   1 validation error detected: Value 'abc_def' at 'trainingJobName' failed to satisfy constraint: Member must satisfy
//   regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
// Paths use lowerCamelCase member names, 1-based list positions followed by `member`. Constraints on the members of
// lists and maps of scalars are reported once for the whole container, as Coral does ("Map value must satisfy
// constraint: [...]"). A value of the wrong JSON type never reaches validation there: the parser rejects it with a
// SerializationException. Members the model does not know are ignored, as the service ignores them.
import { checkShape, isScalar, shape, type ApiPath, type Shape, type Violation } from '../model/api.js'
import { ServiceError, validationError } from './errors.js'

export function validateInput(shapeName: string, input: unknown): void {
  const violations: Violation[] = []
  checkShape(shapeName, input, (v) => violations.push(v))
  const typeError = violations.find((v) => v.constraint === 'type')
  if (typeError) throw new ServiceError('SerializationException', serializationMessage(typeError))
  const messages: string[] = []
  const containers = new Set<string>()
  for (const v of violations) {
    if (v.constraint === 'member') continue
    const message = describe(shapeName, input, v, containers)
    if (message) messages.push(message)
  }
  if (messages.length > 0) throw validationErrors(messages)
}

/** Cross-field rules and the like, reported in the same "N validation errors detected" form. */
export function validationErrors(messages: string[]): ServiceError {
  const count = messages.length
  return validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${messages.join('; ')}`)
}

function describe(rootShape: string, input: unknown, v: Violation, containers: Set<string>): string | undefined {
  const segments: string[] = []
  let current = rootShape
  for (let i = 0; i < v.path.length; i++) {
    const element = v.path[i] as string | number
    const s = shape(current)
    if (s.type === 'structure') {
      segments.push(lowerFirst(String(element)))
      current = s.members[String(element)]?.shape ?? current
    } else if (s.type === 'list' && !isScalar(shape(s.member.shape))) {
      segments.push(String(Number(element) + 1), 'member')
      current = s.member.shape
    } else if (s.type === 'list' || s.type === 'map') {
      // One message per container and kind of member, listing every constraint of the member shape.
      const isKey = s.type === 'map' && v.message.startsWith('key ')
      const memberShape = s.type === 'list' ? s.member.shape : isKey ? s.key.shape : s.value.shape
      const label = s.type === 'list' ? 'Member must satisfy constraint' : isKey ? 'Map keys must satisfy constraint' : 'Map value must satisfy constraint'
      const at = segments.join('.')
      if (containers.has(`${label}@${at}`)) return undefined
      containers.add(`${label}@${at}`)
      const container = valueAt(input, v.path.slice(0, i))
      return `Value '${render(container)}' at '${at}' failed to satisfy constraint: ${label}: [${allConstraints(shape(memberShape)).join(', ')}]`
    }
  }
  const at = segments.join('.')
  if (v.constraint === 'required') return `Value null at '${at}' failed to satisfy constraint: Member must not be null`
  return `Value '${render(v.value)}' at '${at}' failed to satisfy constraint: ${failedConstraint(shape(v.shapeName), v)}`
}

function failedConstraint(s: Shape, v: Violation): string {
  switch (v.constraint) {
    case 'length':
    case 'size': {
      const length = typeof v.value === 'string' ? [...v.value].length : Array.isArray(v.value) ? v.value.length : Object.keys(v.value as object).length
      return s.min !== undefined && length < s.min ? `Member must have length greater than or equal to ${s.min}` : `Member must have length less than or equal to ${s.max}`
    }
    case 'range':
      return s.min !== undefined && (v.value as number) < s.min ? `Member must have value greater than or equal to ${s.min}` : `Member must have value less than or equal to ${s.max}`
    case 'enum':
      return `Member must satisfy enum value set: [${s.type === 'string' ? (s.enum ?? []).join(', ') : ''}]`
    case 'pattern':
      return `Member must satisfy regular expression pattern: ${s.type === 'string' ? s.pattern : ''}`
    default:
      return v.message
  }
}

function allConstraints(s: Shape): string[] {
  const out: string[] = []
  const word = s.type === 'string' ? 'length' : 'value'
  if (s.max !== undefined) out.push(`Member must have ${word} less than or equal to ${s.max}`)
  if (s.min !== undefined) out.push(`Member must have ${word} greater than or equal to ${s.min}`)
  if (s.type === 'string' && s.pattern) out.push(`Member must satisfy regular expression pattern: ${s.pattern}`)
  if (s.type === 'string' && s.enum) out.push(`Member must satisfy enum value set: [${s.enum.join(', ')}]`)
  return out
}

function serializationMessage(v: Violation): string {
  const s = shape(v.shapeName)
  if (typeof v.value === 'object' && v.value !== null) {
    return Array.isArray(v.value) ? 'Start of list found where not expected' : 'Start of structure or map found where not expected.'
  }
  const kind = typeof v.value === 'string' ? 'STRING_VALUE' : typeof v.value === 'boolean' ? 'BOOLEAN_VALUE' : 'NUMBER_VALUE'
  const target = s.type === 'string' ? 'a String' : s.type === 'boolean' ? 'a Boolean' : s.type === 'timestamp' ? 'a Timestamp' : `an ${capitalize(s.type)}`
  return `${kind} can not be converted to ${target}`
}

function valueAt(root: unknown, path: ApiPath): unknown {
  let value = root
  for (const element of path) value = (value as Record<string | number, unknown>)[element]
  return value
}

/** Java's toString of the value, which is what Coral quotes. */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${render(v)}`).join(', ')}}`
  }
  return String(value)
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
