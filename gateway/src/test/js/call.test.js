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
      this.added.push(candidate.candidate);
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

test('a peer that hangs up is closed at once; one whose socket dropped is kept for the grace period', async () => {
  const { clock, socket, client, RTCPeerConnection } = await setUp('bob', { peerLeftGrace: 15_000 });
  const call = client.call(ROOM, { localStream });
  socket.ack('webrtc:join_room', { room: ROOM, peers: ['alice', 'carol'], roles: { alice: 'polite', carol: 'polite' } });
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
