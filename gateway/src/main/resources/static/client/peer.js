/**
 * One RTCPeerConnection toward one peer, negotiated with the perfect-negotiation pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example). It knows nothing of the gateway: it emits what
 * to send and is handed what arrived; the Call routes both.
 *
 * Events: `description` ({type, sdp}: an offer or answer to send), `candidate` (an ICE candidate to send),
 * `track` ({track, stream}), `stream` (a new remote stream), `statechange` (the connection state), `restart` (ICE
 * restarted by itself after a failure), `stale`
 * (an offer this connection could not take: the peer came back as a new session), `error`.
 */
import { Emitter } from './emitter.js';

export class Peer extends Emitter {
  #timers;
  #timerIds = new Map();
  #localStream;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #candidates = [];
  #queue = Promise.resolve();

  /** The remote stream, once a track arrived. */
  stream = null;
  /** Whether local tracks (or receive-only transceivers) were added. */
  mediaAdded = false;
  closed = false;
  /** Whether this connection replaced a stale one (it is not replaced again). */
  replacement = false;
  /** Whether the peer's signaling socket is away (webrtc:peer_reconnecting): nothing is sent to it meanwhile. */
  reconnecting = false;
  /** Remote descriptions whose ICE credentials changed: an ICE restart (by either side) went through. */
  remoteIceRestarts = 0;
  #remoteUfrag = null;

  /**
   * @param {string} id the peer's user id
   * @param {boolean} polite this side's role toward the peer: the polite side yields when offers cross
   * @param {{RTCPeerConnection: Function, configuration: RTCConfiguration, localStream: MediaStream|null,
   *     timers: {setTimeout: Function, clearTimeout: Function}}} options
   */
  constructor(id, polite, { RTCPeerConnection, configuration, localStream, timers }) {
    super();
    this.id = id;
    this.polite = polite;
    this.#timers = timers;
    this.#localStream = localStream ?? null;
    const pc = new RTCPeerConnection(configuration);
    this.pc = pc;
    pc.onnegotiationneeded = () => this.#negotiate();
    pc.onicecandidate = (event) => {
      const { candidate } = event;
      if (candidate) {
        this.emit('candidate', typeof candidate.toJSON === 'function' ? candidate.toJSON() : candidate);
      } else {
        // Gathering is complete: the final, null candidate tells the peer there are no more.
        this.emit('candidate', null);
      }
    };
    pc.ontrack = (event) => this.#onTrack(event);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && typeof pc.restartIce === 'function') {
        pc.restartIce();
        this.emit('restart');
      }
      this.emit('statechange', pc.connectionState);
    };
  }

  get role() {
    return this.polite ? 'polite' : 'impolite';
  }

  /** Not closed, and its connection neither failed nor closed. */
  get healthy() {
    return !this.closed && !['failed', 'closed'].includes(this.pc.connectionState);
  }

  /**
   * Adds the local tracks, which makes an offer follow by itself. With no local stream, an initiating side asks
   * to receive audio and video instead.
   */
  addLocalMedia(initiating) {
    this.mediaAdded = true;
    const stream = this.#localStream;
    if (stream) {
      for (const track of stream.getTracks()) {
        this.pc.addTrack(track, stream);
      }
    } else if (initiating) {
      this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.pc.addTransceiver('video', { direction: 'recvonly' });
    }
  }

  /** Handles a remote offer or answer, after everything that arrived before it. */
  receiveDescription(description) {
    this.#serially(() => this.#onDescription(description));
  }

  /** Handles a remote ICE candidate; held until the remote description is set. */
  receiveCandidate(candidate) {
    this.#serially(() => this.#onCandidate(candidate));
  }

  restartIce() {
    this.pc.restartIce?.();
  }

  /** Replaces the ICE servers (fresh TURN credentials); they apply from the next gathering or ICE restart. */
  setIceServers(iceServers) {
    if (typeof this.pc.setConfiguration !== 'function') {
      return;
    }
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    } catch (error) {
      this.emit('error', error);
    }
  }

  /** Runs `fn` after `ms` unless cancelled or closed first; one timer per name. */
  later(name, ms, fn) {
    this.cancel(name);
    this.#timerIds.set(name, this.#timers.setTimeout(() => {
      this.#timerIds.delete(name);
      if (!this.closed) {
        fn();
      }
    }, ms));
  }

  cancel(name) {
    const id = this.#timerIds.get(name);
    if (id !== undefined) {
      this.#timers.clearTimeout(id);
      this.#timerIds.delete(name);
    }
  }

  has(name) {
    return this.#timerIds.has(name);
  }

  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const name of [...this.#timerIds.keys()]) {
      this.cancel(name);
    }
    const pc = this.pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    try {
      pc.close();
    } catch {
      // already closed
    }
  }

  // ---- perfect negotiation ----

  async #negotiate() {
    if (this.closed) {
      return;
    }
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      if (!this.closed) {
        this.#emitLocalDescription();
      }
    } catch (error) {
      this.emit('error', error);
    } finally {
      this.#makingOffer = false;
    }
  }

  #serially(step) {
    this.#queue = this.#queue
      .then(() => (this.closed ? undefined : step()))
      .catch((error) => this.emit('error', error));
  }

  async #onDescription(description) {
    if (!description || (description.type !== 'offer' && description.type !== 'answer')) {
      return;
    }
    const pc = this.pc;
    const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.polite && collision;
    if (this.#ignoreOffer) {
      return;
    }
    this.cancel('offerWait');
    this.#settingRemoteAnswer = description.type === 'answer';
    try {
      await pc.setRemoteDescription(description);
      const ufrag = iceUfrag(description.sdp);
      if (ufrag !== null) {
        if (this.#remoteUfrag !== null && ufrag !== this.#remoteUfrag) {
          this.remoteIceRestarts += 1;
        }
        this.#remoteUfrag = ufrag;
      }
    } catch (error) {
      if (description.type === 'offer' && !this.replacement) {
        this.emit('stale', description);
        return;
      }
      throw error;
    } finally {
      this.#settingRemoteAnswer = false;
    }
    for (const candidate of this.#candidates.splice(0)) {
      try {
        await pc.addIceCandidate(candidate);
      } catch {
        // a candidate of a description that was rolled back or ignored
      }
    }
    if (description.type === 'offer' && !this.closed) {
      if (!this.mediaAdded) {
        // Tracks added after the remote offer ride on its transceivers: the answer carries them.
        this.addLocalMedia(false);
      }
      await pc.setLocalDescription();
      this.#emitLocalDescription();
    }
  }

  async #onCandidate(candidate) {
    // `null` or an empty `candidate` string: end of candidates of this generation, given to the connection as is.
    const end = candidate === null || candidate === undefined || candidate.candidate === '';
    if (!this.pc.remoteDescription) {
      this.#candidates.push(candidate ?? null);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate ?? null);
    } catch (error) {
      if (!this.#ignoreOffer && !end) {
        this.emit('error', error);
      }
    }
  }

  #emitLocalDescription() {
    const { type, sdp } = this.pc.localDescription;
    this.emit('description', { type, sdp });
  }

  #onTrack(event) {
    let stream = event.streams?.[0] ?? null;
    if (!stream) {
      stream = this.stream ?? (typeof MediaStream === 'function' ? new MediaStream() : null);
      stream?.addTrack(event.track);
    }
    const isNew = stream !== null && this.stream !== stream;
    this.stream = stream;
    if (isNew) {
      this.emit('stream', stream);
    }
    this.emit('track', { track: event.track, stream });
  }
}

/** The first `a=ice-ufrag:` of an SDP, or null. */
function iceUfrag(sdp) {
  const match = typeof sdp === 'string' ? /^a=ice-ufrag:(\S+)/m.exec(sdp) : null;
  return match ? match[1] : null;
}
