/**
 * A WebRTC call through the gateway: who is in it, and one Peer (peer.js: an RTCPeerConnection with perfect
 * negotiation) per other user. Get it with client.call(room, options).
 *
 * Roles come from the gateway (the join ack's `roles`, `role` on peer_joined, peer_resumed and admitted): fixed per
 * pair of users, so both sides agree on who yields when offers cross (old gateways: user ids compared). The joining
 * side makes the first offer; a peer already in the call waits for it (and offers itself if none arrives within
 * `offerWait`). A call with a waiting room starts `waiting` until an admitter admits (webrtc:admitted, shaped like
 * a join ack) or declines. A peer whose socket drops keeps its connection (webrtc:peer_reconnecting); when it or
 * this side comes back within the gateway's grace (peer_resumed, or an ack with `resumed: true`) the impolite side
 * restarts ICE. protocol/README.md (section 5) has the gateway's side.
 */
import { Emitter } from './emitter.js';
import { GatewayError } from './errors.js';
import { Peer } from './peer.js';
import { backoffDelay } from './reconnect.js';

/**
 * Events: `joined` (ack data), `waiting` (the waiting ack), `declined` ({room, by}), `admissionRequested`
 * ({userId, name?, role?}), `admissionCancelled` ({userId, reason}), `peerjoined` ({peerId, role}),
 * `peerreconnecting` ({peerId}), `peerresumed` ({peerId, role}), `peerleft` ({peerId, hungUp}), `stream`
 * ({peerId, stream}: a remote stream appeared), `track` ({peerId, track, stream}), `streamended` ({peerId, stream}),
 * `connectionstatechange` ({peerId, state, connectionState}), `left`, `revoked` ({room, reason}: the gateway took
 * this connection out of the call, see auth:rooms_revoked; the call ends and is not joined again), `error`, and every wire frame of the call
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
  /** Whether the gateway keeps the place of a dropped peer (it sends `roles`): its peer_left is final. */
  #serverGrace = false;
  #admissionRequests = new Map();
  #iceRestarts = 0;

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

  /**
   * `joining`, `waiting` (in the waiting room until an admitter admits this user), `joined`, `declined` (an
   * admitter declined), `left` or `failed` (the join was refused).
   */
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

  /** The peers: {id, role, connectionState, stream, reconnecting}. */
  get peers() {
    return [...this.#peers.values()].map((peer) => ({
      id: peer.id,
      role: peer.role,
      connectionState: peer.pc.connectionState,
      stream: peer.stream,
      reconnecting: peer.reconnecting,
    }));
  }

  /** Users waiting for this admitter's answer: [{userId, name?, role?}], in the order they asked. */
  get admissionRequests() {
    return [...this.#admissionRequests.values()];
  }

  /** ICE restarts this side started (after a resume, a failure or restartIce()). */
  get iceRestarts() {
    return this.#iceRestarts;
  }

  /** Remote descriptions that carried new ICE credentials: ICE restarts the peers started. */
  get remoteIceRestarts() {
    let count = 0;
    for (const peer of this.#peers.values()) {
      count += peer.remoteIceRestarts;
    }
    return count + this.#closedRemoteIceRestarts;
  }

  #closedRemoteIceRestarts = 0;

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
        this.#restartIce(peer);
      }
    }
  }

  /** Admits a waiting user (admitters only); resolves with the ack ({room, userId}). */
  admit(userId) {
    return this.#answerAdmission('webrtc:admit', userId);
  }

  /** Declines a waiting user (admitters only); resolves with the ack ({room, userId}). */
  decline(userId) {
    return this.#answerAdmission('webrtc:decline', userId);
  }

  async #answerAdmission(type, userId) {
    try {
      const ack = await this.#link.request(type, this.room, { userId });
      this.#admissionRequests.delete(userId);
      return ack;
    } catch (error) {
      if (error.code === 'peer_not_found') {
        // No longer waiting: it left, or another admitter answered.
        this.#admissionRequests.delete(userId);
      }
      throw error;
    }
  }

  /** Leaves the call: closes every peer connection and sends webrtc:leave_room. The local stream is not stopped. */
  async leave() {
    if (this.#state === 'left') {
      return;
    }
    if (this.#state === 'declined') {
      // Already out of the queue: nothing to tell the gateway.
      this._destroy();
      this.emit('left', { room: this.room });
      return;
    }
    const joinedHere = this.#joinSentOn !== null && this.#joinSentOn === this.#link.serial;
    if (joinedHere && this.#link.isOpen) {
      // Hang-up, as opposed to a dropped socket: the peers close at once instead of waiting for a return.
      for (const peer of this.#peers.values()) {
        if (!peer.reconnecting) {
          this.#link.send('webrtc:ice_candidate', this.room, { candidate: null, bye: true }, { to: peer.id });
        }
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
    if (this.#state === 'joining' || this.#state === 'joined' || this.#state === 'waiting') {
      // Mid-call the gateway answers `resumed: true` (within its grace) and the peers restart ICE; a waiting
      // user takes its place in the queue again.
      this.#sendJoin();
    }
  }

  _disconnected() {
    this.#joinSentOn = null;
    this.#clearRejoin();
    // The gateway sends the requests still open again after the next join ack.
    this.#admissionRequests.clear();
  }

  _destroy() {
    this.#state = 'left';
    this.#clearRejoin();
    for (const peer of [...this.#peers.values()]) {
      this.#closePeer(peer);
    }
    this.#link.forgetCall(this);
  }

  /** The gateway took the connection out of the call (auth:rooms_revoked): end it locally, never re-join. */
  _revoked(reason) {
    if (this.#state === 'left') {
      return;
    }
    this._destroy();
    this.#rejectReady(new GatewayError('forbidden', `access to the call of ${this.room} was revoked (${reason})`));
    this.emit('revoked', { room: this.room, reason });
    this.emit('left', { room: this.room, reason });
  }

  _handle(frame) {
    const data = frame.data && typeof frame.data === 'object' ? frame.data : {};
    const from = frame.from;
    if (frame.type === 'webrtc:ice_servers') {
      if (Array.isArray(data.iceServers)) {
        // Fresh (TURN) credentials before the old ones expire: used from the next ICE gathering or restart on.
        this.#ackIceServers = data.iceServers;
        for (const peer of this.#peers.values()) {
          peer.setIceServers(data.iceServers);
        }
      }
    } else if (this.#state === 'waiting') {
      if (frame.type === 'webrtc:admitted') {
        this.#onJoined(data, this.#link.serial);
      } else if (frame.type === 'webrtc:declined') {
        this.#onDeclined(frame);
      }
    } else if (typeof from === 'string' && this.#state === 'joined') {
      switch (frame.type) {
        case 'webrtc:peer_joined':
          this.#peerJoined(from, data.role);
          break;
        case 'webrtc:peer_reconnecting':
          this.#peerReconnecting(from);
          break;
        case 'webrtc:peer_resumed':
          this.#peerResumed(from, data.role);
          break;
        case 'webrtc:peer_left': {
          const peer = this.#peers.get(from);
          if (peer) {
            this.#peerLeft(peer, this.#serverGrace ? 0 : this.#link.options.peerLeftGrace);
          }
          break;
        }
        case 'webrtc:admission_requested': {
          const userId = typeof data.userId === 'string' ? data.userId : from;
          const request = { userId };
          if (typeof data.name === 'string') {
            request.name = data.name;
          }
          if (typeof data.role === 'string') {
            request.role = data.role;
          }
          this.#admissionRequests.set(userId, request);
          this.emit('admissionRequested', request);
          break;
        }
        case 'webrtc:admission_cancelled': {
          const userId = typeof data.userId === 'string' ? data.userId : from;
          this.#admissionRequests.delete(userId);
          this.emit('admissionCancelled', { userId, reason: data.reason ?? null });
          break;
        }
        case 'webrtc:offer':
        case 'webrtc:answer': {
          const peer = this.#peers.get(from) ?? (frame.type === 'webrtc:offer' ? this.#createPeer(from) : null);
          if (peer) {
            if (peer.reconnecting) {
              // A signal from it means it is back (its peer_resumed may still be on its way).
              peer.reconnecting = false;
            }
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
            // `null` or an empty candidate: end of candidates, passed on as it came.
            peer.receiveCandidate(data.candidate ?? null);
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
    // resumable: the gateway keeps our seat through a dropped socket for its reconnect grace (peer_reconnecting).
    this.#link.request('webrtc:join_room', this.room, { resumable: true })
      .then((ack) => this.#onJoined(ack, serial), (error) => this.#onJoinFailed(error, serial));
  }

  #onJoined(ack, serial) {
    if (!['joining', 'joined', 'waiting'].includes(this.#state) || serial !== this.#link.serial) {
      return;
    }
    ack = ack && typeof ack === 'object' ? ack : {};
    this.#rejoinAttempt = 0;
    if (ack.status === 'waiting') {
      // A waiting room: not in the call until an admitter admits us (webrtc:admitted) or declines.
      const first = this.#state !== 'waiting';
      this.#state = 'waiting';
      if (first) {
        this.emit('waiting', ack);
      }
      return;
    }
    this.#state = 'joined';
    if (ack.roles && typeof ack.roles === 'object') {
      this.#serverGrace = true;
    }
    this.#ackIceServers = Array.isArray(ack.iceServers) ? ack.iceServers : null;
    const roles = ack.roles && typeof ack.roles === 'object' ? ack.roles : {};
    const resumed = ack.resumed === true;
    const away = new Set(Array.isArray(ack.reconnecting) ? ack.reconnecting : []);
    const present = new Set([...(Array.isArray(ack.peers) ? ack.peers : []), ...away]);
    for (const peerId of present) {
      const role = roles[peerId];
      let peer = this.#peers.get(peerId);
      if (peer && !peer.healthy) {
        this.#closePeer(peer);
        peer = null;
      }
      if (peer) {
        // Back after a reconnect of the signaling socket: the media path may well have survived.
        peer.cancel('left');
        if (role === 'polite' || role === 'impolite') {
          peer.polite = role === 'polite';
        }
        peer.reconnecting = away.has(peerId);
        if (peer.reconnecting) {
          continue;
        }
        if (resumed ? !peer.polite : ['disconnected', 'failed'].includes(peer.pc.iceConnectionState)) {
          // We kept our place: the impolite side makes the ICE-restart offer, the polite side waits for it.
          this.#restartIce(peer);
        }
        continue;
      }
      peer = this.#createPeer(peerId, role);
      if (away.has(peerId)) {
        // Nothing to say to it until it is back (webrtc:peer_resumed).
        peer.reconnecting = true;
        continue;
      }
      peer.addLocalMedia(true);
    }
    for (const peer of [...this.#peers.values()]) {
      if (!present.has(peer.id) && !peer.has('left')) {
        // Not in the call any more (e.g. the gateway restarted and lost the call): keep it for a while.
        this.#peerLeft(peer, this.#link.options.peerLeftGrace);
      }
    }
    this.#resolveReady(ack);
    this.emit('joined', ack);
  }

  #onDeclined(frame) {
    this.#state = 'declined';
    this.#clearRejoin();
    this.#link.forgetCall(this);
    const error = new GatewayError('declined', `the admission to the call of ${this.room} was declined`, frame);
    this.#rejectReady(error);
    this.emit('declined', { room: this.room, by: frame.from ?? null });
  }

  #onJoinFailed(error, serial) {
    if (['disconnected', 'closed'].includes(error.code) || serial !== this.#link.serial
        || this.#state === 'left' || this.#state === 'declined') {
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

  #peerReconnecting(peerId) {
    const peer = this.#peers.get(peerId);
    if (peer) {
      // Keep the connection (media often survives a signaling drop), but send it nothing until it is back.
      peer.reconnecting = true;
    }
    this.emit('peerreconnecting', { peerId });
  }

  #peerResumed(peerId, role) {
    let peer = this.#peers.get(peerId);
    if (peer && peer.healthy) {
      peer.cancel('left');
      peer.reconnecting = false;
      if (role === 'polite' || role === 'impolite') {
        peer.polite = role === 'polite';
      }
      if (!peer.polite) {
        this.#restartIce(peer);
      }
    } else {
      if (peer) {
        this.#closePeer(peer);
      }
      peer = this.#createPeer(peerId, role);
      if (!peer.polite) {
        peer.addLocalMedia(true);
      } else {
        const waiting = peer;
        peer.later('offerWait', this.#link.options.offerWait, () => {
          if (!waiting.mediaAdded && !waiting.pc.remoteDescription) {
            waiting.addLocalMedia(true);
          }
        });
      }
    }
    this.emit('peerresumed', { peerId, role: peer.role });
  }

  #restartIce(peer) {
    this.#iceRestarts += 1;
    peer.restartIce();
  }

  #peerLeft(peer, grace) {
    this.emit('peerleft', { peerId: peer.id, hungUp: false });
    if (peer.has('left')) {
      return;
    }
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
      // `null`: end of candidates. Nothing goes to a peer that is reconnecting (the gateway could not deliver it).
      if (!peer.reconnecting && this.#link.isOpen) {
        this.#link.send('webrtc:ice_candidate', this.room, { candidate }, { to: peerId });
      }
    });
    peer.on('stream', (stream) => this.emit('stream', { peerId, stream }));
    peer.on('track', ({ track, stream }) => this.emit('track', { peerId, track, stream }));
    peer.on('restart', () => {
      this.#iceRestarts += 1;
    });
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
    this.#closedRemoteIceRestarts += peer.remoteIceRestarts;
    if (this.#peers.get(peer.id) === peer) {
      this.#peers.delete(peer.id);
    }
    if (peer.stream) {
      this.emit('streamended', { peerId: peer.id, stream: peer.stream });
    }
    this.emit('connectionstatechange', { peerId: peer.id, state: 'closed', connectionState: this.connectionState });
  }

  #sendDescription(peer, description) {
    if (peer.reconnecting) {
      // It cannot receive it; when it is back the impolite side restarts ICE, which negotiates afresh.
      return;
    }
    const type = description.type === 'offer' ? 'webrtc:offer' : 'webrtc:answer';
    this.#link.request(type, this.room, { description }, { to: peer.id }).catch((error) => {
      // peer_not_found: the peer is gone or reconnecting; its peer_left or peer_resumed follows.
      if (!['disconnected', 'closed', 'timeout', 'peer_not_found'].includes(error.code)) {
        this.emit('error', error);
      }
    });
  }
}
