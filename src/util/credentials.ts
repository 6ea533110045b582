// Credentials that must never reach a job's plain-text fields or a terminal: found anywhere inside a text (after `=`
// or `:`, inside JSON, glued to other characters), so a reviewer can trust that a refused value is never echoed.

export type CredentialKind = 'AWS access key id' | 'AWS secret access key' | 'GitHub token' | 'Slack token' | 'private key'

interface Found {
  kind: CredentialKind
  start: number
  end: number
}

/**
 * Patterns of the issuers' documented formats. Access key ids are 20 characters from a fixed set of four-letter
 * prefixes ("Understanding unique ID prefixes", IAM user guide), so they are found even inside a longer word.
 */
const PATTERNS: Array<{ kind: CredentialKind; pattern: RegExp }> = [
  { kind: 'AWS access key id', pattern: /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}/g },
  // GitHub: ghp_/gho_/ghu_/ghs_/ghr_ and 36 base62 characters; fine-grained tokens start github_pat_.
  { kind: 'GitHub token', pattern: /gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}/g },
  // Slack: bot, user, app-level, refresh and legacy tokens, and incoming-webhook URLs (their path is the secret).
  { kind: 'Slack token', pattern: /xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g },
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
]

/**
 * A secret access key is 40 base64 characters. Any run of exactly 40 (a longer run is data, such as a hash or an
 * encoded blob) that mixes lower case, upper case and digits and is not hex counts: `=`, `:`, quotes, NUL (as in
 * /proc/self/environ) and `_` all end a run, so the key is found after `AWS_SECRET_ACCESS_KEY=` or inside JSON.
 */
function secretKeys(text: string): Found[] {
  const out: Found[] = []
  for (const m of text.matchAll(/[A-Za-z0-9/+]{40,}/g)) {
    const run = m[0]
    // A trailing `=` is base64 padding: the run is encoded data, not a key.
    if (run.length !== 40 || text[m.index + 40] === '=') continue
    if (/[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run) && !/^[0-9a-fA-F]+$/.test(run)) out.push({ kind: 'AWS secret access key', start: m.index, end: m.index + 40 })
  }
  return out
}

/** The shortest text any pattern above matches: a Slack token, `xoxb-` and 10 characters. */
const SHORTEST = 15

/** Every credential in a text, in order of position. */
export function findCredentials(text: string): Found[] {
  // Most texts checked (hyperparameters, tag values) are shorter: no need to run the six patterns over them.
  if (text.length < SHORTEST) return []
  const found = [...secretKeys(text)]
  for (const { kind, pattern } of PATTERNS) {
    for (const m of text.matchAll(pattern)) found.push({ kind, start: m.index, end: m.index + m[0].length })
  }
  return found.sort((a, b) => a.start - b.start)
}

export function credentialKind(text: string): CredentialKind | undefined {
  return findCredentials(text)[0]?.kind
}

/** The text with every credential replaced by `***`, for printing a line that holds one. */
export function redactCredentials(text: string): string {
  let out = ''
  let from = 0
  for (const f of findCredentials(text)) {
    if (f.start < from) continue
    out += text.slice(from, f.start) + '***'
    from = f.end
  }
  return out + text.slice(from)
}
