import test from 'node:test';
import assert from 'node:assert/strict';

import { connect } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

const ROOM = 'consult-42';

/** Just enough of RTCPeerConnection for the negotiation logic: descriptions, candidates, implicit rollback. */
function fakePeerConnectionClass() {
  let sdp = 0;
  class FakePeerConnection {
    static instances = [];

    constructor(configuration) {
      this.configuration = configuration;
      this.signalingState = 'stable';
      this.connectionState = 'new';
      this.iceConnectionState = 'new';
      this.localDescription = null;
      this.remoteDescription = null;
      this.senders = [];
      this.added = [];
      this.log = [];
      FakePeerConnection.instances.push(this);
    }

    addTrack(track) {
      this.senders.push(track);
      this.#negotiationNeeded();
    }

    addTransceiver(kind, init) {
      this.senders.push(`${kind}:${init.direction}`);
      this.#negotiationNeeded();
    }

    #negotiationNeeded() {
      queueMicrotask(() => {
        if (this.signalingState === 'stable') {
          this.onnegotiationneeded?.();
        }
      });
    }

    async setLocalDescription() {
      await null;
      const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
      this.localDescription = { type, sdp: `local-${type}-${++sdp}` };
      this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
      this.log.push(`local ${type}`);
    }

    async setRemoteDescription(description) {
      await null;
      if (this.refuseRemoteDescriptions) {
        throw new Error('fingerprint changed');
      }
      if (description.type === 'offer' && this.signalingState === 'have-local-offer') {
        this.log.push('rollback');
      }
      this.remoteDescription = description;
      this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
      this.log.push(`remote ${description.type}`);
    }

    async addIceCandidate(candidate) {
      if (!this.remoteDescription) {
        throw new Error('addIceCandidate before the remote description');
      }
      this.added.push(candidate === null || candidate === undefined ? null : candidate.candidate);
    }

    restartIce() {
      this.log.push('restartIce');
    }

    getConfiguration() {
      return this.configuration;
    }

    setConfiguration(configuration) {
      this.configuration = configuration;
    }

    close() {
      this.connectionState = 'closed';
      this.signalingState = 'closed';
      this.log.push('close');
    }
  }
  return FakePeerConnection;
}

const localStream = { getTracks: () => ['audio-track', 'video-track'] };

async function setUp(user, extra = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const RTCPeerConnection = fakePeerConnectionClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { RTCPeerConnection, iceServers: [{ urls: 'stun:client.example' }], ...extra }));
  await flush();
  WebSocket.last.accept(user);
  return { clock, WebSocket, RTCPeerConnection, client, socket: WebSocket.last };
}

const signal = (type, from, data) => ({ type, room: ROOM, from, data });

test('the joining side offers to each peer and holds early ICE candidates until the answer is set', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' }, iceServers: [{ urls: 'turn:ack.example' }] });
  assert.equal((await call.ready).room, ROOM);
  await flush();
  const pc = RTCPeerConnection.last ?? RTCPeerConnection.instances[0];
  assert.deepEqual(pc.configuration.iceServers, [{ urls: 'turn:ack.example' }], 'the ack\'s ICE servers win');
  assert.deepEqual(pc.senders, ['audio-track', 'video-track']);
  const offer = socket.lastSent('webrtc:offer');
  assert.equal(offer.to, 'alice');
  assert.equal(offer.data.description.type, 'offer');
  assert.ok(offer.id, 'offers are requests, so a refusal comes back');

  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: { candidate: 'early-1' } }));
  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: { candidate: 'early-2' } }));
  await flush();
  assert.deepEqual(pc.added, []);
  socket.deliver(signal('webrtc:answer', 'alice', { description: { type: 'answer', sdp: 'remote-answer' } }));
  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: { candidate: 'late' } }));
  await flush();
  await flush();
  assert.deepEqual(pc.added, ['early-1', 'early-2', 'late']);
  assert.equal(pc.signalingState, 'stable');
  assert.equal(call.peers[0].role, 'polite');
});

test('a peer already in the call answers the newcomer\'s offer and adds its media to that answer', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('alice');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: [], roles: {} });
  await call.ready;
  const joined = [];
  call.on('peerjoined', (event) => joined.push(event));
  socket.deliver(signal('webrtc:peer_joined', 'bob', { role: 'impolite' }));
  assert.deepEqual(joined, [{ peerId: 'bob', role: 'impolite' }]);
  const pc = RTCPeerConnection.instances[0];
  assert.deepEqual(pc.configuration.iceServers, [{ urls: 'stun:client.example' }]);
  await flush();
  assert.equal(socket.sentOf('webrtc:offer').length, 0, 'waits for the newcomer to offer');
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'bob-offer' } }));
  await flush();
  await flush();
  assert.deepEqual(pc.senders, ['audio-track', 'video-track']);
  const answer = socket.lastSent('webrtc:answer');
  assert.equal(answer.to, 'bob');
  assert.equal(answer.data.description.type, 'answer');
});

test('when offers cross, the polite side rolls back and answers, the impolite side ignores the other offer', async () => {
  for (const [role, answers] of [['polite', 1], ['impolite', 0]]) {
    const { socket, client, RTCPeerConnection } = await setUp('bob');
    const call = client.call(ROOM, { localStream });
    const errors = [];
    call.on('error', (e) => errors.push(e));
    socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: role } });
    await call.ready;
    await flush();
    const pc = RTCPeerConnection.instances[0];
    assert.equal(pc.signalingState, 'have-local-offer');
    socket.deliver(signal('webrtc:offer', 'alice', { description: { type: 'offer', sdp: 'alice-offer' } }));
    socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: { candidate: 'for-alice-offer' } }));
    await flush();
    await flush();
    assert.equal(socket.sentOf('webrtc:answer').length, answers, `${role}`);
    assert.equal(pc.log.includes('rollback'), role === 'polite');
    assert.deepEqual(errors, [], 'candidates of an ignored offer are dropped quietly');
  }
});

test('leaving closes the peer connections and tells the gateway', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' } });
  await call.ready;
  const leaving = call.leave();
  socket.ack('webrtc:leave_room', { room: ROOM });
  await leaving;
  assert.ok(RTCPeerConnection.instances[0].log.includes('close'));
  assert.equal(call.state, 'left');
  assert.equal(call.connectionState, 'closed');
  assert.notEqual(client.call(ROOM, { localStream }), call, 'a new call object after leaving');
});

test('joining a call asks the gateway to keep the seat through a dropped socket', async () => {
  const { socket, client } = await setUp('carol');
  client.call(ROOM, { localStream });
  const frame = socket.lastSent('webrtc:join_room');
  assert.equal(frame.data.resumable, true);
});

test('a full call rejects ready with room_full', async () => {
  const { socket, client } = await setUp('carol');
  const call = client.call(ROOM, { localStream });
  const frame = socket.lastSent('webrtc:join_room');
  socket.deliver({ type: 'error', id: frame.id, data: { code: 'room_full', message: 'the call already has 2 participants' } });
  await assert.rejects(call.ready, { code: 'room_full' });
  assert.equal(call.state, 'failed');
});

test('after a signaling reconnect a live peer connection is kept and the call re-joined', async () => {
  const { clock, WebSocket, socket, client, RTCPeerConnection } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' } });
  await call.ready;
  const pc = RTCPeerConnection.instances[0];
  pc.connectionState = 'connected';
  socket.drop(1006);
  await clock.advance(10_000);
  WebSocket.last.accept('bob');
  assert.equal(WebSocket.last.sentOf('webrtc:join_room').length, 1);
  WebSocket.last.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' } });
  await flush();
  assert.equal(RTCPeerConnection.instances.length, 1);
  assert.ok(!pc.log.includes('close'));
});

test('with an older gateway (no roles, no grace of its own) a peer whose socket dropped is kept for the grace period', async () => {
  const { clock, socket, client, RTCPeerConnection } = await setUp('bob', { peerLeftGrace: 15_000 });
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice', 'carol'] });
  await call.ready;
  const [alice, carol] = RTCPeerConnection.instances;
  alice.connectionState = 'connected';
  carol.connectionState = 'connected';
  const left = [];
  call.on('peerleft', (event) => left.push(event));

  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: null, bye: true }));
  socket.deliver(signal('webrtc:peer_left', 'alice', {}));
  assert.ok(alice.log.includes('close'));
  assert.deepEqual(left[0], { peerId: 'alice', hungUp: true });

  socket.deliver(signal('webrtc:peer_left', 'carol', {}));
  assert.deepEqual(left.at(-1), { peerId: 'carol', hungUp: false });
  await clock.advance(14_000);
  assert.ok(!carol.log.includes('close'), 'kept while carol may be reconnecting');
  socket.deliver(signal('webrtc:peer_joined', 'carol', { role: 'polite' }));
  await clock.advance(5_000);
  assert.ok(!carol.log.includes('close'), 'carol came back in time: same connection');
  assert.equal(RTCPeerConnection.instances.length, 2);

  socket.deliver(signal('webrtc:peer_left', 'carol', {}));
  await clock.advance(15_000);
  assert.ok(carol.log.includes('close'), 'closed once the grace period is over');
});

test('leave() tells each peer it hung up before leaving the call', async () => {
  const { socket, client } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' } });
  await call.ready;
  const leaving = call.leave();
  const types = socket.sent.map((frame) => frame.type);
  assert.ok(types.indexOf('webrtc:ice_candidate') < types.indexOf('webrtc:leave_room'));
  const bye = socket.sentOf('webrtc:ice_candidate').at(-1);
  assert.deepEqual(bye, { type: 'webrtc:ice_candidate', room: ROOM, to: 'alice', data: { candidate: null, bye: true } });
  socket.ack('webrtc:leave_room', { room: ROOM });
  await leaving;
});

test('an offer the kept connection cannot take starts a fresh connection with it', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('alice');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: [], roles: {} });
  await call.ready;
  socket.deliver(signal('webrtc:peer_joined', 'bob', { role: 'impolite' }));
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'first' } }));
  await flush();
  await flush();
  const stale = RTCPeerConnection.instances[0];
  stale.connectionState = 'connected';
  stale.refuseRemoteDescriptions = true;
  // bob reloaded his page: a new session offers to the old connection
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'new-page' } }));
  for (let i = 0; i < 5; i++) {
    await flush();
  }
  assert.ok(stale.log.includes('close'));
  assert.equal(RTCPeerConnection.instances.length, 2);
  assert.equal(RTCPeerConnection.instances[1].remoteDescription.sdp, 'new-page');
  assert.equal(socket.sentOf('webrtc:answer').length, 2);
});

test('fresh ICE servers from the gateway replace those of the open peer connections', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: 'polite' }, iceServers: [{ urls: 'turn:a', username: 'old' }] });
  await call.ready;
  const fresh = [{ urls: 'turn:a', username: 'new', credential: 'c' }];
  socket.deliver({ type: 'webrtc:ice_servers', room: ROOM, data: { iceServers: fresh } });
  assert.deepEqual(RTCPeerConnection.instances[0].configuration.iceServers, fresh);
  assert.deepEqual(call.iceServers, fresh);
});

// ---- consultation calls (protocol/CALLS.md): roles, ICE servers, waiting room, reconnecting peers ----

async function joined(user, ack, extra = {}) {
  const env = await setUp(user, extra);
  const call = env.client.call(ROOM, { localStream, ...(extra.callOptions ?? {}) });
  env.socket.ack('webrtc:join_room', { room: ROOM, ...ack });
  await call.ready;
  await flush();
  return { ...env, call };
}

test('roles come from the gateway, not from sorting user ids', async () => {
  // 'alice' sorts before 'bob', so the id fallback would make alice impolite: the gateway says otherwise.
  const { socket, call } = await joined('alice', { peers: ['bob'], roles: { bob: 'polite' } });
  assert.equal(call.peers[0].role, 'polite');
  socket.deliver(signal('webrtc:peer_joined', 'carol', { role: 'polite' }));
  assert.equal(call.peers.find((p) => p.id === 'carol').role, 'polite');
  socket.deliver(signal('webrtc:peer_reconnecting', 'carol', {}));
  socket.deliver(signal('webrtc:peer_resumed', 'carol', { role: 'impolite' }));
  assert.equal(call.peers.find((p) => p.id === 'carol').role, 'impolite', 'peer_resumed carries the role too');
});

test('an old gateway without roles falls back to comparing user ids', async () => {
  const { call } = await joined('bob', { peers: ['alice'] });
  assert.equal(call.peers[0].role, 'polite', "'bob' sorts after 'alice'");
});

test('ICE servers: the ack\'s list when it is an array, else the option; webrtc:ice_servers updates every peer', async () => {
  const fromOption = await joined('bob', { peers: ['alice'], roles: { alice: 'polite' }, iceServers: 'nonsense' },
    { callOptions: { iceServers: [{ urls: 'stun:call-option' }] } });
  assert.deepEqual(fromOption.RTCPeerConnection.instances[0].configuration.iceServers, [{ urls: 'stun:call-option' }]);

  const { socket, call, RTCPeerConnection } = await joined('bob',
    { peers: ['alice', 'carol'], roles: { alice: 'polite', carol: 'polite' }, iceServers: [{ urls: 'turn:ack' }] },
    { callOptions: { configuration: { bundlePolicy: 'max-bundle' } } });
  const fresh = [{ urls: 'turn:fresh', username: '2:bob', credential: 'x' }];
  socket.deliver({ type: 'webrtc:ice_servers', room: ROOM, data: { iceServers: fresh } });
  for (const pc of RTCPeerConnection.instances) {
    assert.deepEqual(pc.configuration, { bundlePolicy: 'max-bundle', iceServers: fresh }, 'other settings kept');
  }
  assert.deepEqual(call.iceServers, fresh);
  socket.deliver(signal('webrtc:peer_joined', 'dave', { role: 'impolite' }));
  assert.deepEqual(RTCPeerConnection.instances.at(-1).configuration.iceServers, fresh, 'new peers get the fresh list');
});

test('waiting room: waiting, then admitted proceeds like a join with the admitted data', async () => {
  const { socket, client, RTCPeerConnection } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  const events = [];
  call.on('waiting', () => events.push('waiting'));
  call.on('joined', () => events.push('joined'));
  socket.ack('webrtc:join_room', { room: ROOM, status: 'waiting' });
  socket.deliver({ type: 'webrtc:waiting', room: ROOM, data: {} });
  await flush();
  assert.equal(call.state, 'waiting');
  assert.deepEqual(events, ['waiting']);
  assert.equal(RTCPeerConnection.instances.length, 0);
  let settled = false;
  call.ready.then(() => { settled = true; });
  await flush();
  assert.equal(settled, false, 'ready waits for the admission');

  socket.deliver({ type: 'webrtc:admitted', room: ROOM, from: 'alice',
    data: { room: ROOM, peers: ['alice'], roles: { alice: 'polite' }, iceServers: [{ urls: 'turn:admitted' }] } });
  const ack = await call.ready;
  assert.deepEqual(ack.peers, ['alice']);
  await flush();
  assert.equal(call.state, 'joined');
  assert.deepEqual(events, ['waiting', 'joined']);
  const pc = RTCPeerConnection.instances[0];
  assert.deepEqual(pc.configuration.iceServers, [{ urls: 'turn:admitted' }]);
  assert.equal(call.peers[0].role, 'polite');
  assert.equal(socket.lastSent('webrtc:offer').to, 'alice', 'the admitted newcomer makes the first offer');
});

test('waiting room: declined rejects ready with a declined error and does not join again', async () => {
  const { clock, WebSocket, socket, client } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, status: 'waiting' });
  await flush();
  const declined = [];
  call.on('declined', (event) => declined.push(event));
  socket.deliver({ type: 'webrtc:declined', room: ROOM, from: 'alice', data: {} });
  await assert.rejects(call.ready, { name: 'GatewayError', code: 'declined' });
  assert.equal(call.state, 'declined');
  assert.deepEqual(declined, [{ room: ROOM, by: 'alice' }]);
  socket.drop(1006);
  await clock.advance(10_000);
  WebSocket.last.accept('bob');
  assert.equal(WebSocket.last.sentOf('webrtc:join_room').length, 0, 'no automatic re-join after a decline');
  assert.notEqual(client.call(ROOM, { localStream }), call, 'joining again is a new call (and waits again)');
});

test('waiting room: leave() while waiting leaves the queue; a reconnect while waiting joins again', async () => {
  const { clock, WebSocket, socket, client } = await setUp('bob');
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, status: 'waiting' });
  await flush();
  socket.drop(1006);
  await clock.advance(10_000);
  const second = WebSocket.last;
  second.accept('bob');
  assert.equal(second.sentOf('webrtc:join_room').length, 1, 'back in the queue after the reconnect');
  second.ack('webrtc:join_room', { room: ROOM, status: 'waiting' });
  await flush();
  assert.equal(call.state, 'waiting');
  const leaving = call.leave();
  assert.equal(second.sentOf('webrtc:leave_room').length, 1);
  second.ack('webrtc:leave_room', { room: ROOM });
  await leaving;
  assert.equal(call.state, 'left');
});

test('admitters see admission requests and cancellations, and admit or decline by user id', async () => {
  const { socket, call } = await joined('alice', { peers: [], roles: {} });
  const requested = [];
  const cancelled = [];
  call.on('admissionRequested', (event) => requested.push(event));
  call.on('admissionCancelled', (event) => cancelled.push(event));
  socket.deliver(signal('webrtc:admission_requested', 'bob', { userId: 'bob', name: 'Bob Martin', role: 'patient' }));
  socket.deliver(signal('webrtc:admission_requested', 'carol', { userId: 'carol' }));
  socket.deliver(signal('webrtc:admission_requested', 'dave', { userId: 'dave' }));
  assert.deepEqual(requested[0], { userId: 'bob', name: 'Bob Martin', role: 'patient' });
  assert.deepEqual(call.admissionRequests.map((r) => r.userId), ['bob', 'carol', 'dave']);

  const admitting = call.admit('bob');
  const admit = socket.lastSent('webrtc:admit');
  assert.deepEqual({ room: admit.room, data: admit.data }, { room: ROOM, data: { userId: 'bob' } });
  assert.ok(admit.id);
  socket.ack('webrtc:admit', { room: ROOM, userId: 'bob' });
  assert.deepEqual(await admitting, { room: ROOM, userId: 'bob' });

  const declining = call.decline('carol');
  assert.deepEqual(socket.lastSent('webrtc:decline').data, { userId: 'carol' });
  socket.ack('webrtc:decline', { room: ROOM, userId: 'carol' });
  await declining;

  socket.deliver(signal('webrtc:admission_cancelled', 'dave', { userId: 'dave', reason: 'left' }));
  assert.deepEqual(cancelled, [{ userId: 'dave', reason: 'left' }]);
  assert.deepEqual(call.admissionRequests, []);
});

test('a reconnecting peer keeps its connection and gets no signals; on peer_resumed the impolite side restarts ICE', async () => {
  for (const role of ['impolite', 'polite']) {
    const { socket, call, RTCPeerConnection } = await joined('bob', { peers: ['alice'], roles: { alice: role } });
    const pc = RTCPeerConnection.instances[0];
    socket.deliver(signal('webrtc:answer', 'alice', { description: { type: 'answer', sdp: 'a=ice-ufrag:one' } }));
    await flush();
    await flush();
    pc.connectionState = 'connected';
    const events = [];
    call.on('peerreconnecting', (e) => events.push(['reconnecting', e.peerId]));
    call.on('peerresumed', (e) => events.push(['resumed', e.peerId, e.role]));
    socket.deliver(signal('webrtc:peer_reconnecting', 'alice', {}));
    assert.equal(call.peers[0].reconnecting, true);
    const sentBefore = socket.sent.length;
    pc.onicecandidate({ candidate: { candidate: 'while-away' } });
    pc.onnegotiationneeded();
    await flush();
    await flush();
    assert.equal(socket.sent.length, sentBefore, `${role}: nothing is sent to a reconnecting peer`);
    assert.ok(!pc.log.includes('close'));

    socket.deliver(signal('webrtc:peer_resumed', 'alice', { role }));
    assert.deepEqual(events, [['reconnecting', 'alice'], ['resumed', 'alice', role]]);
    assert.equal(call.peers[0].reconnecting, false);
    assert.equal(pc.log.includes('restartIce'), role === 'impolite', `${role}: only the impolite side restarts ICE`);
    assert.equal(call.iceRestarts, role === 'impolite' ? 1 : 0);
    assert.equal(RTCPeerConnection.instances.length, 1, 'the same connection');
  }
});

test('peer_left from a gateway with its own reconnect grace closes the peer connection at once', async () => {
  const { socket, call, RTCPeerConnection } = await joined('bob', { peers: ['alice'], roles: { alice: 'polite' } },
    { peerLeftGrace: 15_000 });
  const pc = RTCPeerConnection.instances[0];
  pc.connectionState = 'connected';
  socket.deliver(signal('webrtc:peer_reconnecting', 'alice', {}));
  socket.deliver(signal('webrtc:peer_left', 'alice', {}));
  assert.ok(pc.log.includes('close'), 'the gateway already waited');
  assert.equal(call.peers.length, 0);
});

test('peers under reconnecting in the join ack count as present, and are not signalled until they resume', async () => {
  const { socket, call, RTCPeerConnection } = await joined('bob',
    { peers: [], reconnecting: ['alice'], roles: { alice: 'polite' } });
  assert.deepEqual(call.peers.map((p) => [p.id, p.reconnecting]), [['alice', true]]);
  await flush();
  assert.equal(socket.sentOf('webrtc:offer').length, 0);
  socket.deliver(signal('webrtc:peer_resumed', 'alice', { role: 'impolite' }));
  assert.equal(RTCPeerConnection.instances.length, 1);
  assert.ok(RTCPeerConnection.instances[0].log.includes('restartIce'));
});

test('after its own socket reconnects mid-call the call re-joins; on resumed: true the impolite side restarts ICE', async () => {
  for (const role of ['impolite', 'polite']) {
    const { clock, WebSocket, socket, call, RTCPeerConnection } = await joined('bob',
      { peers: ['alice'], roles: { alice: role } });
    const pc = RTCPeerConnection.instances[0];
    pc.connectionState = 'connected';
    pc.iceConnectionState = 'connected';
    socket.drop(1006);
    await clock.advance(10_000);
    const second = WebSocket.last;
    second.accept('bob');
    assert.equal(second.sentOf('webrtc:join_room').length, 1);
    second.ack('webrtc:join_room', { room: ROOM, peers: ['alice'], roles: { alice: role }, resumed: true });
    await flush();
    assert.equal(RTCPeerConnection.instances.length, 1, 'the peer connection is kept');
    assert.ok(!pc.log.includes('close'));
    assert.equal(pc.log.includes('restartIce'), role === 'impolite', role);
    assert.equal(call.state, 'joined');
  }
});

test('peer_not_found on a signal is dropped silently', async () => {
  const { socket, client, call } = await joined('bob', { peers: ['alice'], roles: { alice: 'impolite' } });
  const errors = [];
  call.on('error', (e) => errors.push(e));
  client.on('error', (e) => errors.push(e));
  const offer = socket.lastSent('webrtc:offer');
  socket.deliver({ type: 'error', id: offer.id, room: ROOM,
    data: { code: 'peer_not_found', message: 'alice is reconnecting' } });
  socket.deliver({ type: 'error', room: ROOM, data: { code: 'peer_not_found', message: 'alice is reconnecting' } });
  await flush();
  assert.deepEqual(errors, []);
});

test('end of candidates: a received null or empty candidate goes to addIceCandidate; the final null one is sent', async () => {
  const { socket, RTCPeerConnection } = await joined('bob', { peers: ['alice'], roles: { alice: 'polite' } });
  const pc = RTCPeerConnection.instances[0];
  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: null }));
  socket.deliver(signal('webrtc:answer', 'alice', { description: { type: 'answer', sdp: 'answer' } }));
  socket.deliver(signal('webrtc:ice_candidate', 'alice', { candidate: { candidate: '', sdpMid: '0', sdpMLineIndex: 0 } }));
  await flush();
  await flush();
  assert.deepEqual(pc.added, [null, '']);

  pc.onicecandidate({ candidate: { candidate: 'c1', toJSON: () => ({ candidate: 'c1', sdpMid: '0' }) } });
  pc.onicecandidate({ candidate: null });
  const sent = socket.sentOf('webrtc:ice_candidate');
  assert.deepEqual(sent.map((f) => f.data), [{ candidate: { candidate: 'c1', sdpMid: '0' } }, { candidate: null }]);
  assert.ok(sent.every((f) => f.to === 'alice'));
});

test('remoteIceRestarts counts remote descriptions that carry new ICE credentials', async () => {
  const { socket, call } = await joined('alice', { peers: [], roles: {} });
  socket.deliver(signal('webrtc:peer_joined', 'bob', { role: 'polite' }));
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'v=0\r\na=ice-ufrag:first\r\n' } }));
  await flush();
  await flush();
  assert.equal(call.remoteIceRestarts, 0);
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'v=0\r\na=ice-ufrag:first\r\n' } }));
  await flush();
  await flush();
  assert.equal(call.remoteIceRestarts, 0, 'a renegotiation without new credentials');
  socket.deliver(signal('webrtc:offer', 'bob', { description: { type: 'offer', sdp: 'v=0\r\na=ice-ufrag:second\r\n' } }));
  await flush();
  await flush();
  assert.equal(call.remoteIceRestarts, 1);
});
