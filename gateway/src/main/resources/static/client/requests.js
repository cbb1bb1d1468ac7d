/**
 * Frames on their way out: requests waiting for their `ack` or `error` (correlated by id, each with a timeout),
 * and frames queued while the client is offline.
 */
import { GatewayError } from './errors.js';

const MAX_TIMER = 2_147_483_647;

/** The requests sent or queued and not answered yet. */
export class PendingRequests {
  #timers;
  #entries = new Map();
  #nextId = 1;

  constructor(timers) {
    this.#timers = timers;
  }

  /**
   * Registers a request and starts its timeout (none when `timeout` is 0 or not finite); returns its entry
   * `{id, frame, sent}`. On timeout it is forgotten, `onTimeout` runs, and it rejects with `timeout`.
   *
   * @param {(id: string) => object} frameFor builds the frame that carries the id
   */
  add(frameFor, timeout, resolve, reject, onTimeout) {
    const id = `c-${this.#nextId++}`;
    const entry = { id, frame: frameFor(id), resolve, reject, timer: null, sent: false };
    if (timeout > 0 && Number.isFinite(timeout)) {
      entry.timer = this.#timers.setTimeout(() => {
        this.settle(id);
        onTimeout(entry);
        reject(new GatewayError('timeout', `${entry.frame.type}: no answer within ${timeout} ms`));
      }, Math.min(timeout, MAX_TIMER));
    }
    this.#entries.set(id, entry);
    return entry;
  }

  /** Removes the request with this id and stops its timer; returns it, or null if it is not pending. */
  settle(id) {
    const entry = this.#entries.get(id);
    if (!entry) {
      return null;
    }
    this.#entries.delete(id);
    if (entry.timer !== null) {
      this.#timers.clearTimeout(entry.timer);
    }
    return entry;
  }

  /** Whether a request that went out is still waiting for its answer. */
  get anySent() {
    for (const entry of this.#entries.values()) {
      if (entry.sent) {
        return true;
      }
    }
    return false;
  }

  /** Rejects every request that went out on the socket that just closed; queued ones keep waiting. */
  failSent(errorFor) {
    for (const entry of [...this.#entries.values()]) {
      if (entry.sent) {
        this.settle(entry.id);
        entry.reject(errorFor(entry));
      }
    }
  }

  failAll(errorFor) {
    for (const entry of [...this.#entries.values()]) {
      this.settle(entry.id);
      entry.reject(errorFor(entry));
    }
  }
}

/** Frames waiting for the connection, in order. */
export class SendQueue {
  #entries = [];

  push(entry) {
    this.#entries.push(entry);
  }

  remove(entry) {
    const index = this.#entries.indexOf(entry);
    if (index >= 0) {
      this.#entries.splice(index, 1);
    }
  }

  /** Takes every queued entry, oldest first. */
  drain() {
    return this.#entries.splice(0);
  }

  clear() {
    this.#entries.length = 0;
  }
}
