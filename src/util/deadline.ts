/**
 * Runs `work` with an abort signal; once `ms` have passed the signal aborts and the promise rejects with `expired()`,
 * whether or not the work honours the signal. For look-ups a plan can go on without (prices, quotas).
 */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, expired: () => Error): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(expired())
    }, ms)
  })
  const running = work(controller.signal)
  // Whichever loses the race must not surface as an unhandled rejection.
  running.catch(() => undefined)
  try {
    return await Promise.race([running, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
