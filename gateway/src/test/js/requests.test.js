import test from 'node:test';
import assert from 'node:assert/strict';

import { connect, GatewayError } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeJwt, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

async function openClient(extra = {}, auth = { token: 'token' }) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', auth, testOptions(clock, WebSocket, extra));
  await flush();
  WebSocket.last.accept('alice');
  return { clock, WebSocket, client, socket: WebSocket.last };
}

test('the token travels as the access_token query parameter', async () => {
  const { client, socket } = await openClient({}, { token: 'a.b.c' });
  assert.equal(new URL(socket.url).searchParams.get('access_token'), 'a.b.c');
  assert.equal(client.userId, 'alice');
  client.close();
});

test('every request gets its own id and resolves with the data of the ack carrying that id', async () => {
  const { client, socket } = await openClient();
  const first = client.request('chat:history', 'room-1', { limit: 5 });
  const second = client.request('chat:history', 'room-2', {});
  const [a, b] = socket.sentOf('chat:history');
  assert.ok(a.id && b.id && a.id !== b.id);
  assert.deepEqual(a, { type: 'chat:history', id: a.id, room: 'room-1', data: { limit: 5 } });
  socket.deliver({ type: 'ack', id: b.id, data: { room: 'room-2', messages: [], hasMore: false } });
  socket.deliver({ type: 'ack', id: a.id, data: { room: 'room-1', messages: [], hasMore: true } });
  assert.equal((await first).room, 'room-1');
  assert.equal((await second).room, 'room-2');
  client.close();
});

test('an error frame rejects the matching request with a GatewayError carrying the contract code', async () => {
  const { client, socket } = await openClient();
  const pending = client.request('chat:send_message', 'room-1', { tempId: 't', body: 'hi' });
  const frame = { type: 'error', id: socket.lastSent('chat:send_message').id, data: { code: 'not_in_room', message: 'join first' } };
  socket.deliver(frame);
  await assert.rejects(pending, (error) => {
    assert.ok(error instanceof GatewayError);
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'not_in_room');
    assert.equal(error.message, 'join first');
    assert.deepEqual(error.frame, frame);
    assert.equal(error.retryable, false);
    return true;
  });
  client.close();
});

test('a request without an answer rejects with timeout, and a late ack is ignored', async () => {
  const { clock, client, socket } = await openClient({ requestTimeout: 2_000 });
  const pending = client.request('chat:mark_seen', 'room-1', { seq: 3 });
  let outcome = null;
  pending.catch((error) => { outcome = error; });
  await clock.advance(1_999);
  assert.equal(outcome, null);
  await clock.advance(1);
  assert.equal(outcome.code, 'timeout');
  assert.equal(outcome.retryable, true);
  socket.ack('chat:mark_seen', { seq: 3 });
  const timeoutOverride = assert.rejects(client.request('chat:history', 'room-1', {}, { timeout: 50 }), { code: 'timeout' });
  await clock.advance(50);
  await timeoutOverride;
  client.close();
});

test('a request sent before the socket dropped rejects with disconnected', async () => {
  const { client, socket } = await openClient();
  const pending = client.request('chat:history', 'room-1', {});
  socket.drop(1006);
  await assert.rejects(pending, { name: 'GatewayError', code: 'disconnected' });
  client.close();
});

test('requests made while offline wait for the connection and go out once it is back', async () => {
  const { clock, WebSocket, client, socket } = await openClient({ requestTimeout: 10_000 });
  socket.drop(1006);
  const pending = client.request('chat:history', 'room-1', { limit: 1 });
  await clock.advance(1_000);
  assert.equal(WebSocket.instances.length, 2);
  const next = WebSocket.last;
  assert.equal(next.sent.length, 0, 'nothing is sent before the welcome');
  next.accept('alice');
  const frame = next.lastSent('chat:history');
  assert.deepEqual(frame.data, { limit: 1 });
  next.deliver({ type: 'ack', id: frame.id, data: { messages: [], hasMore: false } });
  assert.deepEqual(await pending, { messages: [], hasMore: false });
  client.close();
});

test('a queued request times out while offline and is then never sent', async () => {
  const { clock, WebSocket, client, socket } = await openClient({ requestTimeout: 300, backoff: { base: 10_000, max: 10_000 } });
  socket.drop(1006);
  const pending = assert.rejects(client.request('chat:history', 'room-1', {}), { code: 'timeout' });
  await clock.advance(300);
  await pending;
  await clock.advance(10_000);
  WebSocket.last.accept('alice');
  assert.equal(WebSocket.last.sentOf('chat:history').length, 0);
  client.close();
});

test('close() fails pending requests with closed, and later requests at once', async () => {
  const { client } = await openClient();
  const pending = client.request('chat:history', 'room-1', {});
  client.close();
  await assert.rejects(pending, { code: 'closed' });
  await assert.rejects(client.request('chat:history', 'room-1', {}), { code: 'closed' });
  assert.equal(client.state, 'closed');
});

test('an error frame with no id is reported as an error event', async () => {
  const { client, socket } = await openClient();
  const errors = [];
  client.on('error', (error) => errors.push(error));
  socket.deliver({ type: 'error', data: { code: 'bad_request', message: 'expected JSON' } });
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'bad_request');
  client.close();
});

test('frames without a request are emitted by type, and off() stops a handler', async () => {
  const { client, socket } = await openClient();
  const seen = [];
  const handler = (frame) => seen.push(frame.data.n);
  client.on('queue:updated', handler);
  socket.deliver({ type: 'queue:updated', room: 'clinic-7', from: 'svc', data: { n: 1 } });
  client.off('queue:updated', handler);
  socket.deliver({ type: 'queue:updated', room: 'clinic-7', from: 'svc', data: { n: 2 } });
  assert.deepEqual(seen, [1]);
  client.close();
});

test('relayed frames sent with send() carry no id', async () => {
  const { client, socket } = await openClient();
  client.send('webrtc:ice_candidate', 'call-1', { candidate: { candidate: 'c' } }, { to: 'bob' });
  assert.deepEqual(socket.lastSent('webrtc:ice_candidate'),
    { type: 'webrtc:ice_candidate', room: 'call-1', to: 'bob', data: { candidate: { candidate: 'c' } } });
  client.close();
});

test('with getToken the token is refreshed with auth:refresh shortly before it expires', async () => {
  const clock = new FakeClock();
  const nowSeconds = () => Math.floor(clock.now / 1000);
  const tokens = [];
  const getToken = async () => {
    const token = fakeJwt({ sub: 'alice', exp: nowSeconds() + 600 });
    tokens.push(token);
    return token;
  };
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { getToken }, testOptions(clock, WebSocket));
  await flush();
  WebSocket.last.accept('alice');
  await clock.advance(539_000);
  assert.equal(WebSocket.last.sentOf('auth:refresh').length, 0, 'not before exp - 60 s');
  await clock.advance(1_000);
  const refresh = WebSocket.last.lastSent('auth:refresh');
  assert.ok(refresh, 'auth:refresh sent 60 s before exp');
  assert.equal(refresh.room, undefined);
  assert.equal(refresh.data.token, tokens[1]);
  const refreshed = [];
  client.on('tokenrefresh', (event) => refreshed.push(event.exp));
  WebSocket.last.deliver({ type: 'ack', id: refresh.id, data: { exp: nowSeconds() + 600 } });
  await flush();
  assert.equal(refreshed.length, 1);
  await clock.advance(540_000);
  assert.equal(WebSocket.last.sentOf('auth:refresh').length, 2, 'the next refresh follows the new exp');
  client.close();
});

test('a fixed token that has already expired closes the client instead of retrying forever', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const expired = fakeJwt({ sub: 'alice', exp: Math.floor(clock.now / 1000) - 10 });
  const client = connect('ws://gateway.test/ws', { token: expired }, testOptions(clock, WebSocket));
  await flush();
  assert.equal(client.state, 'closed');
  assert.equal(WebSocket.instances.length, 0);
});

test('a socket that never gets its welcome is abandoned after the connect timeout', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 't' }, testOptions(clock, WebSocket, { connectTimeout: 5_000 }));
  await flush();
  await clock.advance(5_000);
  assert.ok(WebSocket.instances[0].closedWith);
  assert.equal(client.state, 'reconnecting');
  client.close();
});

test('a getToken that fails or hangs counts as a failed attempt and is retried with backoff', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const answers = [
    () => Promise.reject(new Error('token service down')),
    () => new Promise(() => {}),
    () => Promise.resolve('good-token'),
  ];
  const client = connect('ws://gateway.test/ws', { getToken: () => answers.shift()() },
    testOptions(clock, WebSocket, { connectTimeout: 5_000 }));
  const errors = [];
  client.on('error', (error) => errors.push(error.message));
  await flush();
  assert.equal(client.state, 'reconnecting');
  assert.match(errors[0], /token service down/);
  await clock.advance(250);
  await clock.advance(5_000);
  assert.match(errors[1], /no token within 5000 ms/);
  await clock.advance(1_000);
  assert.equal(WebSocket.instances.length, 1);
  assert.match(WebSocket.last.url, /access_token=good-token/);
  client.close();
});
