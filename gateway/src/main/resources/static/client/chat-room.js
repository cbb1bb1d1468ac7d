/**
 * One chat room as the adapter keeps it: messages (optimistic, then confirmed or failed), resume position,
 * members, typing and read marks. Get it with client.chat(room).
 */
import { Emitter } from './emitter.js';
import { GatewayError } from './errors.js';
import { MessageLog, fail } from './message-log.js';
import { backoffDelay } from './reconnect.js';
import { SeqTracker } from './seq-tracker.js';
import { TypingSender, TypingUsers } from './typing.js';

/**
 * Events: `message` (a message appeared), `update` (a message changed state), `members`, `typing`, `seen`,
 * `joined`, `left`, `revoked` ({room, reason}: the gateway took this connection out of the room, see
 * auth:rooms_revoked; the room is not joined again on reconnect), `history`, `error`, and every wire frame of the room under its own type (`chat:confirmed`,
 * a backend's `queue:updated`, ...).
 */
export class ChatRoom extends Emitter {
  #link;
  #wanted = false;
  #joined = false;
  #joinedHere = false;
  #joinWaiters = [];
  #lastAck = null;
  #rejoinTimer = null;
  #rejoinAttempt = 0;

  #tracker = new SeqTracker();
  #log;
  #sentOn = new WeakMap();
  #hasMore = null;
  #loadingOlder = null;
  #storeAvailable = true;

  #members = [];
  #readMarks = {};
  #markSent = 0;
  #typing;
  #typists;

  /** @param {object} link the client's internal link (not public API) */
  constructor(link, room) {
    super();
    this.#link = link;
    this.room = room;
    this.#log = new MessageLog(() => link.userId);
    const options = () => link.options.typing;
    this.#typing = new TypingSender(link.timers, link.now, options(), (type) => {
      if (!link.isOpen || !this.#joinedHere) {
        return false;
      }
      link.send(type, room, {});
      return true;
    });
    this.#typists = new TypingUsers(link.timers, () => options().expiry, (userId, typing) => {
      this.emit('typing', { userId, typing, users: this.typingUsers });
    });
  }

  /** Whether the room is joined on the current connection (false while reconnecting). */
  get joined() {
    return this.#joined;
  }

  /** Messages in order: confirmed ones by seq, then pending and failed ones in the order they appeared. */
  get messages() {
    return this.#log.messages;
  }

  /** The highest seq known in the room (from the join ack or a confirmation), or null. */
  get lastSeq() {
    return this.#log.lastSeq;
  }

  /** The `since` the next join will send: every message up to it has been seen (or left to history). */
  get resumeSeq() {
    return this.#tracker.resumeFrom();
  }

  /** Whether older messages can be loaded with loadOlder(); null while unknown. */
  get hasMore() {
    return this.#hasMore;
  }

  /** False when the last join ack said the store was unavailable (chat works, history and marks do not). */
  get storeAvailable() {
    return this.#storeAvailable;
  }

  /** User ids present in the room. */
  get members() {
    return [...this.#members];
  }

  /** Read marks by user id: the highest seq each user has seen. */
  get readMarks() {
    return { ...this.#readMarks };
  }

  /** User ids currently typing (other than this user). */
  get typingUsers() {
    return this.#typists.users;
  }

  /**
   * Joins the room and resolves with the join ack's data ({room, members, lastSeq, readMarks}). Once joined,
   * the room is re-joined after every reconnect with `since`, so nothing sent meanwhile is missed. While the
   * client is offline, or after a retryable failure, the join waits; a refusal (forbidden, ...) rejects.
   */
  join() {
    if (this.#joined && this.#lastAck) {
      return Promise.resolve(this.#lastAck);
    }
    const joined = new Promise((resolve, reject) => this.#joinWaiters.push({ resolve, reject }));
    if (!this.#wanted) {
      this.#wanted = true;
      if (this.#link.isOpen) {
        this.#sendJoin();
      }
    }
    return joined;
  }

  /** Leaves the room; pending messages of this room fail with `not_in_room`. */
  async leave() {
    const wasHere = this.#joinedHere;
    this.#wanted = false;
    this.#joined = false;
    this.#joinedHere = false;
    this.#clearRejoin();
    this.stopTyping();
    this.#typists.clear();
    this.#rejectJoinWaiters(new GatewayError('not_in_room', `left room ${this.room} before the join completed`));
    this.#failPending('not_in_room', 'left the room before the message was stored');
    if (wasHere && this.#link.isOpen) {
      try {
        await this.#link.request('chat:leave_room', this.room, {});
      } catch (error) {
        if (!['not_in_room', 'disconnected', 'closed'].includes(error.code)) {
          throw error;
        }
      }
    }
    this.emit('left', { room: this.room });
  }

  /**
   * Sends a message and returns it at once: `{tempId, from, body, meta, ts, state: 'pending', own: true}`.
   * Its state moves to `confirmed` (with `seq` and `msgId`) or `failed` (with `error: {code, message}`), each
   * announced by an `update` event. A message sent while offline, or not yet confirmed when the connection
   * dropped, is sent again after the reconnect with the same tempId, so the gateway stores it once.
   *
   * @param {string} body
   * @param {object} [meta] opaque, stored and passed through (end-to-end encrypted payloads go here)
   */
  send(body, meta) {
    if (typeof body !== 'string') {
      throw new TypeError(`send(body): expected a string body, got ${typeof body}`);
    }
    if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) {
      throw new TypeError('send(body, meta): expected meta to be an object');
    }
    const message = {
      tempId: newTempId(),
      from: this.#link.userId,
      body,
      ts: this.#link.now(),
      seq: null,
      msgId: null,
      state: 'pending',
      own: true,
      error: null,
    };
    if (meta !== undefined) {
      message.meta = meta;
    }
    this.#log.addOwn(message);
    this.emit('message', message);
    this.stopTyping();
    if (!this.#wanted) {
      this.#fail(message, 'not_in_room', `join room ${this.room} before sending`);
    } else if (this.#link.isOpen && this.#joinedHere) {
      this.#transmit(message);
    }
    return message;
  }

  /** Sends a failed message of this user again, with its tempId (so it is stored at most once). */
  retry(message) {
    if (!message || message.state !== 'failed' || !this.#log.isOwnSent(message)) {
      return message;
    }
    message.state = 'pending';
    message.error = null;
    this.#sentOn.delete(message);
    this.emit('update', message);
    if (!this.#wanted) {
      this.#fail(message, 'not_in_room', `join room ${this.room} before sending`);
    } else if (this.#link.isOpen && this.#joinedHere) {
      this.#transmit(message);
    }
    return message;
  }

  /**
   * Loads the page of stored messages before the oldest one held (the newest page first) and resolves with the
   * messages it added; `hasMore` tells whether there are older ones.
   */
  loadOlder(limit = this.#link.options.historyPage) {
    if (this.#loadingOlder) {
      return this.#loadingOlder;
    }
    const oldest = this.#log.oldestSeq;
    if (oldest !== null && oldest <= 1) {
      this.#hasMore = false;
      return Promise.resolve([]);
    }
    const data = { limit: Math.max(1, Math.min(100, limit)) };
    if (oldest !== null) {
      data.before = oldest;
    }
    this.#loadingOlder = this.#link.request('chat:history', this.room, data)
      .then((ack) => {
        const added = [];
        for (const entry of Array.isArray(ack.messages) ? ack.messages : []) {
          const message = this.#confirmed(entry.from ?? null, entry.seq, entry, false);
          if (message) {
            added.push(message);
          }
        }
        this.#hasMore = Boolean(ack.hasMore);
        this.emit('history', { messages: added, hasMore: this.#hasMore });
        return added;
      })
      .finally(() => {
        this.#loadingOlder = null;
      });
    return this.#loadingOlder;
  }

  /**
   * Says this user is typing; call it on every keystroke. Sends `chat:typing` at most once per
   * `typing.interval` and `chat:stop_typing` after `typing.idle` without a call (or on send / stopTyping()).
   */
  typing() {
    this.#typing.typing();
  }

  /** Says this user stopped typing (sent only if typing was announced). */
  stopTyping() {
    this.#typing.stop();
  }

  /**
   * Marks the room read up to `seq` and resolves with the mark the gateway stored (it only moves forward).
   * Does nothing, and resolves with the current mark, when `seq` is not beyond it.
   */
  markSeen(seq) {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      return Promise.reject(new TypeError(`markSeen(seq): expected a non-negative integer, got ${seq}`));
    }
    const mine = this.#readMarks[this.#link.userId] ?? 0;
    if (seq <= mine || seq <= this.#markSent) {
      return Promise.resolve(Math.max(mine, this.#markSent));
    }
    this.#markSent = seq;
    return this.#link.request('chat:mark_seen', this.room, { seq }).then(
      (ack) => {
        const stored = Number.isSafeInteger(ack.seq) ? ack.seq : seq;
        this.#setMark(this.#link.userId, stored);
        return stored;
      },
      (error) => {
        if (this.#markSent === seq) {
          this.#markSent = mine;
        }
        throw error;
      },
    );
  }

  /** Users other than this one whose read mark reaches `seq`. */
  seenBy(seq) {
    return Object.entries(this.#readMarks)
      .filter(([user, mark]) => user !== this.#link.userId && mark >= seq)
      .map(([user]) => user);
  }

  // ---- called by the client ----

  _connected() {
    this.#joinedHere = false;
    this.#log.adoptUserId(this.#link.userId);
    if (this.#wanted) {
      this.#sendJoin();
    }
  }

  /** The gateway took the connection out of the room (auth:rooms_revoked): leave locally, never re-join. */
  _revoked(reason) {
    this.#wanted = false;
    this.#joined = false;
    this.#joinedHere = false;
    this.#clearRejoin();
    this.#typing.reset();
    this.#typists.clear();
    const error = new GatewayError('forbidden', `access to room ${this.room} was revoked (${reason})`);
    this.#rejectJoinWaiters(error);
    this.#failPending('forbidden', `access to room ${this.room} was revoked before the message was stored`);
    this.emit('revoked', { room: this.room, reason });
    this.emit('left', { room: this.room, reason });
  }

  _disconnected() {
    this.#joined = false;
    this.#joinedHere = false;
    this.#typing.reset();
    this.#clearRejoin();
    this.#typists.clear();
  }

  _closed() {
    this._disconnected();
    this.#wanted = false;
    this.#rejectJoinWaiters(new GatewayError('closed', 'the client is closed'));
    this.#failPending('closed', 'the client closed before the message was stored');
  }

  _handle(frame) {
    const data = frame.data;
    switch (frame.type) {
      case 'chat:message':
        this.#optimistic(frame.from, data);
        break;
      case 'chat:confirmed':
        this.#confirmed(frame.from, frame.seq, data, true);
        break;
      case 'chat:failed':
        this.#failed(frame.from, data);
        break;
      case 'chat:typing':
      case 'chat:stop_typing':
        this.#setTyping(frame.from, frame.type === 'chat:typing');
        break;
      case 'chat:user_joined':
        if (typeof data.userId === 'string' && !this.#members.includes(data.userId)) {
          this.#members.push(data.userId);
          this.emit('members', this.members);
        }
        break;
      case 'chat:user_left':
        if (this.#members.includes(data.userId)) {
          this.#members = this.#members.filter((user) => user !== data.userId);
          this.#setTyping(data.userId, false);
          this.emit('members', this.members);
        }
        break;
      case 'chat:seen':
        if (typeof frame.from === 'string' && Number.isSafeInteger(data.seq)) {
          this.#setMark(frame.from, data.seq);
        }
        break;
      case 'error':
        // A resume replay was interrupted (store unavailable): join again with since, after a while.
        this.emit('error', GatewayError.fromFrame(frame));
        if (this.#wanted) {
          this.#scheduleRejoin();
        }
        return;
      default:
        break;
    }
    this.emit(frame.type, frame);
  }

  // ---- joining ----

  #sendJoin() {
    this.#clearRejoin();
    const since = this.#tracker.resumeFrom();
    this.#joinedHere = true;
    const serial = this.#link.serial;
    this.#link.request('chat:join_room', this.room, since === null ? {} : { since })
      .then((ack) => this.#onJoined(ack, since, serial), (error) => this.#onJoinFailed(error, serial));
    // After the join on the wire: the gateway handles a connection's frames in order.
    for (const message of this.#log.own()) {
      if (message.state === 'pending' && this.#sentOn.get(message) !== serial) {
        this.#transmit(message);
      }
    }
  }

  #onJoined(ack, since, serial) {
    if (!this.#wanted || serial !== this.#link.serial) {
      return;
    }
    this.#joined = true;
    this.#rejoinAttempt = 0;
    this.#lastAck = ack;
    this.#members = Array.isArray(ack.members) ? [...ack.members] : [];
    this.#storeAvailable = ack.store !== 'unavailable';
    if (Number.isSafeInteger(ack.lastSeq)) {
      if (since === null) {
        // Older messages are history's business: the resume position starts here.
        this.#tracker.accountUpTo(ack.lastSeq);
      }
      this.#log.noteSeq(ack.lastSeq);
      if (this.#hasMore === null) {
        this.#hasMore = (this.#log.oldestSeq ?? this.#log.lastSeq + 1) > 1;
      }
    }
    if (ack.readMarks && typeof ack.readMarks === 'object') {
      for (const [user, mark] of Object.entries(ack.readMarks)) {
        this.#setMark(user, mark, true);
      }
    }
    const waiters = this.#joinWaiters.splice(0);
    for (const waiter of waiters) {
      waiter.resolve(ack);
    }
    this.emit('joined', ack);
    this.emit('members', this.members);
  }

  #onJoinFailed(error, serial) {
    if (error.code === 'disconnected' || error.code === 'closed' || serial !== this.#link.serial) {
      return;
    }
    this.emit('error', error);
    if (error.retryable) {
      this.#scheduleRejoin();
      return;
    }
    this.#wanted = false;
    this.#joinedHere = false;
    this.#rejectJoinWaiters(error);
  }

  #scheduleRejoin() {
    this.#clearRejoin();
    const delay = backoffDelay(this.#rejoinAttempt++, this.#link.options.backoff, this.#link.random) + 250;
    this.#rejoinTimer = this.#link.timers.setTimeout(() => {
      this.#rejoinTimer = null;
      if (this.#wanted && this.#link.isOpen) {
        this.#sendJoin();
      }
    }, delay);
  }

  #clearRejoin() {
    if (this.#rejoinTimer !== null) {
      this.#link.timers.clearTimeout(this.#rejoinTimer);
      this.#rejoinTimer = null;
    }
  }

  #rejectJoinWaiters(error) {
    for (const waiter of this.#joinWaiters.splice(0)) {
      waiter.reject(error);
    }
  }

  // ---- messages ----

  #transmit(message) {
    this.#sentOn.set(message, this.#link.serial);
    const data = { tempId: message.tempId, body: message.body };
    if (message.meta !== undefined) {
      data.meta = message.meta;
    }
    this.#link.request('chat:send_message', this.room, data).catch((error) => {
      // disconnected / timeout: still pending, sent again after the reconnect with the same tempId.
      if (message.state === 'pending' && !['disconnected', 'timeout'].includes(error.code)) {
        this.#fail(message, error.code, error.message);
      }
    });
  }

  #optimistic(from, data) {
    const message = this.#log.optimistic(from, data);
    if (message) {
      this.#setTyping(from, false);
      this.emit('message', message);
    }
  }

  /** A stored message (live, replayed or from history); returns it when it was added or changed. */
  #confirmed(from, seq, data, live) {
    if (!Number.isSafeInteger(seq)) {
      return null;
    }
    if (live) {
      this.#tracker.see(seq);
      this.#setTyping(from, false);
    }
    const result = this.#log.confirmed(from, seq, data);
    if (result) {
      this.emit(result.added ? 'message' : 'update', result.message);
    }
    return result?.message ?? null;
  }

  #failed(from, data) {
    const message = this.#log.failed(from, data);
    if (message) {
      this.emit('update', message);
    }
  }

  #fail(message, code, text) {
    fail(message, code, text);
    this.emit('update', message);
  }

  #failPending(code, text) {
    for (const message of this.#log.own()) {
      if (message.state === 'pending') {
        this.#fail(message, code, text);
      }
    }
  }

  // ---- typing and marks ----

  #setTyping(user, typing) {
    if (typeof user === 'string' && user !== this.#link.userId) {
      this.#typists.set(user, typing);
    }
  }

  #setMark(user, seq, quiet = false) {
    if (!Number.isSafeInteger(seq) || seq <= (this.#readMarks[user] ?? 0)) {
      return;
    }
    this.#readMarks[user] = seq;
    if (!quiet) {
      this.emit('seen', { userId: user, seq, readMarks: this.readMarks });
    }
  }
}

let fallbackCounter = 0;

/** A tempId: the message's idempotency key, unique per sender (at most 64 characters). */
function newTempId() {
  if (typeof globalThis.crypto?.randomUUID === 'function') {
    return globalThis.crypto.randomUUID();
  }
  fallbackCounter += 1;
  return `t-${Date.now().toString(36)}-${fallbackCounter}-${Math.random().toString(36).slice(2, 12)}`;
}
