import test from 'node:test';
import assert from 'node:assert/strict';

import { connect } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

const LOST = 'consult-42';
const KEPT = 'lobby-7';

async function inRoomsAndCall() {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { RTCPeerConnection: class {} }));
  await flush();
  WebSocket.last.accept('patient');
  const chats = {};
  for (const room of [LOST, KEPT]) {
    chats[room] = client.chat(room);
    const joined = chats[room].join();
    WebSocket.last.ack('chat:join_room', { room, members: ['patient'], lastSeq: 0, readMarks: {} });
    await joined;
  }
  const call = client.call(LOST);
  WebSocket.last.ack('webrtc:join_room', { room: LOST, peers: [], roles: {} });
  await call.ready;
  return { clock, WebSocket, client, chats, call };
}

test('auth:rooms_revoked ends the rooms and calls it names, says why, and they are not joined again', async () => {
  const { clock, WebSocket, client, chats, call } = await inRoomsAndCall();
  const events = [];
  client.on('roomsrevoked', (event) => events.push(['client', event]));
  chats[LOST].on('revoked', (event) => events.push(['chat', event]));
  chats[KEPT].on('revoked', (event) => events.push(['kept', event]));
  call.on('revoked', (event) => events.push(['call', event]));

  WebSocket.last.deliver({ type: 'auth:rooms_revoked', data: { rooms: [LOST], reason: 'removed' } });

  assert.deepEqual(events, [
    ['chat', { room: LOST, reason: 'removed' }],
    ['call', { room: LOST, reason: 'removed' }],
    ['client', { rooms: [LOST], reason: 'removed' }],
  ]);
  assert.equal(chats[LOST].joined, false);
  assert.equal(chats[KEPT].joined, true);
  assert.equal(WebSocket.last.sentOf('chat:leave_room').length, 0, 'the gateway already took it out');

  WebSocket.last.drop(1001, 'gateway shutting down');
  await clock.advance(10_000);
  WebSocket.last.accept('patient');
  const rejoins = WebSocket.last.sentOf('chat:join_room').map((frame) => frame.room);
  assert.deepEqual(rejoins, [KEPT]);
  assert.equal(WebSocket.last.sentOf('webrtc:join_room').length, 0);
  assert.notEqual(client.call(LOST), call, 'a later call() starts a new call, as the app asks');
});

test('a message still pending in a revoked room fails with forbidden', async () => {
  const { WebSocket, chats } = await inRoomsAndCall();
  const message = chats[LOST].send('are you there?');
  WebSocket.last.deliver({ type: 'auth:rooms_revoked', data: { rooms: [LOST], reason: 'token_narrowed' } });
  assert.equal(message.state, 'failed');
  assert.equal(message.error.code, 'forbidden');
});
