/**
 * The messages of one chat room, deduplicated: an optimistic `chat:message` and its `chat:confirmed` are one
 * message (matched by sender and tempId), and a confirmation seen twice (a resume replay, the answer to a retry)
 * counts once (matched by seq). Messages are plain objects, changed in place, so a UI can keep references.
 */
export class MessageLog {
  #userId;
  #messages = new Set();
  #order = new WeakMap();
  #counter = 0;
  #bySeq = new Map();
  #byKey = new Map();
  #own = new Map();
  #lastSeq = null;
  #oldestSeq = null;

  /** @param {() => string|null} userId this user's id, once known */
  constructor(userId) {
    this.#userId = userId;
  }

  /** Confirmed messages by seq, then pending and failed ones in the order they appeared. */
  get messages() {
    return [...this.#messages].sort((a, b) => {
      if (a.seq != null && b.seq != null) {
        return a.seq - b.seq;
      }
      if (a.seq != null) {
        return -1;
      }
      if (b.seq != null) {
        return 1;
      }
      return this.#order.get(a) - this.#order.get(b);
    });
  }

  /** The highest seq seen, or null. */
  get lastSeq() {
    return this.#lastSeq;
  }

  /** The lowest seq held, where the next history page ends; null when none is held. */
  get oldestSeq() {
    return this.#oldestSeq;
  }

  /** Raises lastSeq (from a join ack). */
  noteSeq(seq) {
    this.#lastSeq = Math.max(this.#lastSeq ?? 0, seq);
  }

  /** This user's messages, in the order they were sent. */
  own() {
    return this.#own.values();
  }

  /** Whether `message` is one this client sent (and so may retry). */
  isOwnSent(message) {
    return this.#own.get(message.tempId) === message;
  }

  /** Adds a message this client is sending. */
  addOwn(message) {
    this.#own.set(message.tempId, message);
    this.#add(message);
  }

  /** Gives own messages written before the first connection their sender. */
  adoptUserId(userId) {
    for (const message of this.#own.values()) {
      if (message.from === null) {
        message.from = userId;
        this.#byKey.set(key(userId, message.tempId), message);
      }
    }
  }

  /** An optimistic `chat:message`: returns the new message, or null when it is already known. */
  optimistic(from, data) {
    if (typeof data.tempId !== 'string' || this.#find(from, data.tempId)) {
      return null;
    }
    const own = from === this.#userId();
    const message = { ...data, from: from ?? null, seq: null, msgId: null, state: 'pending', own, error: null };
    this.#add(message);
    return message;
  }

  /**
   * A stored message (live, replayed or from history). Returns {message, added} when it was added or an
   * optimistic one became confirmed, null when it was already known.
   */
  confirmed(from, seq, data) {
    this.noteSeq(seq);
    if (this.#oldestSeq === null || seq < this.#oldestSeq) {
      this.#oldestSeq = seq;
    }
    if (this.#bySeq.has(seq)) {
      return null;
    }
    const fields = { ...data, from: from ?? null, seq, state: 'confirmed', error: null };
    const existing = this.#find(from, data.tempId);
    if (existing && existing.seq == null) {
      Object.assign(existing, fields);
      this.#bySeq.set(seq, existing);
      return { message: existing, added: false };
    }
    const message = { msgId: null, tempId: null, ...fields, own: from === this.#userId() };
    this.#add(message);
    return { message, added: true };
  }

  /** A `chat:failed`: returns the message that failed, or null when unknown or already confirmed. */
  failed(from, data) {
    const message = this.#find(from, data.tempId);
    if (!message || message.state !== 'pending') {
      return null;
    }
    fail(message, data.code ?? 'internal', data.message ?? 'the message could not be stored');
    return message;
  }

  #find(from, tempId) {
    if (typeof tempId !== 'string') {
      return null;
    }
    if (from === this.#userId()) {
      const own = this.#own.get(tempId);
      if (own) {
        return own;
      }
    }
    return this.#byKey.get(key(from, tempId)) ?? null;
  }

  #add(message) {
    this.#order.set(message, this.#counter++);
    this.#messages.add(message);
    if (message.seq != null) {
      this.#bySeq.set(message.seq, message);
    }
    if (message.from != null && typeof message.tempId === 'string') {
      this.#byKey.set(key(message.from, message.tempId), message);
    }
  }
}

/** Marks a message failed with `{code, message}`. */
export function fail(message, code, text) {
  message.state = 'failed';
  message.error = { code, message: text };
}

function key(from, tempId) {
  return `${from}\u0000${tempId}`;
}
