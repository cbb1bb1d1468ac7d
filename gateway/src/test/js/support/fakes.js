// Test doubles for the adapter: a scripted WebSocket, a manual clock, and helpers. No tests here.

/** Lets every pending promise callback and microtask run. */
export function flush() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Timers driven by hand: advance() runs what falls due, in order, letting promises settle in between. */
export class FakeClock {
  now = 1_700_000_000_000;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (fn, ms) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms ?? 0), fn, ms });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Delays (as scheduled) of the timers still pending. */
  get pending() {
    return [...this.#timers.values()].map((timer) => timer.ms);
  }

  async advance(ms) {
    const target = this.now + ms;
    for (;;) {
      await flush();
      let next = null;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && (next === null || timer.at < next[1].at)) {
          next = [id, timer];
        }
      }
      if (next === null) {
        break;
      }
      this.#timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = target;
    await flush();
  }
}

/** A WebSocket class whose sockets the test drives from the server side. */
export function fakeWebSocketClass() {
  class FakeWebSocket {
    static instances = [];

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      FakeWebSocket.instances.push(this);
    }

    static get last() {
      return FakeWebSocket.instances.at(-1);
    }

    send(text) {
      if (this.readyState !== 1) {
        throw new Error(`send() on a socket in state ${this.readyState}`);
      }
      this.sent.push(JSON.parse(text));
    }

    close(code = 1000, reason = '') {
      this.readyState = 3;
      this.closedWith = { code, reason };
    }

    // ---- the server's side ----

    accept(userId = 'alice') {
      this.readyState = 1;
      this.onopen?.({});
      this.deliver({ type: 'welcome', data: { userId, connectionId: `conn-${FakeWebSocket.instances.length}`, protocolVersion: 1 } });
    }

    deliver(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }

    /** Acks the last frame of `type` that carried an id. */
    ack(type, data = {}) {
      const frame = this.lastSent(type);
      if (!frame) {
        throw new Error(`no ${type} frame was sent; sent: ${this.sent.map((f) => f.type).join(', ')}`);
      }
      this.deliver({ type: 'ack', id: frame.id, data });
      return frame;
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }

    lastSent(type) {
      return this.sent.filter((frame) => frame.type === type).at(-1) ?? null;
    }

    sentOf(type) {
      return this.sent.filter((frame) => frame.type === type);
    }
  }
  return FakeWebSocket;
}

/** A token with the given claims (unsigned: the adapter only reads exp). */
export function fakeJwt(claims) {
  const encode = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

/** Options for connect() with every source of time and chance injected. */
export function testOptions(clock, WebSocket, extra = {}) {
  return {
    WebSocket,
    timers: { setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout },
    now: () => clock.now,
    random: () => 0.5,
    reconnectWhenOnline: false,
    fetch: null,
    ...extra,
  };
}
