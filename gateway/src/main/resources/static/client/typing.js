/**
 * Typing indicators, both ways: debouncing this user's keystrokes into `chat:typing` / `chat:stop_typing`, and
 * keeping the set of other users typing, each entry expiring if its stop never comes.
 */

/** This user's side: call typing() on every keystroke. */
export class TypingSender {
  #timers;
  #now;
  #options;
  #send;
  #active = false;
  #sentAt = 0;
  #idleTimer = null;

  /**
   * @param {{interval: number, idle: number}} options resend at most every `interval`; stop after `idle`
   * @param {(type: string) => boolean} send sends a frame if it can, answers whether it did
   */
  constructor(timers, now, options, send) {
    this.#timers = timers;
    this.#now = now;
    this.#options = options;
    this.#send = send;
  }

  typing() {
    const now = this.#now();
    if (!this.#active || now - this.#sentAt >= this.#options.interval) {
      if (!this.#send('chat:typing')) {
        return;
      }
      this.#active = true;
      this.#sentAt = now;
    }
    this.#clearIdle();
    this.#idleTimer = this.#timers.setTimeout(() => {
      this.#idleTimer = null;
      this.stop();
    }, this.#options.idle);
  }

  stop() {
    this.#clearIdle();
    if (this.#active) {
      this.#active = false;
      this.#send('chat:stop_typing');
    }
  }

  /** Forgets the state without sending anything (the connection is gone). */
  reset() {
    this.#clearIdle();
    this.#active = false;
  }

  #clearIdle() {
    if (this.#idleTimer !== null) {
      this.#timers.clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
    }
  }
}

/** The other users typing. */
export class TypingUsers {
  #timers;
  #expiry;
  #onChange;
  #users = new Map();

  /** @param {(userId: string, typing: boolean) => void} onChange called when a user starts or stops */
  constructor(timers, expiry, onChange) {
    this.#timers = timers;
    this.#expiry = expiry;
    this.#onChange = onChange;
  }

  get users() {
    return [...this.#users.keys()];
  }

  set(user, typing) {
    const timer = this.#users.get(user);
    if (timer !== undefined) {
      this.#timers.clearTimeout(timer);
    }
    if (typing) {
      this.#users.set(user, this.#timers.setTimeout(() => this.set(user, false), this.#expiry()));
      if (timer === undefined) {
        this.#onChange(user, true);
      }
    } else if (timer !== undefined) {
      this.#users.delete(user);
      this.#onChange(user, false);
    }
  }

  clear() {
    for (const user of [...this.#users.keys()]) {
      this.set(user, false);
    }
  }
}
