/**
 * The reconnect policy, written once: what each close code means for the client, and how long it waits
 * before the next attempt.
 */

/** Close codes the gateway uses (plus 1006, which the browser reports when the socket just dropped). */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TIMEOUT: 4000,
  SLOW_CONSUMER: 4008,
  TOO_MANY_CONNECTIONS: 4009,
  RATE_LIMIT_EXCEEDED: 4029,
});

/**
 * What to do after the socket closed with `code`:
 * - `reconnect`: reconnect with backoff and resume (1001 shutdown, 1006 dropped, 1011, 4000 timeout,
 *   4008 slow consumer, and any code not listed here);
 * - `reconnect-slowly`: the same after the longer rate-limit delay (4029);
 * - `fresh-token`: reconnect only if a fresh token can be fetched with getToken (1008: token expired or revoked);
 * - `stop`: do not reconnect (1000 normal close, 1009 frame too big, 4009 too many connections).
 */
export function closePolicy(code) {
  switch (code) {
    case CloseCode.NORMAL:
    case CloseCode.TOO_BIG:
    case CloseCode.TOO_MANY_CONNECTIONS:
      return 'stop';
    case CloseCode.POLICY_VIOLATION:
      return 'fresh-token';
    case CloseCode.RATE_LIMIT_EXCEEDED:
      return 'reconnect-slowly';
    default:
      return 'reconnect';
  }
}

/**
 * Backoff defaults, in milliseconds: the n-th retry (from 0) waits a random time in [0, min(max, base * 2^n));
 * after a 4029 close the wait is `rateLimited` plus that.
 */
export const DEFAULT_BACKOFF = Object.freeze({ base: 500, max: 10_000, rateLimited: 15_000 });

/**
 * Exponential backoff with full jitter (uniform between 0 and the capped exponential): spreads the reconnects of
 * many clients after a gateway restart instead of having them arrive in waves.
 *
 * @param {number} attempt retries so far, from 0
 * @param {{base: number, max: number}} backoff
 * @param {() => number} random uniform in [0, 1)
 */
export function backoffDelay(attempt, backoff = DEFAULT_BACKOFF, random = Math.random) {
  const base = backoff.base ?? DEFAULT_BACKOFF.base;
  const max = backoff.max ?? DEFAULT_BACKOFF.max;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}

/** The wait before reconnect attempt `attempt` after a close that asked for `policy`. */
export function reconnectDelay(policy, attempt, backoff = DEFAULT_BACKOFF, random = Math.random) {
  const jitter = backoffDelay(attempt, backoff, random);
  return policy === 'reconnect-slowly' ? (backoff.rateLimited ?? DEFAULT_BACKOFF.rateLimited) + jitter : jitter;
}
