/**
 * Which transport the next connection attempt uses, and the way back to the WebSocket.
 *
 * The WebSocket comes first. An attempt that ends before its `welcome` (the socket cannot be opened, a proxy
 * refuses it, no welcome in time) makes the next attempt use the other transport, so a blocked network gets
 * to HTTP after one failure and an HTTP attempt that fails goes back to trying the socket. While on HTTP, a
 * probe socket is opened now and then (backoff with jitter, never at once); when one is welcomed, the client
 * reconnects over WebSocket at a safe point: when no request waits for its answer. The switch is a reconnect
 * like any other: rooms re-join with `since`, so nothing is lost, and their seq tracking drops what repeats.
 */

const KNOWN = ['websocket', 'http'];
const SAFE_POINT_CHECK = 250;
const SAFE_POINT_TRIES = 40;

export class TransportChoice {
  #allowed;
  #current;
  #timers;
  #random;
  #retry;
  #connectTimeout;
  #openProbe;
  #atSafePoint;
  #moveBack;
  #timer = null;
  #attempt = 0;
  #probe = null;
  #stopped = false;

  /**
   * @param {{transports: string[], httpAvailable: boolean, timers, random: () => number,
   *     retry: {base: number, max: number}, connectTimeout: number, openProbe: () => WebSocket,
   *     atSafePoint: () => boolean, moveBack: () => void}} settings
   */
  constructor({ transports, httpAvailable, timers, random, retry, connectTimeout, openProbe, atSafePoint, moveBack }) {
    if (!Array.isArray(transports) || transports.length === 0 || transports.some((t) => !KNOWN.includes(t))) {
      throw new TypeError(
        `transports: expected a non-empty list of ${KNOWN.join(', ')}, got ${JSON.stringify(transports)}`);
    }
    // HTTP needs fetch with streamed bodies; without it, the socket is all there is.
    this.#allowed = transports.filter((t) => t !== 'http' || httpAvailable);
    if (this.#allowed.length === 0) {
      throw new TypeError('transports: only http was allowed, and there is no fetch here; pass options.fetch');
    }
    this.#current = this.#allowed[0];
    this.#timers = timers;
    this.#random = random;
    this.#retry = retry;
    this.#connectTimeout = connectTimeout;
    this.#openProbe = openProbe;
    this.#atSafePoint = atSafePoint;
    this.#moveBack = moveBack;
  }

  /** The transport for the next attempt. */
  next() {
    return this.#current;
  }

  /** A connection over `transport` was welcomed. */
  welcomed(transport) {
    this.#current = transport;
    if (transport === 'http' && this.#allowed.includes('websocket')) {
      this.#schedule();
    } else {
      this.#cancel();
      this.#attempt = 0;
    }
  }

  /** A connection over `transport` ended; `welcomed` says whether it had got its welcome. */
  failed(transport, welcomed) {
    this.#cancel();
    if (!welcomed) {
      const other = this.#allowed.find((t) => t !== transport);
      if (other) {
        this.#current = other;
      }
    }
  }

  stop() {
    this.#stopped = true;
    this.#cancel();
  }

  #schedule() {
    if (this.#stopped || this.#timer !== null || this.#probe !== null) {
      return;
    }
    // Equal jitter: half the capped exponential plus a random half, so a probe never comes at once.
    const ceiling = Math.min(this.#retry.max, this.#retry.base * 2 ** Math.min(this.#attempt, 20));
    const delay = Math.floor(ceiling / 2 + this.#random() * (ceiling / 2));
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#runProbe();
    }, delay);
  }

  #runProbe() {
    if (this.#stopped || this.#current !== 'http') {
      return;
    }
    let probe;
    try {
      probe = this.#openProbe();
    } catch {
      this.#attempt += 1;
      this.#schedule();
      return;
    }
    this.#probe = probe;
    const finish = (welcomed) => {
      if (this.#probe !== probe) {
        return;
      }
      this.#probe = null;
      this.#timers.clearTimeout(timeout);
      probe.onmessage = null;
      probe.onclose = null;
      probe.onerror = null;
      try {
        probe.close(1000, 'probe');
      } catch {
        // already closing
      }
      if (welcomed) {
        this.#attempt = 0;
        this.#awaitSafePoint(0);
      } else {
        this.#attempt += 1;
        this.#schedule();
      }
    };
    const timeout = this.#timers.setTimeout(() => finish(false), this.#connectTimeout);
    probe.onmessage = (event) => {
      try {
        finish(JSON.parse(event.data)?.type === 'welcome');
      } catch {
        finish(false);
      }
    };
    probe.onclose = () => finish(false);
    probe.onerror = () => {};
  }

  #awaitSafePoint(tries) {
    if (this.#stopped || this.#current !== 'http') {
      return;
    }
    if (this.#atSafePoint()) {
      this.#current = 'websocket';
      this.#moveBack();
      return;
    }
    if (tries >= SAFE_POINT_TRIES) {
      this.#schedule();
      return;
    }
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#awaitSafePoint(tries + 1);
    }, SAFE_POINT_CHECK);
  }

  #cancel() {
    if (this.#timer !== null) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
    const probe = this.#probe;
    this.#probe = null;
    if (probe) {
      probe.onmessage = null;
      probe.onclose = null;
      probe.onerror = null;
      try {
        probe.close(1000, 'probe');
      } catch {
        // already closing
      }
    }
  }
}
