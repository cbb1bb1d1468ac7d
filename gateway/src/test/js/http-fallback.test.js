import test from 'node:test';
import assert from 'node:assert/strict';

import { connect, sessionsUrl } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';
import { fakeHttpGateway } from './support/fake-http-gateway.js';

const ROOM = 'consult-42';

/** Lets fetch promises and stream reads settle. */
async function settle() {
  for (let i = 0; i < 10; i++) {
    await flush();
  }
}

/** A client whose first WebSocket is refused by a proxy, now on HTTP and welcomed. */
async function onHttp(extra = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const gateway = fakeHttpGateway();
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { fetch: gateway.fetch, ...extra }));
  const transports = [];
  client.on('transport', (transport, detail) => transports.push([transport, detail.previous]));
  await flush();
  WebSocket.last.drop(1006);
  await settle();
  await clock.advance(1_000);
  await settle();
  gateway.welcome();
  await settle();
  return { clock, WebSocket, gateway, client, transports };
}

test('the sessions live under the WebSocket URL, over http(s)', () => {
  assert.equal(sessionsUrl('ws://gateway.test/ws'), 'http://gateway.test/ws/http/sessions');
  assert.equal(sessionsUrl('wss://gateway.test/ws?x=1'), 'https://gateway.test/ws/http/sessions');
});

test('a WebSocket that fails before its welcome makes the next attempt use HTTP, with the token in a header only', async () => {
  const { gateway, client, transports } = await onHttp();
  assert.equal(client.state, 'open');
  assert.equal(client.transport, 'http');
  assert.deepEqual(transports, [['http', null]]);
  assert.equal(gateway.sessions, 1);
  assert.equal(gateway.streams[0].authorization, 'Bearer token');
  assert.ok(gateway.urls.filter((url) => url.includes('/ws/http/')).every((url) => !url.includes('token')),
    gateway.urls.join('\n'));
});

test('requests go up as numbered POSTs, one in flight at a time, and their acks come down the stream', async () => {
  const { gateway, client } = await onHttp();
  const chat = client.chat(ROOM);
  const joined = chat.join();
  await settle();
  assert.equal(gateway.posts.length, 1);
  const join = gateway.posts[0].frames[0];
  assert.equal(join.type, 'chat:join_room');
  assert.equal(gateway.posts[0].query.batch, '1');
  gateway.event(2, { type: 'ack', id: join.id, data: { room: ROOM, members: ['alice'], lastSeq: 0, readMarks: {} } });
  await joined;
  assert.ok(gateway.maxInFlight <= 1, 'one stream at a time');
});

test('a dropped stream is read again from the last event, and a repeated event is not delivered twice', async () => {
  const { clock, gateway, client } = await onHttp();
  const seen = [];
  client.on('chat:message', (frame) => seen.push(frame.data.body));
  gateway.event(2, { type: 'chat:message', room: ROOM, from: 'bob', data: { tempId: 't1', body: 'one' } });
  await settle();
  gateway.cut();
  await settle();
  await clock.advance(6_000);
  await settle();
  assert.equal(gateway.streams.length, 2);
  assert.equal(gateway.streams[1].lastEventId, '2');
  gateway.event(2, { type: 'chat:message', room: ROOM, from: 'bob', data: { tempId: 't1', body: 'one' } });
  gateway.event(3, { type: 'chat:message', room: ROOM, from: 'bob', data: { tempId: 't2', body: 'two' } });
  await settle();
  assert.deepEqual(seen, ['one', 'two']);
  assert.equal(client.transport, 'http');
});

test('a close event ends the session with its code, as a socket close would', async () => {
  const { clock, gateway, client } = await onHttp();
  const states = [];
  client.on('state', (state, detail) => states.push([state, detail.code]));
  gateway.event(2, { code: 1001, reason: 'gateway shutting down', reconnect: true }, 'close');
  await settle();
  assert.deepEqual(states[0], ['reconnecting', 1001]);
  // Welcomed over HTTP before, so HTTP again: the session dropped, the transport did not fail.
  await clock.advance(1_000);
  await settle();
  assert.equal(gateway.sessions, 2);
});

test('while on HTTP the WebSocket is tried again with backoff, and a welcomed probe moves the client back', async () => {
  const { clock, WebSocket, gateway, client, transports } = await onHttp();
  const before = WebSocket.instances.length;
  await clock.advance(2_000);
  assert.equal(WebSocket.instances.length, before, 'no probe at once');
  await clock.advance(8_000);
  assert.equal(WebSocket.instances.length, before + 1, 'one probe within the first backoff');
  WebSocket.last.accept('alice');
  await settle();
  assert.deepEqual(WebSocket.instances[before].closedWith, { code: 1000, reason: 'probe' });
  assert.equal(WebSocket.instances.length, before + 2, 'nothing waited for an answer: moved at once');
  const socket = WebSocket.last;
  socket.accept('alice');
  await settle();
  assert.equal(client.transport, 'websocket');
  assert.deepEqual(transports.at(-1), ['websocket', 'http']);
  assert.equal(gateway.deletes, 1, 'the HTTP session was ended');
});

test('transports: [\'http\'] never opens a WebSocket', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const gateway = fakeHttpGateway();
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { fetch: gateway.fetch, transports: ['http'] }));
  await settle();
  gateway.welcome();
  await settle();
  assert.equal(client.transport, 'http');
  await clock.advance(120_000);
  assert.equal(WebSocket.instances.length, 0);
  client.close();
});

test('without fetch there is no HTTP transport, and asking for it alone says so', () => {
  const clock = new FakeClock();
  assert.throws(() => connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, fakeWebSocketClass(), { transports: ['http'] })), /no fetch/);
  assert.throws(() => connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, fakeWebSocketClass(), { transports: ['carrier-pigeon'] })), /transports/);
});
