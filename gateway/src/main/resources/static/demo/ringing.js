// The incoming-call banner ("Dr. Alice Meyer is calling" with Join and Decline): the gateway tells every chat
// member who is in the room's call (webrtc:call_state, and `call` in the chat join ack, so a reloaded page rings
// again). Each frame is the whole state. Declining is this page's business: the banner stays hidden until the
// call's users change (a new call, or someone else joins it).
export class Ringing {
  #users = [];
  #declined = null;

  /**
   * @param {object} parts `client` and `chat` (the adapter's), `names` (Names), `isInCall` (whether this page is
   *   in the call, or asking to be), `onJoin` (starts the call)
   */
  constructor({ client, chat, names, isInCall, onJoin, element }) {
    this.client = client;
    this.names = names;
    this.isInCall = isInCall;
    this.element = element;
    chat.on('joined', (ack) => this.#update(ack.call?.users));
    client.on('webrtc:call_state', (frame) => {
      if (frame.room === chat.room) {
        this.#update(frame.data?.users);
      }
    });
    names.onChange(() => this.render());
    element.querySelector('.join').addEventListener('click', () => {
      // Hidden at once: the camera prompt comes before the call exists, and a second click would start another.
      element.hidden = true;
      onJoin();
    });
    element.querySelector('.decline').addEventListener('click', () => {
      this.#declined = this.#key();
      this.render();
    });
  }

  /** Who is in the call, per the gateway. */
  get users() {
    return this.#users;
  }

  render() {
    const me = this.client.userId;
    const ringing = this.#users.length > 0 && !this.#users.includes(me) && !this.isInCall()
      && this.#declined !== this.#key();
    this.element.hidden = !ringing;
    this.element.dataset.users = this.#users.join(',');
    if (ringing) {
      this.element.querySelector('.who').textContent =
        `${this.names.list(this.#users)} ${this.#users.length === 1 ? 'is' : 'are'} calling`;
    }
  }

  #update(users) {
    this.#users = Array.isArray(users) ? users.filter((user) => typeof user === 'string') : [];
    if (this.#users.length === 0) {
      this.#declined = null;
    }
    this.render();
  }

  #key() {
    return [...this.#users].sort().join('\u0000');
  }
}
