/**
 * The HTTP fallback transport, shaped like a WebSocket (onopen, onmessage, onclose, send, close) so that the
 * client runs it exactly as a socket: the same welcome, the same close codes, the same reconnect and resume.
 *
 * Down: a fetch-based reader of the session's Server-Sent Events (fetch can send the Authorization header,
 * EventSource cannot), resumed with Last-Event-ID after a drop, so nothing is lost or repeated; if the stream
 * yields nothing at all (a proxy buffers it), long-polls of the same events. Up: one POST at a time, frames
 * batched while one is in flight, each POST numbered so that a retry after a network error runs nothing twice.
 * At most two requests are open per session (the reader and one POST), well within a browser's six per host.
 *
 * The wire is section 11 of the protocol README.
 */
import { backoffDelay } from './reconnect.js';

const READY_CONNECTING = 0;
const READY_OPEN = 1;
const READY_CLOSED = 3;

/** Defaults, in milliseconds. */
export const HTTP_DEFAULTS = Object.freeze({
  /** A stream that gives not one byte within this (not even its opening comment) is buffered: long-poll instead. */
  streamWait: 5_000,
  /** Acknowledge received events after this many, or this long after the first unacknowledged one. */
  ackEvery: 32,
  ackDelay: 1_000,
  /** Retries of the reader and of a POST, with jitter; past `maxRetries` in a row the session counts as lost. */
  retry: Object.freeze({ base: 250, max: 5_000 }),
  maxRetries: 6,
  requestTimeout: 15_000,
});

/** `/ws` → `http(s)://host/ws/http/sessions`, against the page; ws(s) becomes http(s). */
export function sessionsUrl(url) {
  const base = globalThis.location?.href;
  const target = base ? new URL(url, base) : new URL(url);
  if (target.protocol === 'ws:') {
    target.protocol = 'http:';
  } else if (target.protocol === 'wss:') {
    target.protocol = 'https:';
  }
  target.search = '';
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/http/sessions`;
  return target.toString();
}

export class HttpSocket {
  readyState = READY_CONNECTING;
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  /** Which transport this is, for the client's `transport` property. */
  transport = 'http';

  #base;
  #token;
  #fetch;
  #timers;
  #random;
  #options;
  #session = null;
  #heartbeat = 15_000;
  #lastEventId = 0;
  #ackedId = 0;
  #ackTimer = null;
  #mode = 'stream';
  #reader = null;
  #readerRetries = 0;
  #watchdog = null;
  #outgoing = [];
  #posting = false;
  #batch = 0;

  /**
   * @param {string} url the client's WebSocket URL (`/ws`); the sessions live under it
   * @param {string} token sent in the Authorization header of every request, never in a URL
   */
  constructor(url, token, { fetch, timers, random = Math.random, options = {} }) {
    this.#base = sessionsUrl(url);
    this.#token = token;
    this.#fetch = fetch;
    this.#timers = timers;
    this.#random = random;
    this.#options = { ...HTTP_DEFAULTS, ...options };
    this.#start();
  }

  /** The refreshed token, for later requests: the session itself took it as an `auth:refresh` frame. */
  useToken(token) {
    this.#token = token;
  }

  /** Whether events are read as a stream or by long-polling. */
  get mode() {
    return this.#mode;
  }

  send(text) {
    if (this.readyState !== READY_OPEN) {
      throw new Error(`send() on an HTTP session in state ${this.readyState}`);
    }
    this.#outgoing.push(text);
    this.#flush();
  }

  /** Ends the session: the gateway is told with a DELETE, nothing more is read or sent. */
  close() {
    if (this.readyState === READY_CLOSED) {
      return;
    }
    const session = this.#session;
    this.#stop();
    if (session) {
      this.#request(`${this.#base}/${session}`, { method: 'DELETE', keepalive: true }).catch(() => {});
    }
  }

  // ---- opening ----

  async #start() {
    let response;
    try {
      response = await this.#request(this.#base, { method: 'POST' });
    } catch (error) {
      this.#lost(1006, `cannot open an HTTP session: ${error?.message ?? error}`);
      return;
    }
    if (this.readyState === READY_CLOSED) {
      return;
    }
    if (response.status !== 201) {
      // 401 and 403 are the upgrade's refusals: the client reads them as it reads a refused upgrade.
      this.#lost(1006, `the gateway answered ${response.status} to opening an HTTP session`);
      return;
    }
    const opened = await response.json();
    this.#session = opened.session;
    this.#heartbeat = opened.heartbeatMs ?? this.#heartbeat;
    this.readyState = READY_OPEN;
    this.onopen?.({});
    this.#read();
  }

  // ---- down ----

  #read() {
    if (this.readyState !== READY_OPEN) {
      return;
    }
    if (this.#mode === 'stream') {
      this.#stream();
    } else {
      this.#poll();
    }
  }

  async #stream() {
    const controller = new AbortController();
    this.#reader = controller;
    let received = false;
    // Not a byte, not even the opening comment: something between buffers the stream. Poll instead.
    this.#arm(this.#options.streamWait, () => {
      if (!received) {
        this.#mode = 'poll';
      }
      controller.abort();
    });
    try {
      const response = await this.#request(`${this.#base}/${this.#session}/events`, {
        headers: { 'Last-Event-ID': String(this.#lastEventId) }, signal: controller.signal,
      });
      if (!response.ok) {
        await this.#refused(response);
        return;
      }
      const body = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      let event = { id: null, name: null, data: null };
      for (;;) {
        const { value, done } = await body.read();
        if (done || this.#reader !== controller) {
          break;
        }
        received = true;
        this.#readerRetries = 0;
        // Quiet for two heartbeats: the stream is dead even if TCP has not noticed.
        this.#arm(this.#heartbeat * 2 + 5_000, () => controller.abort());
        pending += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).replace(/\r$/, '');
          pending = pending.slice(newline + 1);
          if (line === '') {
            if (event.data !== null) {
              this.#event(Number(event.id), event.name, event.data);
            }
            event = { id: null, name: null, data: null };
          } else if (line.startsWith('id:')) {
            event.id = line.slice(3).trim();
          } else if (line.startsWith('event:')) {
            event.name = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            event.data = line.slice(5).replace(/^ /, '');
          }
        }
        if (this.readyState !== READY_OPEN) {
          return;
        }
      }
    } catch {
      // Aborted or cut: read again below.
    }
    this.#disarm();
    if (this.#reader === controller) {
      this.#reader = null;
      this.#readAgain(received);
    }
  }

  async #poll() {
    const controller = new AbortController();
    this.#reader = controller;
    const started = Date.now();
    let delivered = 0;
    try {
      const response = await this.#request(`${this.#base}/${this.#session}/poll?after=${this.#lastEventId}`,
        { signal: controller.signal }, this.#options.requestTimeout * 3);
      if (!response.ok) {
        await this.#refused(response);
        return;
      }
      const answer = await response.json();
      for (const event of answer.events ?? []) {
        if (this.readyState !== READY_OPEN) {
          return;
        }
        this.#event(event.id, event.event ?? null, JSON.stringify(event.data));
        delivered += 1;
      }
      this.#readerRetries = 0;
    } catch {
      if (this.#reader === controller) {
        this.#reader = null;
        this.#readAgain(false);
      }
      return;
    }
    if (this.#reader === controller) {
      this.#reader = null;
      // An empty answer that came back at once (a newer reader took over): never poll in a tight loop.
      const wait = delivered === 0 && Date.now() - started < 1_000 ? this.#options.retry.base : 0;
      this.#later(wait, () => this.#read());
    }
  }

  /** The reader ended without the session's end: after a backoff, read again from the last event. */
  #readAgain(received) {
    if (this.readyState !== READY_OPEN) {
      return;
    }
    const attempt = received ? 0 : this.#readerRetries++;
    if (attempt >= this.#options.maxRetries) {
      this.#lost(1006, 'the HTTP session\'s events could not be read');
      return;
    }
    this.#later(backoffDelay(attempt, this.#options.retry, this.#random) + (received ? 0 : 50), () => this.#read());
  }

  #event(id, name, data) {
    if (Number.isFinite(id) && id <= this.#lastEventId) {
      return; // Already delivered: a replay overlapping what the last reader gave.
    }
    if (Number.isFinite(id)) {
      this.#lastEventId = id;
    }
    if (name === 'close') {
      let close = {};
      try {
        close = JSON.parse(data);
      } catch {
        // a close without a readable body is still a close
      }
      this.#lost(close.code ?? 1006, close.reason ?? '');
      return;
    }
    this.onmessage?.({ data });
    this.#scheduleAck();
  }

  #scheduleAck() {
    if (this.#lastEventId - this.#ackedId >= this.#options.ackEvery) {
      this.#flush(true);
    } else if (this.#ackTimer === null) {
      this.#ackTimer = this.#timers.setTimeout(() => {
        this.#ackTimer = null;
        this.#flush(true);
      }, this.#options.ackDelay);
    }
  }

  // ---- up ----

  #flush(ackOnly = false) {
    if (this.#posting || this.readyState !== READY_OPEN) {
      return;
    }
    if (this.#outgoing.length === 0 && !(ackOnly && this.#lastEventId > this.#ackedId)) {
      return;
    }
    const texts = this.#outgoing.splice(0, 100);
    this.#batch += 1;
    this.#post(this.#batch, `[${texts.join(',')}]`, 0);
  }

  async #post(batch, body, attempt) {
    this.#posting = true;
    const ack = this.#lastEventId;
    let response = null;
    try {
      response = await this.#request(`${this.#base}/${this.#session}/frames?batch=${batch}&ack=${ack}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
      });
    } catch {
      // The answer was lost, or the request: the same batch again runs nothing twice.
    }
    if (this.readyState !== READY_OPEN) {
      return;
    }
    if (response && response.ok) {
      this.#posting = false;
      this.#ackedId = Math.max(this.#ackedId, ack);
      this.#flush();
      return;
    }
    if (response && response.status !== 409 && response.status < 500) {
      await this.#refused(response);
      return;
    }
    if (attempt + 1 >= this.#options.maxRetries) {
      this.#lost(1006, 'frames could not be sent over HTTP');
      return;
    }
    const wait = backoffDelay(attempt, this.#options.retry, this.#random) + 50;
    this.#later(wait, () => this.#post(batch, body, attempt + 1));
  }

  // ---- ends ----

  /** A 4xx on the session: it ended (410 says how), is unknown (404), or is not ours. */
  async #refused(response) {
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      // no JSON body
    }
    this.#lost(typeof answer.code === 'number' ? answer.code : 1006,
      answer.reason ?? answer.message ?? `HTTP ${response.status}`);
  }

  #lost(code, reason) {
    if (this.readyState === READY_CLOSED) {
      return;
    }
    this.#stop();
    this.onclose?.({ code, reason, wasClean: code !== 1006 });
  }

  #stop() {
    this.readyState = READY_CLOSED;
    const reader = this.#reader;
    this.#reader = null;
    reader?.abort();
    this.#disarm();
    if (this.#ackTimer !== null) {
      this.#timers.clearTimeout(this.#ackTimer);
      this.#ackTimer = null;
    }
    this.#outgoing = [];
  }

  // ---- helpers ----

  #arm(ms, fn) {
    this.#disarm();
    this.#watchdog = this.#timers.setTimeout(() => {
      this.#watchdog = null;
      fn();
    }, ms);
  }

  #disarm() {
    if (this.#watchdog !== null) {
      this.#timers.clearTimeout(this.#watchdog);
      this.#watchdog = null;
    }
  }

  #later(ms, fn) {
    this.#timers.setTimeout(() => {
      if (this.readyState === READY_OPEN) {
        fn();
      }
    }, ms);
  }

  /** A request with the token in its header, given up after `timeout` unless it is the open stream. */
  #request(url, init = {}, timeout = this.#options.requestTimeout) {
    const controller = new AbortController();
    const outer = init.signal;
    outer?.addEventListener('abort', () => controller.abort());
    const streaming = url.endsWith('/events');
    const timer = streaming ? null : this.#timers.setTimeout(() => controller.abort(), timeout);
    return this.#fetch(url, {
      ...init,
      cache: 'no-store',
      headers: { ...(init.headers ?? {}), Authorization: `Bearer ${this.#token}` },
      signal: controller.signal,
    }).finally(() => {
      if (timer !== null) {
        this.#timers.clearTimeout(timer);
      }
    });
  }
}
