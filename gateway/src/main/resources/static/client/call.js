/**
 * A WebRTC call through the gateway: who is in it, and one Peer (peer.js: an RTCPeerConnection with perfect
 * negotiation) per other user. Get it with client.call(room, options).
 *
 * Roles come from the gateway (the join ack's `roles`, `peer_joined`'s `role`): fixed per pair of users, so both
 * sides agree on who yields when offers cross. The joining side makes the first offer; a peer already in the
 * call waits for it (and offers itself if none arrives within `offerWait`). A peer that leaves without hanging up
 * (its socket dropped) keeps its connection for `peerLeftGrace`, so a reconnect of the signaling socket does not
 * interrupt the media.
 */
import { Emitter } from './emitter.js';
import { GatewayError } from './errors.js';
import { Peer } from './peer.js';
import { backoffDelay } from './reconnect.js';

/**
 * Events: `joined` (ack data), `peerjoined` ({peerId, role}), `peerleft` ({peerId, hungUp}), `stream`
 * ({peerId, stream}: a remote stream appeared), `track` ({peerId, track, stream}), `streamended` ({peerId, stream}),
 * `connectionstatechange` ({peerId, state, connectionState}), `left`, `error`, and every wire frame of the call
 * under its own type.
 */
export class Call extends Emitter {
  #link;
  #options;
  #RTCPeerConnection;
  #state = 'joining';
  #joinSentOn = null;
  #ackIceServers = null;
  #peers = new Map();
  #resolveReady;
  #rejoinTimer = null;
  #rejoinAttempt = 0;

  /** @param {object} link the client's internal link (not public API) */
  constructor(link, room, options = {}) {
    super();
    this.#link = link;
    this.room = room;
    this.#options = options;
    this.#RTCPeerConnection = options.RTCPeerConnection ?? link.options.RTCPeerConnection
      ?? globalThis.RTCPeerConnection;
    if (typeof this.#RTCPeerConnection !== 'function') {
      throw new TypeError('call(): RTCPeerConnection is not available here; pass options.RTCPeerConnection');
    }
    let rejectReady;
    /** Resolves with the join ack's data ({room, peers, roles}), or rejects (room_full, forbidden, ...). */
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.#rejectReady = rejectReady;
  }

  #rejectReady;

  /** `joining`, `joined`, `left` or `failed` (the join was refused). */
  get state() {
    return this.#state;
  }

  /** The local stream sent to every peer, or null for a receive-only call. */
  get localStream() {
    return this.#options.localStream ?? null;
  }

  /**
   * ICE servers in use: the gateway's when it sends them (in the join ack, renewed by `webrtc:ice_servers`), else
   * the call's option, else the client's.
   */
  get iceServers() {
    return this.#ackIceServers ?? this.#options.iceServers ?? this.#link.options.iceServers ?? [];
  }

  /** The peers: {id, role, connectionState, stream}. */
  get peers() {
    return [...this.#peers.values()].map((peer) => ({
      id: peer.id,
      role: peer.role,
      connectionState: peer.pc.connectionState,
      stream: peer.stream,
    }));
  }

  /** Remote streams by peer id. */
  get remoteStreams() {
    const streams = new Map();
    for (const peer of this.#peers.values()) {
      if (peer.stream) {
        streams.set(peer.id, peer.stream);
      }
    }
    return streams;
  }

  /** The first remote stream (the other party of a two-person consultation), or null. */
  get remoteStream() {
    return this.remoteStreams.values().next().value ?? null;
  }

  /**
   * The call's connection state: `connected` when every peer connection is connected, otherwise the state of
   * the one furthest from it (failed, disconnected, connecting, new); `new` with no peer, `closed` once left.
   */
  get connectionState() {
    if (this.#state === 'left' || this.#state === 'failed') {
      return 'closed';
    }
    const states = [...this.#peers.values()].map((peer) => peer.pc.connectionState);
    if (states.length === 0) {
      return 'new';
    }
    if (states.every((state) => state === 'connected')) {
      return 'connected';
    }
    for (const state of ['failed', 'disconnected', 'connecting', 'new', 'closed']) {
      if (states.includes(state)) {
        return state;
      }
    }
    return states[0];
  }

  /** The RTCPeerConnection toward a peer (for stats or data channels), or null. */
  peerConnection(peerId) {
    return this.#peers.get(peerId)?.pc ?? null;
  }

  /** Restarts ICE toward one peer, or every peer: use after a network change. Negotiation follows by itself. */
  restartIce(peerId) {
    for (const peer of this.#peers.values()) {
      if (peerId === undefined || peer.id === peerId) {
        peer.restartIce();
      }
    }
  }

  /** Leaves the call: closes every peer connection and sends webrtc:leave_room. The local stream is not stopped. */
  async leave() {
    if (this.#state === 'left') {
      return;
    }
    const joinedHere = this.#joinSentOn !== null && this.#joinSentOn === this.#link.serial;
    if (joinedHere && this.#link.isOpen) {
      // Hang-up, as opposed to a dropped socket: the peers close at once instead of waiting for a return.
      for (const peer of this.#peers.values()) {
        this.#link.send('webrtc:ice_candidate', this.room, { candidate: null, bye: true }, { to: peer.id });
      }
    }
    this._destroy();
    this.#rejectReady(new GatewayError('closed', `left the call of ${this.room} before the join completed`));
    if (joinedHere && this.#link.isOpen) {
      try {
        await this.#link.request('webrtc:leave_room', this.room, {});
      } catch (error) {
        if (!['not_in_room', 'disconnected', 'closed'].includes(error.code)) {
          throw error;
        }
      }
    }
    this.emit('left', { room: this.room });
  }

  // ---- called by the client ----

  _start() {
    if (this.#link.isOpen) {
      this.#sendJoin();
    }
  }

  _connected() {
    if (this.#state === 'joining' || this.#state === 'joined') {
      this.#sendJoin();
    }
  }

  _disconnected() {
    this.#joinSentOn = null;
    this.#clearRejoin();
  }

  _destroy() {
    this.#state = 'left';
    this.#clearRejoin();
    for (const peer of [...this.#peers.values()]) {
      this.#closePeer(peer);
    }
    this.#link.forgetCall(this);
  }

  _handle(frame) {
    const data = frame.data;
    const from = frame.from;
    if (frame.type === 'webrtc:ice_servers' && Array.isArray(data.iceServers)) {
      // Fresh (TURN) credentials before the old ones expire: used from the next ICE gathering or restart on.
      this.#ackIceServers = data.iceServers;
      for (const peer of this.#peers.values()) {
        peer.setIceServers(data.iceServers);
      }
    } else if (typeof from === 'string' && this.#state === 'joined') {
      switch (frame.type) {
        case 'webrtc:peer_joined':
          this.#peerJoined(from, data.role);
          break;
        case 'webrtc:peer_left': {
          const peer = this.#peers.get(from);
          if (peer) {
            this.#peerLeft(peer);
          }
          break;
        }
        case 'webrtc:offer':
        case 'webrtc:answer': {
          const peer = this.#peers.get(from) ?? (frame.type === 'webrtc:offer' ? this.#createPeer(from) : null);
          if (peer) {
            peer.receiveDescription(data.description);
          }
          break;
        }
        case 'webrtc:ice_candidate': {
          const peer = this.#peers.get(from);
          if (peer && data.bye === true) {
            this.emit('peerleft', { peerId: from, hungUp: true });
            this.#closePeer(peer);
          } else if (peer) {
            peer.receiveCandidate(data.candidate);
          }
          break;
        }
        default:
          break;
      }
    }
    this.emit(frame.type, frame);
  }

  // ---- joining ----

  #sendJoin() {
    this.#clearRejoin();
    const serial = this.#link.serial;
    this.#joinSentOn = serial;
    this.#link.request('webrtc:join_room', this.room, {})
      .then((ack) => this.#onJoined(ack, serial), (error) => this.#onJoinFailed(error, serial));
  }

  #onJoined(ack, serial) {
    if (this.#state === 'left' || this.#state === 'failed' || serial !== this.#link.serial) {
      return;
    }
    this.#state = 'joined';
    this.#rejoinAttempt = 0;
    this.#ackIceServers = Array.isArray(ack.iceServers) ? ack.iceServers : null;
    const roles = ack.roles && typeof ack.roles === 'object' ? ack.roles : {};
    const present = new Set(Array.isArray(ack.peers) ? ack.peers : []);
    for (const peerId of present) {
      let peer = this.#peers.get(peerId);
      if (peer && !peer.healthy) {
        this.#closePeer(peer);
        peer = null;
      }
      if (peer) {
        // Back after a reconnect of the signaling socket: the media path may well have survived.
        peer.cancel('left');
        if (roles[peerId] === 'polite' || roles[peerId] === 'impolite') {
          peer.polite = roles[peerId] === 'polite';
        }
        if (['disconnected', 'failed'].includes(peer.pc.iceConnectionState)) {
          peer.restartIce();
        }
        continue;
      }
      peer = this.#createPeer(peerId, roles[peerId]);
      peer.addLocalMedia(true);
    }
    for (const peer of [...this.#peers.values()]) {
      if (!present.has(peer.id) && !peer.has('left')) {
        this.#peerLeft(peer);
      }
    }
    this.#resolveReady(ack);
    this.emit('joined', ack);
  }

  #onJoinFailed(error, serial) {
    if (['disconnected', 'closed'].includes(error.code) || serial !== this.#link.serial || this.#state === 'left') {
      return;
    }
    this.emit('error', error);
    if (error.retryable) {
      const delay = backoffDelay(this.#rejoinAttempt++, this.#link.options.backoff, this.#link.random) + 250;
      this.#rejoinTimer = this.#link.timers.setTimeout(() => {
        this.#rejoinTimer = null;
        if (this.#link.isOpen && (this.#state === 'joining' || this.#state === 'joined')) {
          this.#sendJoin();
        }
      }, delay);
      return;
    }
    this._destroy();
    this.#state = 'failed';
    this.#rejectReady(error);
  }

  #clearRejoin() {
    if (this.#rejoinTimer !== null) {
      this.#link.timers.clearTimeout(this.#rejoinTimer);
      this.#rejoinTimer = null;
    }
  }

  // ---- peers ----

  #peerJoined(peerId, role) {
    let peer = this.#peers.get(peerId);
    if (peer && peer.healthy) {
      peer.cancel('left');
      if (role === 'polite' || role === 'impolite') {
        peer.polite = role === 'polite';
      }
    } else {
      if (peer) {
        this.#closePeer(peer);
      }
      peer = this.#createPeer(peerId, role);
      // The newcomer makes the offer; offer ourselves only if it never comes.
      const waiting = peer;
      peer.later('offerWait', this.#link.options.offerWait, () => {
        if (!waiting.mediaAdded && !waiting.pc.remoteDescription) {
          waiting.addLocalMedia(true);
        }
      });
    }
    this.emit('peerjoined', { peerId, role: peer.role });
  }

  #peerLeft(peer) {
    this.emit('peerleft', { peerId: peer.id, hungUp: false });
    if (peer.has('left')) {
      return;
    }
    const grace = this.#link.options.peerLeftGrace;
    if (grace <= 0 || !peer.healthy || peer.pc.connectionState !== 'connected') {
      this.#closePeer(peer);
      return;
    }
    // It left without hanging up (its socket dropped, the gateway restarted): it is probably reconnecting, and
    // the media path goes on meanwhile. A path that fails in the meantime closes at once.
    peer.later('left', grace, () => this.#closePeer(peer));
  }

  #createPeer(peerId, role) {
    const polite = role === 'polite' || role === 'impolite' ? role === 'polite' : String(this.#link.userId) > peerId;
    const peer = new Peer(peerId, polite, {
      RTCPeerConnection: this.#RTCPeerConnection,
      configuration: { ...(this.#options.configuration ?? {}), iceServers: this.iceServers },
      localStream: this.#options.localStream,
      timers: this.#link.timers,
    });
    peer.on('description', (description) => this.#sendDescription(peer, description));
    peer.on('candidate', (candidate) => {
      this.#link.send('webrtc:ice_candidate', this.room, { candidate }, { to: peerId });
    });
    peer.on('stream', (stream) => this.emit('stream', { peerId, stream }));
    peer.on('track', ({ track, stream }) => this.emit('track', { peerId, track, stream }));
    peer.on('statechange', (state) => {
      if (state === 'failed' && peer.has('left')) {
        this.#closePeer(peer);
        return;
      }
      this.emit('connectionstatechange', { peerId, state, connectionState: this.connectionState });
    });
    peer.on('stale', (offer) => {
      // The peer came back as a new session: start over with a fresh connection and its offer.
      this.#closePeer(peer);
      const replacement = this.#createPeer(peerId, peer.role);
      replacement.replacement = true;
      replacement.receiveDescription(offer);
    });
    peer.on('error', (error) => this.emit('error', error));
    this.#peers.set(peerId, peer);
    return peer;
  }

  #closePeer(peer) {
    if (peer.closed) {
      return;
    }
    peer.close();
    if (this.#peers.get(peer.id) === peer) {
      this.#peers.delete(peer.id);
    }
    if (peer.stream) {
      this.emit('streamended', { peerId: peer.id, stream: peer.stream });
    }
    this.emit('connectionstatechange', { peerId: peer.id, state: 'closed', connectionState: this.connectionState });
  }

  #sendDescription(peer, description) {
    const type = description.type === 'offer' ? 'webrtc:offer' : 'webrtc:answer';
    this.#link.request(type, this.room, { description }, { to: peer.id }).catch((error) => {
      if (!['disconnected', 'closed', 'timeout'].includes(error.code)) {
        this.emit('error', error);
      }
    });
  }
}
