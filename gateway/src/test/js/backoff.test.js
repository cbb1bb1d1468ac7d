import test from 'node:test';
import assert from 'node:assert/strict';

import {
  backoffDelay, closePolicy, connect, reconnectDelay, DEFAULT_BACKOFF,
} from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

const backoff = { base: 500, max: 10_000, rateLimited: 15_000 };

test('delays stay within [0, min(max, base * 2^attempt))', () => {
  for (let attempt = 0; attempt < 40; attempt++) {
    const ceiling = Math.min(backoff.max, backoff.base * 2 ** attempt);
    assert.equal(backoffDelay(attempt, backoff, () => 0), 0);
    const highest = backoffDelay(attempt, backoff, () => 0.999_999_9);
    assert.ok(highest < ceiling, `attempt ${attempt}: ${highest} < ${ceiling}`);
    assert.ok(highest >= ceiling - 1, `attempt ${attempt}: ${highest} close to ${ceiling}`);
  }
});

test('the ceiling doubles with each attempt until it reaches max', () => {
  const half = (attempt) => backoffDelay(attempt, backoff, () => 0.5);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 30, 1000].map(half), [250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
});

test('full jitter: the delay is the random draw scaled to the ceiling', () => {
  const draws = [0.1, 0.35, 0.8];
  const delays = draws.map((r) => backoffDelay(3, backoff, () => r));
  assert.deepEqual(delays, [400, 1400, 3200]);
  assert.equal(new Set(delays).size, draws.length);
});

test('defaults are a 500 ms base and a 10 s cap', () => {
  assert.equal(DEFAULT_BACKOFF.base, 500);
  assert.equal(DEFAULT_BACKOFF.max, 10_000);
  assert.ok(backoffDelay(100, undefined, () => 0.99) < 10_000);
});

test('after a rate-limit close the wait is the rate-limit delay plus the jittered backoff', () => {
  assert.equal(reconnectDelay('reconnect-slowly', 0, backoff, () => 0), 15_000);
  assert.equal(reconnectDelay('reconnect-slowly', 2, backoff, () => 0.5), 16_000);
  assert.equal(reconnectDelay('reconnect', 2, backoff, () => 0.5), 1_000);
});

test('close codes map to the reconnect policy', () => {
  assert.deepEqual(
    Object.fromEntries([1000, 1001, 1006, 1008, 1009, 1011, 4000, 4008, 4009, 4029, 4999]
      .map((code) => [code, closePolicy(code)])),
    {
      1000: 'stop', 1001: 'reconnect', 1006: 'reconnect', 1008: 'fresh-token', 1009: 'stop', 1011: 'reconnect',
      4000: 'reconnect', 4008: 'reconnect', 4009: 'stop', 4029: 'reconnect-slowly', 4999: 'reconnect',
    });
});

test('the client waits the jittered, growing delay between failed attempts and starts over after a stable connection', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const draws = [0.5, 0.5, 0.5, 0.5, 0.25];
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { backoff, random: () => draws.shift() ?? 0.5 }));
  const delays = [];
  client.on('state', (state, detail) => {
    if (state === 'reconnecting' && detail.delay !== undefined) {
      delays.push(detail.delay);
    }
  });
  await flush();
  WebSocket.last.drop(1006);
  await clock.advance(delays.at(-1));
  WebSocket.last.drop(1006);
  await clock.advance(delays.at(-1));
  WebSocket.last.drop(1006);
  assert.deepEqual(delays, [250, 500, 1000]);

  await clock.advance(delays.at(-1));
  WebSocket.last.accept();
  assert.equal(client.state, 'open');
  WebSocket.last.drop(1011);
  assert.equal(delays.at(-1), 2000, 'a connection dropped at once does not reset the backoff');

  await clock.advance(delays.at(-1));
  WebSocket.last.accept();
  await clock.advance(5_000);
  WebSocket.last.drop(1001);
  assert.equal(delays.at(-1), 125, 'attempts start over after a connection that held');
  assert.equal(WebSocket.instances.length, 5);
  client.close();
});

test('a connection the gateway refuses with 4009 is not retried', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, WebSocket));
  const states = [];
  client.on('state', (state, detail) => states.push([state, detail.code]));
  await flush();
  WebSocket.last.accept();
  WebSocket.last.drop(4009, 'too many connections');
  await clock.advance(60_000);
  assert.equal(client.state, 'closed');
  assert.deepEqual(states.at(-1), ['closed', 4009]);
  assert.equal(WebSocket.instances.length, 1);
});

test('1008 stops a client with a fixed token, and reconnects one that can fetch a fresh token', async () => {
  const clock = new FakeClock();
  const Fixed = fakeWebSocketClass();
  const fixed = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, Fixed));
  await flush();
  Fixed.last.accept();
  Fixed.last.drop(1008, 'token expired');
  assert.equal(fixed.state, 'closed');

  const Fresh = fakeWebSocketClass();
  let fetched = 0;
  const fresh = connect('ws://gateway.test/ws', { getToken: async () => `token-${++fetched}` }, testOptions(clock, Fresh));
  await flush();
  Fresh.last.accept();
  Fresh.last.drop(1008, 'token expired');
  assert.equal(fresh.state, 'reconnecting');
  await clock.advance(1_000);
  assert.equal(Fresh.instances.length, 2);
  assert.match(Fresh.last.url, /access_token=token-2/);
  fresh.close();
});

test('a 4029 close waits at least the rate-limit delay', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, WebSocket, { backoff }));
  await flush();
  WebSocket.last.accept();
  WebSocket.last.drop(4029, 'rate limit exceeded');
  await clock.advance(14_999);
  assert.equal(WebSocket.instances.length, 1);
  await clock.advance(1_000);
  assert.equal(WebSocket.instances.length, 2);
  client.close();
});
