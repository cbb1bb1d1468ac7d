/**
 * Keeps a connection's token fresh: shortly before the current token's `exp` it fetches a new one with getToken
 * and sends it with `auth:refresh` (the gateway checks it has the same `sub`). Shortly before means the
 * margin (60 s by default) or a fifth of the remaining lifetime, whichever is shorter; a failed refresh is tried
 * again before the token runs out.
 */
import { GatewayError } from './errors.js';
import { jwtExpiry } from './jwt.js';

const MAX_TIMER = 2_147_483_647;

export class TokenRefresher {
  #timers;
  #now;
  #margin;
  #getToken;
  #send;
  #onRefreshed;
  #onError;
  #token = null;
  #timer = null;
  #generation = 0;

  /**
   * @param {{timers: object, now: () => number, margin: number, getToken: () => Promise<string>,
   *     send: (token: string) => Promise<{exp?: number}>, onRefreshed: (exp: number|null) => void,
   *     onError: (error: Error) => void}} options
   */
  constructor({ timers, now, margin, getToken, send, onRefreshed, onError }) {
    this.#timers = timers;
    this.#now = now;
    this.#margin = margin;
    this.#getToken = getToken;
    this.#send = send;
    this.#onRefreshed = onRefreshed;
    this.#onError = onError;
  }

  /** Starts over for a new connection made with `token`. */
  start(token) {
    this.stop();
    this.#token = token;
    this.#schedule(jwtExpiry(token));
  }

  /** Cancels the next refresh, and ignores the outcome of one under way. */
  stop() {
    this.#generation += 1;
    if (this.#timer !== null) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #schedule(exp) {
    if (exp === null) {
      return;
    }
    const remaining = exp * 1000 - this.#now();
    const margin = Math.min(this.#margin, Math.max(remaining, 0) / 5);
    this.#later(Math.max(remaining - margin, 1_000));
  }

  #later(delay) {
    const generation = this.#generation;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#refresh(generation);
    }, Math.min(delay, MAX_TIMER));
  }

  async #refresh(generation) {
    try {
      const token = await this.#getToken();
      const ack = await this.#send(token);
      if (generation !== this.#generation) {
        return;
      }
      this.#token = token;
      const exp = Number.isFinite(ack?.exp) ? ack.exp : jwtExpiry(token);
      this.#onRefreshed(exp);
      this.#schedule(exp);
    } catch (error) {
      if (generation !== this.#generation) {
        return;
      }
      this.#onError(error instanceof GatewayError ? error
        : new GatewayError('unavailable', `token refresh failed: ${error?.message ?? error}`));
      const exp = jwtExpiry(this.#token);
      const remaining = exp === null ? 60_000 : exp * 1000 - this.#now();
      this.#later(Math.min(Math.max(remaining / 4, 1_000), 30_000));
    }
  }
}
