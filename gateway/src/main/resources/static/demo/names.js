// Display names (the token's `name` claim) of the room's users, learnt from the chat join ack, chat:user_joined and
// chat:message; the user id stands in until a name is known. Names are untrusted text chosen by whoever issued the
// token: the page renders them with textContent only, never as HTML.
export class Names {
  #names = new Map();
  #listeners = [];

  /** Listens to `chat` before the page does, so that a name is known when the page renders the event. */
  constructor(chat) {
    chat.on('joined', (ack) => {
      for (const [userId, name] of Object.entries(ack.names ?? {})) {
        this.learn(userId, name);
      }
    });
    chat.on('chat:user_joined', (frame) => this.learn(frame.data?.userId, frame.data?.name));
    chat.on('chat:message', (frame) => this.learn(frame.from, frame.data?.name));
  }

  learn(userId, name) {
    if (typeof userId !== 'string' || typeof name !== 'string' || !name.trim()
        || this.#names.get(userId) === name) {
      return;
    }
    this.#names.set(userId, name);
    // A name can arrive after what it labels was drawn (chat:message comes after the message event).
    this.#listeners.forEach((listener) => listener(userId));
  }

  /** Calls `listener(userId)` whenever a new name is learnt. */
  onChange(listener) {
    this.#listeners.push(listener);
  }

  of(userId) {
    return this.#names.get(userId) ?? userId ?? 'someone';
  }

  /** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
  list(userIds) {
    const names = userIds.map((userId) => this.of(userId));
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
}
