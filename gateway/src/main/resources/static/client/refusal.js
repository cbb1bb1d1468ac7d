/**
 * Why a WebSocket upgrade failed. Browsers hide the HTTP status of a refused upgrade (the socket just closes with
 * 1006, exactly as when the network is down), so after a socket that never opened the adapter asks the same URL
 * with a plain GET: the gateway refuses it with the same status and JSON reason (`{"error","message"}`) as the
 * upgrade. A 401 is a refused token; a 503 is a gateway that cannot verify tokens right now (its key server is
 * down, or it is shutting down): retry after its `Retry-After`. Anything else (no answer, a CORS refusal, another
 * status) tells nothing, and the adapter reconnects as after any drop.
 */

/**
 * @param {Function|undefined} fetchFn `fetch`, or undefined where there is none
 * @param {string} url the socket URL, token included
 * @param {number} timeout ms before giving up on the probe
 * @param {{setTimeout: Function, clearTimeout: Function}} timers
 * @returns {Promise<{status: 401, message: string} | {status: 503, message: string, retryAfter: number} | null>}
 *     the refusal (`retryAfter` in ms, 0 when the gateway named none), or null when nothing is known
 */
export async function upgradeRefusal(fetchFn, url, timeout, timers) {
  if (typeof fetchFn !== 'function') {
    return null;
  }
  let timer;
  const gaveUp = new Promise((resolve) => {
    timer = timers.setTimeout(() => resolve(null), timeout);
  });
  const asked = (async () => {
    try {
      const response = await fetchFn(url.replace(/^ws(s?):/i, 'http$1:'), { cache: 'no-store', credentials: 'omit' });
      const status = response?.status;
      if (status !== 401 && status !== 503) {
        return null;
      }
      let message = '';
      try {
        const body = await response.json();
        message = typeof body?.message === 'string' ? body.message : '';
      } catch {
        // a refusal without the gateway's JSON body: still a refusal
      }
      return status === 401 ? { status, message } : { status, message, retryAfter: retryAfterMs(response) };
    } catch {
      return null;
    }
  })();
  try {
    return await Promise.race([asked, gaveUp]);
  } finally {
    timers.clearTimeout(timer);
  }
}

/** `Retry-After` in delay-seconds (the form the gateway sends), in ms; 0 when absent or unreadable. */
function retryAfterMs(response) {
  const value = response.headers?.get?.('Retry-After');
  const seconds = Number.parseInt(value ?? '', 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
