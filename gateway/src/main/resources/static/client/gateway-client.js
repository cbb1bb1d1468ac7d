/**
 * signalgate browser adapter: one WebSocket per user to the gateway, with requests and acks, reconnect with
 * backoff, resume of chat rooms and calls, and helpers for chat (chat-room.js) and WebRTC calls (call.js).
 * No dependencies; an ES module for browsers (and Node 20+ with an injected WebSocket).
 *
 *   import { connect } from '/client/gateway-client.js';
 *   const client = connect('/ws', { getToken: async () => (await fetch('/my/token')).text() });
 *   const chat = client.chat('consult-42');
 *   chat.on('message', (m) => render(m));
 *   await chat.join();
 *   chat.send('Hello doctor');
 *
 * The wire contract is the gateway's protocol README; CLIENT.md documents this adapter.
 */
import { Emitter } from './emitter.js';
import { GatewayError } from './errors.js';
import { CloseCode, DEFAULT_BACKOFF, closePolicy, reconnectDelay } from './reconnect.js';
import { jwtExpiry } from './jwt.js';
import { PendingRequests, SendQueue } from './requests.js';
import { TokenRefresher } from './token-refresh.js';
import { upgradeRefusal } from './refusal.js';
import { envelope, requireRoomId, socketUrl } from './wire.js';
import { ChatRoom } from './chat-room.js';
import { Call } from './call.js';
import { HttpSocket } from './http-transport.js';
import { TransportChoice } from './transport-choice.js';

export { GatewayError, SERVER_ERROR_CODES, CLIENT_ERROR_CODES } from './errors.js';
export { CloseCode, DEFAULT_BACKOFF, backoffDelay, closePolicy, reconnectDelay } from './reconnect.js';
export { SeqTracker } from './seq-tracker.js';
export { jwtClaims, jwtExpiry } from './jwt.js';
export { ChatRoom } from './chat-room.js';
export { Call } from './call.js';
export { Emitter } from './emitter.js';
export { socketUrl } from './wire.js';
export { HTTP_DEFAULTS, sessionsUrl } from './http-transport.js';

/** The protocol version this adapter speaks (the `welcome` frame's `protocolVersion`). */
export const PROTOCOL_VERSION = 1;

/** Defaults of connect()'s options, in milliseconds where they are durations. */
export const DEFAULT_OPTIONS = Object.freeze({
  requestTimeout: 10_000,
  connectTimeout: 10_000,
  stableAfter: 5_000,
  refreshMargin: 60_000,
  backoff: DEFAULT_BACKOFF,
  typing: Object.freeze({ interval: 3_000, idle: 3_000, expiry: 8_000 }),
  historyPage: 50,
  peerLeftGrace: 15_000,
  offerWait: 4_000,
  iceServers: Object.freeze([]),
  maxTokenRefusals: 3,
  transports: Object.freeze(['websocket', 'http']),
  /** While on HTTP, the WebSocket is tried again after base * 2^n ms, jittered, at most max. */
  websocketRetry: Object.freeze({ base: 5_000, max: 60_000 }),
  http: Object.freeze({}),
});

/**
 * Opens a client. The first connection attempt starts in a microtask, so handlers attached right after this call
 * see every event.
 *
 * @param {string} url the gateway's WebSocket endpoint: `wss://host/ws`, or `/ws` relative to the page
 * @param {{token: string} | {getToken: () => Promise<string>}} auth a fixed token, or a function called before
 *     every connection attempt and for refreshes
 * @param {object} [options] see DEFAULT_OPTIONS and CLIENT.md; `WebSocket`, `timers`, `random` and `now` can be
 *     injected for tests
 */
export function connect(url, auth, options = {}) {
  return new GatewayClient(url, auth, options);
}

/** One user's connection to the gateway. Create it with connect(). */
export class GatewayClient extends Emitter {
  #url;
  #auth;
  #options;
  #WebSocket;
  #timers;
  #random;
  #now;
  #link;

  #ws = null;
  #ready = false;
  #state = 'connecting';
  #closed = false;
  #everOpened = false;
  #attempt = 0;
  #openedAt = null;
  #generation = 0;
  #serial = 0;
  #token = null;
  #reconnectTimer = null;
  #connectTimer = null;
  #onlineListener = null;
  #fetch;
  #upgraded = false;
  #refusals = 0;
  #choice;
  #transport = null;

  #requests;
  #queue = new SendQueue();
  #refresher = null;
  #rooms = new Map();
  #calls = new Map();

  /** The user id from the `welcome` frame (the token's `sub`), null before the first connection. */
  userId = null;
  /** The current connection's id from the `welcome` frame. */
  connectionId = null;

  constructor(url, auth, options = {}) {
    super();
    if (!auth || (typeof auth.token !== 'string' && typeof auth.getToken !== 'function')) {
      throw new TypeError('connect(url, auth): expected auth to be { token } or { getToken: async () => token }');
    }
    this.#url = url;
    this.#auth = auth;
    this.#options = {
      ...DEFAULT_OPTIONS,
      ...options,
      backoff: { ...DEFAULT_BACKOFF, ...(options.backoff ?? {}) },
      typing: { ...DEFAULT_OPTIONS.typing, ...(options.typing ?? {}) },
    };
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('connect(): no WebSocket constructor here; pass options.WebSocket');
    }
    const timers = options.timers ?? {};
    this.#timers = {
      setTimeout: timers.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
      clearTimeout: timers.clearTimeout ?? ((id) => globalThis.clearTimeout(id)),
    };
    // null turns the probe off (the unit tests do, unless they test it).
    this.#fetch = options.fetch === undefined ? globalThis.fetch?.bind(globalThis) : options.fetch;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => Date.now());
    this.#requests = new PendingRequests(this.#timers);
    this.#choice = new TransportChoice({
      transports: this.#options.transports,
      httpAvailable: typeof this.#fetch === 'function',
      timers: this.#timers,
      random: this.#random,
      retry: { ...DEFAULT_OPTIONS.websocketRetry, ...(options.websocketRetry ?? {}) },
      connectTimeout: this.#options.connectTimeout,
      openProbe: () => new this.#WebSocket(socketUrl(this.#url, this.#token)),
      // Nothing waits for an answer: the switch, a reconnect, then fails no request.
      atSafePoint: () => this.#ready && !this.#requests.anySent,
      moveBack: () => this.reconnect(),
    });
    if (auth.getToken) {
      this.#refresher = new TokenRefresher({
        timers: this.#timers,
        now: this.#now,
        margin: this.#options.refreshMargin,
        getToken: () => auth.getToken(),
        send: (token) => this.request('auth:refresh', null, { token }).then((answer) => {
          this.#ws?.useToken?.(token);
          this.#token = token;
          return answer;
        }),
        onRefreshed: (exp) => this.emit('tokenrefresh', { exp }),
        onError: (error) => this.emit('error', error),
      });
    }
    this.#link = this.#makeLink();
    if (options.reconnectWhenOnline !== false && typeof globalThis.addEventListener === 'function') {
      this.#onlineListener = () => {
        if (this.#reconnectTimer !== null) {
          this.reconnect();
        }
      };
      globalThis.addEventListener('online', this.#onlineListener);
    }
    queueMicrotask(() => this.#open());
  }

  /** `connecting` (first attempt), `open`, `reconnecting` (waiting or retrying after a drop), `closed` (for good). */
  get state() {
    return this.#state;
  }

  /**
   * What carries the connection: `websocket`, or `http` (the fallback for networks that block WebSockets);
   * null before the first welcome. A `transport` event tells each change.
   */
  get transport() {
    return this.#transport;
  }

  /** Whether the socket is open and welcomed: frames go out at once. */
  get isOpen() {
    return this.#ready;
  }

  /**
   * Sends a request with a fresh id and resolves with the `ack`'s data, or rejects with a GatewayError: the
   * gateway's code from an `error` frame, or `timeout`, `disconnected` (the socket closed after it was sent) or
   * `closed` (the client is closed).
   *
   * While the client is not open the request waits in a queue and goes out, in order, once the connection is
   * back and rooms and calls are resumed; its timeout counts from this call, so it never waits longer than
   * `timeout`.
   *
   * @param {string} type e.g. `chat:history`
   * @param {string|null} room
   * @param {object} [data]
   * @param {{timeout?: number, to?: string}} [options]
   */
  request(type, room, data = {}, { timeout = this.#options.requestTimeout, to } = {}) {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new GatewayError('closed', `${type}: the client is closed`));
        return;
      }
      const entry = this.#requests.add((id) => envelope(type, id, room, to, data), timeout, resolve, reject,
        (expired) => this.#queue.remove(expired));
      if (this.#ready) {
        this.#transmit(entry);
      } else {
        this.#queue.push(entry);
      }
    });
  }

  /**
   * Sends a frame without an id (fire and forget: no ack; a refusal arrives as an `error` event). Typing and ICE
   * candidates go this way. Queued like requests while the client is not open.
   */
  send(type, room, data = {}, { to } = {}) {
    if (this.#closed) {
      return;
    }
    const entry = { id: null, frame: envelope(type, undefined, room, to, data), sent: false };
    if (this.#ready) {
      this.#transmit(entry);
    } else {
      this.#queue.push(entry);
    }
  }

  /** The chat room `room` (the same object on every call); join it with `join()`. */
  chat(room) {
    requireRoomId(room);
    let chat = this.#rooms.get(room);
    if (!chat) {
      chat = new ChatRoom(this.#link, room);
      this.#rooms.set(room, chat);
    }
    return chat;
  }

  /**
   * Joins the call of `room` and returns it at once; `await call.ready` for the join's outcome. While a call of
   * that room is active, the same object is returned.
   *
   * @param {string} room
   * @param {{localStream?: MediaStream, iceServers?: RTCIceServer[], RTCPeerConnection?: Function,
   *     configuration?: RTCConfiguration}} [options]
   */
  call(room, options = {}) {
    requireRoomId(room);
    const existing = this.#calls.get(room);
    if (existing) {
      return existing;
    }
    const call = new Call(this.#link, room, options);
    this.#calls.set(room, call);
    call._start();
    return call;
  }

  /** Reconnects now: skips the backoff wait, or replaces an open socket. */
  reconnect() {
    if (this.#closed) {
      return;
    }
    if (this.#reconnectTimer !== null) {
      this.#timers.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
      this.#open();
      return;
    }
    const ws = this.#ws;
    if (ws) {
      this.#dropSocket(ws);
      closeQuietly(ws, CloseCode.NORMAL, 'reconnecting');
      this.#open();
    }
  }

  /** Closes the connection for good: calls end, pending requests and unsent frames fail with `closed`. */
  close() {
    if (this.#closed) {
      return;
    }
    const ws = this.#ws;
    this.#terminate({ code: CloseCode.NORMAL, reason: 'closed by the client' });
    if (ws) {
      closeQuietly(ws, CloseCode.NORMAL, 'client closed');
    }
  }

  // ---- connection lifecycle ----

  async #open() {
    if (this.#closed) {
      return;
    }
    const generation = ++this.#generation;
    this.#setState(this.#everOpened ? 'reconnecting' : 'connecting', { attempt: this.#attempt });
    let token;
    try {
      token = this.#auth.getToken ? await this.#fetchToken() : this.#auth.token;
      if (typeof token !== 'string' || token === '') {
        throw new TypeError(`expected a token string, got ${token === '' ? 'an empty string' : typeof token}`);
      }
    } catch (error) {
      if (generation === this.#generation && !this.#closed) {
        this.emit('error', new GatewayError('unavailable', `getToken failed: ${error?.message ?? error}`));
        this.#scheduleReconnect('reconnect', { reason: 'getToken failed' });
      }
      return;
    }
    if (generation !== this.#generation || this.#closed) {
      return;
    }
    if (!this.#auth.getToken) {
      const exp = jwtExpiry(token);
      if (exp !== null && exp * 1000 <= this.#now()) {
        this.#terminate({ code: null, reason: 'the token has expired: pass getToken to connect() for fresh ones' });
        return;
      }
    }
    let ws;
    try {
      ws = this.#choice.next() === 'http'
        ? new HttpSocket(this.#url, token, { fetch: this.#fetch, timers: this.#timers, random: this.#random,
          options: this.#options.http })
        : new this.#WebSocket(socketUrl(this.#url, token));
    } catch (error) {
      this.#terminate({ code: null, reason: `cannot open a WebSocket to ${this.#url}: ${error?.message ?? error}` });
      return;
    }
    this.#ws = ws;
    this.#token = token;
    this.#upgraded = false;
    ws.onopen = () => {
      this.#upgraded = true;
    };
    ws.onmessage = (event) => this.#onMessage(ws, event.data);
    ws.onclose = (event) => this.#onClose(ws, event.code, event.reason);
    ws.onerror = () => {};
    this.#connectTimer = this.#timers.setTimeout(() => {
      this.#connectTimer = null;
      if (this.#ws === ws && !this.#ready) {
        closeQuietly(ws, CloseCode.NORMAL, 'connect timeout');
        this.#onClose(ws, CloseCode.ABNORMAL, 'no welcome within the connect timeout');
      }
    }, this.#options.connectTimeout);
  }

  /** getToken(), bounded by the connect timeout so that a hanging token service cannot stall reconnecting. */
  #fetchToken() {
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(
        () => reject(new Error(`no token within ${this.#options.connectTimeout} ms`)), this.#options.connectTimeout);
      Promise.resolve()
        .then(() => this.#auth.getToken())
        .then(resolve, reject)
        .finally(() => this.#timers.clearTimeout(timer));
    });
  }

  #onWelcome(frame) {
    this.#clearTimer('connect');
    this.userId = typeof frame.data.userId === 'string' ? frame.data.userId : this.userId;
    this.connectionId = frame.data.connectionId ?? null;
    const resumed = this.#everOpened;
    this.#everOpened = true;
    this.#ready = true;
    this.#openedAt = this.#now();
    this.#serial += 1;
    this.#refusals = 0;
    const transport = this.#ws?.transport === 'http' ? 'http' : 'websocket';
    const previous = this.#transport;
    this.#transport = transport;
    this.#choice.welcomed(transport);
    // Rooms and calls first, so that queued frames find them joined (the gateway handles frames in order).
    for (const chat of this.#rooms.values()) {
      chat._connected();
    }
    for (const call of this.#calls.values()) {
      call._connected();
    }
    for (const entry of this.#queue.drain()) {
      this.#transmit(entry);
    }
    this.#refresher?.start(this.#token);
    this.emit('welcome', frame);
    if (transport !== previous) {
      this.emit('transport', transport, { previous });
    }
    if (this.#ready) {
      this.#setState('open', { resumed, userId: this.userId, connectionId: this.connectionId });
    }
  }

  #onClose(ws, code, reason) {
    if (ws !== this.#ws) {
      return;
    }
    const openedAt = this.#openedAt;
    const upgraded = this.#upgraded;
    const token = this.#token;
    const welcomed = this.#ready;
    this.#dropSocket(ws);
    const transport = ws.transport === 'http' ? 'http' : 'websocket';
    if (this.#closed) {
      this.#choice.failed(transport, welcomed);
      return;
    }
    // Backoff starts over only after a connection that held: one the gateway drops at once keeps backing off.
    if (openedAt !== null && this.#now() - openedAt >= this.#options.stableAfter) {
      this.#attempt = 0;
    }
    if (!upgraded && code === CloseCode.ABNORMAL && typeof this.#fetch === 'function') {
      // The upgrade itself failed: a refused token must not mean reconnecting forever with it.
      const generation = this.#generation;
      const probe = socketUrl(this.#url, token);
      upgradeRefusal(this.#fetch, probe, this.#options.connectTimeout, this.#timers).then((refusal) => {
        if (generation !== this.#generation || this.#closed) {
          return;
        }
        // The gateway itself answered (token refused, keys unavailable): the network carried the request, so
        // this is no reason to change transport.
        if (refusal?.status === 401) {
          this.#tokenRefused(refusal);
        } else if (refusal?.status === 503) {
          this.#unavailable(refusal);
        } else {
          this.#choice.failed(transport, welcomed);
          this.#afterClose(code, reason);
        }
      });
      return;
    }
    this.#choice.failed(transport, welcomed);
    this.#afterClose(code, reason);
  }

  /**
   * The gateway answered 401 to the upgrade. A fixed token stops at once; with getToken the next attempt fetches
   * a new token, and after `maxTokenRefusals` refusals in a row the client stops too. Either way the `error`
   * event's code is `unauthorized`.
   */
  #tokenRefused(refusal) {
    this.#refusals += 1;
    const detail = `the gateway refused the token (HTTP 401${refusal.message ? `: ${refusal.message}` : ''})`;
    if (this.#auth.getToken && this.#refusals < this.#options.maxTokenRefusals) {
      this.#scheduleReconnect('reconnect', { code: null, reason: detail });
      return;
    }
    const error = new GatewayError('unauthorized', this.#auth.getToken
      ? `${detail}, ${this.#refusals} times in a row: check what getToken returns`
      : `${detail}: pass getToken to connect() for fresh tokens`);
    this.emit('error', error);
    this.#terminate({ code: null, reason: error.message, error });
  }

  /**
   * The gateway answered 503 to the upgrade: it cannot verify tokens right now (its key server is down) or it is
   * shutting down. Nothing is wrong with the token, so this is no refusal: reconnect with backoff, no sooner
   * than its `Retry-After`, and keep trying.
   */
  #unavailable(refusal) {
    const reason = `the gateway is unavailable (HTTP 503${refusal.message ? `: ${refusal.message}` : ''})`;
    this.#scheduleReconnect('reconnect', { code: null, reason }, refusal.retryAfter);
  }

  #afterClose(code, reason) {
    let policy = closePolicy(code);
    if (policy === 'fresh-token') {
      policy = this.#auth.getToken ? 'reconnect' : 'stop';
    }
    if (policy === 'stop') {
      this.#terminate({ code, reason: reason || 'closed by the gateway' });
    } else {
      this.#scheduleReconnect(policy, { code, reason });
    }
  }

  /** Forgets the socket: fails what was sent on it, tells rooms and calls. */
  #dropSocket(ws, reason = 'disconnected') {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    this.#ws = null;
    this.#ready = false;
    this.#openedAt = null;
    this.#clearTimer('connect');
    this.#refresher?.stop();
    this.#requests.failSent((entry) => (reason === 'closed'
      ? new GatewayError('closed', `${entry.frame.type}: the client is closed`)
      : new GatewayError('disconnected', `${entry.frame.type}: the connection closed before the answer`)));
    for (const chat of this.#rooms.values()) {
      chat._disconnected();
    }
    for (const call of this.#calls.values()) {
      call._disconnected();
    }
  }

  #scheduleReconnect(policy, detail, atLeast = 0) {
    const delay = Math.max(atLeast, reconnectDelay(policy, this.#attempt, this.#options.backoff, this.#random));
    const attempt = this.#attempt;
    this.#attempt += 1;
    this.#setState('reconnecting', { ...detail, attempt, delay });
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = null;
      this.#open();
    }, delay);
  }

  #terminate(detail) {
    this.#closed = true;
    this.#generation += 1;
    if (this.#ws) {
      this.#dropSocket(this.#ws, 'closed');
    }
    this.#ready = false;
    this.#clearTimer('reconnect');
    this.#clearTimer('connect');
    this.#refresher?.stop();
    this.#choice.stop();
    if (this.#onlineListener && typeof globalThis.removeEventListener === 'function') {
      globalThis.removeEventListener('online', this.#onlineListener);
    }
    this.#requests.failAll((entry) => new GatewayError('closed',
      `${entry.frame.type}: the client is closed (${detail.reason})`));
    this.#queue.clear();
    for (const call of [...this.#calls.values()]) {
      call._destroy();
    }
    this.#calls.clear();
    for (const chat of this.#rooms.values()) {
      chat._closed();
    }
    this.#setState('closed', detail);
  }

  #setState(state, detail = {}) {
    this.#state = state;
    this.emit('state', state, detail);
  }

  // ---- frames ----

  #transmit(entry) {
    try {
      this.#ws.send(JSON.stringify(entry.frame));
      entry.sent = true;
    } catch (error) {
      if (entry.id !== null) {
        this.#requests.settle(entry.id);
        entry.reject(new GatewayError('disconnected', `${entry.frame.type}: ${error?.message ?? error}`));
      }
    }
  }

  #onMessage(ws, text) {
    if (ws !== this.#ws) {
      return;
    }
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this.emit('error', new GatewayError('bad_request', 'the gateway sent a frame that is not JSON'));
      return;
    }
    if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string') {
      return;
    }
    if (frame.data === null || typeof frame.data !== 'object') {
      frame.data = {};
    }
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame);
        return;
      case 'ack': {
        const entry = this.#requests.settle(frame.id);
        entry?.resolve(frame.data);
        return;
      }
      case 'error': {
        const entry = typeof frame.id === 'string' ? this.#requests.settle(frame.id) : null;
        if (entry) {
          entry.reject(GatewayError.fromFrame(frame));
          return;
        }
        if (typeof frame.room === 'string') {
          if (frame.data?.code === 'peer_not_found' && this.#calls.has(frame.room)) {
            // A signal (an ICE candidate) to a peer that is gone or reconnecting: nothing to report.
            return;
          }
          this.#rooms.get(frame.room)?._handle(frame);
        }
        this.emit('error', GatewayError.fromFrame(frame));
        return;
      }
      case 'auth:rooms_revoked':
        this.#onRoomsRevoked(frame);
        return;
      default:
        if (typeof frame.room === 'string') {
          if (frame.type.startsWith('webrtc:')) {
            this.#calls.get(frame.room)?._handle(frame);
          } else {
            this.#rooms.get(frame.room)?._handle(frame);
          }
        }
        this.emit(frame.type, frame);
    }
  }

  /** The gateway took this connection out of rooms: their chats and calls end here and are never re-joined. */
  #onRoomsRevoked(frame) {
    const rooms = Array.isArray(frame.data.rooms) ? frame.data.rooms.filter((r) => typeof r === 'string') : [];
    const reason = typeof frame.data.reason === 'string' ? frame.data.reason : 'revoked';
    for (const room of rooms) {
      this.#rooms.get(room)?._revoked(reason);
      this.#calls.get(room)?._revoked(reason);
    }
    this.emit('roomsrevoked', { rooms, reason });
  }

  #clearTimer(which) {
    const id = which === 'connect' ? this.#connectTimer : this.#reconnectTimer;
    if (id !== null) {
      this.#timers.clearTimeout(id);
    }
    if (which === 'connect') {
      this.#connectTimer = null;
    } else {
      this.#reconnectTimer = null;
    }
  }

  /** What rooms and calls may use of the client. */
  #makeLink() {
    const client = this;
    return {
      request: (type, room, data, options) => client.request(type, room, data, options),
      send: (type, room, data, options) => client.send(type, room, data, options),
      forgetCall: (call) => {
        if (client.#calls.get(call.room) === call) {
          client.#calls.delete(call.room);
        }
      },
      get userId() {
        return client.userId;
      },
      get isOpen() {
        return client.#ready;
      },
      /** Increases with every welcomed connection. */
      get serial() {
        return client.#serial;
      },
      options: this.#options,
      timers: this.#timers,
      random: this.#random,
      now: this.#now,
    };
  }
}

function closeQuietly(ws, code, reason) {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}
