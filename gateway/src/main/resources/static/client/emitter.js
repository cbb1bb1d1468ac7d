/**
 * A minimal event emitter shared by the client, chat rooms and calls.
 *
 * A handler that throws does not stop the others: the error is reported (reportError in browsers,
 * console.error elsewhere) and delivery goes on.
 */
export class Emitter {
  #handlers = new Map();

  /** Calls `handler` for every `type` event; returns a function that removes it again. */
  on(type, handler) {
    if (typeof handler !== 'function') {
      throw new TypeError(`on(${JSON.stringify(type)}, handler): expected a function, got ${typeof handler}`);
    }
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    set.add(handler);
    return () => this.off(type, handler);
  }

  /** Removes a handler added with on(); does nothing if it is not registered. */
  off(type, handler) {
    const set = this.#handlers.get(type);
    if (set) {
      set.delete(handler);
      if (set.size === 0) {
        this.#handlers.delete(type);
      }
    }
    return this;
  }

  /** Calls `handler` for the next `type` event only. */
  once(type, handler) {
    const off = this.on(type, (...args) => {
      off();
      handler(...args);
    });
    return off;
  }

  /** Calls every handler of `type`; answers whether there was any. */
  emit(type, ...args) {
    const set = this.#handlers.get(type);
    if (!set) {
      return false;
    }
    for (const handler of [...set]) {
      try {
        handler(...args);
      } catch (error) {
        reportError(error);
      }
    }
    return true;
  }
}

function reportError(error) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
  } else {
    console.error(error);
  }
}
