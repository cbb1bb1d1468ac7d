import test from 'node:test';
import assert from 'node:assert/strict';

import { connect } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

/** A fetch that answers what the gateway answers a plain GET of /ws with a refused token, and counts the calls. */
function refusingFetch(message = 'token expired') {
  const calls = [];
  const fetch = async (url) => {
    calls.push(url);
    return { status: 401, json: async () => ({ error: 'unauthorized', message }) };
  };
  return { fetch, calls };
}

/** Records the delay of each scheduled reconnect, to advance the clock by exactly that (not into a connect timeout). */
function delaysOf(client) {
  const delays = [];
  client.on('state', (state, detail) => {
    if (state === 'reconnecting' && detail.delay !== undefined) {
      delays.push(detail.delay);
    }
  });
  return delays;
}

/** Lets the probe's promise chain settle. */
async function settle() {
  for (let i = 0; i < 5; i++) {
    await flush();
  }
}

test('a fixed token refused at the upgrade stops the client with an unauthorized error instead of reconnecting', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const { fetch, calls } = refusingFetch('token expired');
  const client = connect('ws://gateway.test/ws', { token: 'refused-token' }, testOptions(clock, WebSocket, { fetch }));
  const errors = [];
  client.on('error', (error) => errors.push(error));
  await flush();

  WebSocket.last.drop(1006);
  await settle();

  assert.equal(client.state, 'closed');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'unauthorized');
  assert.match(errors[0].message, /HTTP 401: token expired/);
  assert.deepEqual(calls, ['http://gateway.test/ws?access_token=refused-token']);
  await clock.advance(60_000);
  assert.equal(WebSocket.instances.length, 1, 'no reconnect after the refusal');
});

test('with getToken a refused token is replaced by a fresh one, and after three refusals in a row the client stops', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const { fetch } = refusingFetch();
  let fetched = 0;
  // WebSocket only: these attempts are about the socket's refusals, not about falling back to HTTP.
  const client = connect('ws://gateway.test/ws', { getToken: async () => `token-${++fetched}` },
    testOptions(clock, WebSocket, { fetch, transports: ['websocket'] }));
  const errors = [];
  client.on('error', (error) => errors.push(error));
  const delays = delaysOf(client);
  await flush();

  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.match(WebSocket.last.url, new RegExp(`access_token=token-${attempt}$`));
    WebSocket.last.drop(1006);
    await settle();
    if (attempt < 3) {
      await clock.advance(delays.at(-1));
    }
  }

  assert.equal(client.state, 'closed');
  assert.equal(fetched, 3);
  assert.equal(WebSocket.instances.length, 3);
  assert.deepEqual(errors.map((error) => error.code), ['unauthorized']);
  assert.match(errors[0].message, /3 times in a row/);
});

test('a refusal between accepted connections does not count toward the limit', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const { fetch } = refusingFetch();
  let fetched = 0;
  const client = connect('ws://gateway.test/ws', { getToken: async () => `token-${++fetched}` },
    testOptions(clock, WebSocket, { fetch }));
  const delays = delaysOf(client);
  await flush();

  for (let round = 0; round < 3; round++) {
    WebSocket.last.drop(1006);
    await settle();
    await clock.advance(delays.at(-1));
    WebSocket.last.drop(1006);
    await settle();
    await clock.advance(delays.at(-1));
    WebSocket.last.accept();
    assert.equal(client.state, 'open');
    WebSocket.last.drop(1011);
    await clock.advance(delays.at(-1));
  }
  assert.notEqual(client.state, 'closed');
});

test('a failed upgrade that is not a 401 (the gateway is down) reconnects as before', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const fetch = async () => {
    throw new TypeError('fetch failed');
  };
  const client = connect('ws://gateway.test/ws', { token: 'token' },
    testOptions(clock, WebSocket, { fetch, transports: ['websocket'] }));
  const delays = delaysOf(client);
  await flush();

  WebSocket.last.drop(1006);
  await settle();
  assert.equal(client.state, 'reconnecting');
  await clock.advance(delays.at(-1));
  assert.equal(WebSocket.instances.length, 2);
});

test('a 503 at the upgrade (keys unavailable) is retried no sooner than its Retry-After, and never stops the client', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  let probes = 0;
  const fetch = async () => {
    probes += 1;
    return {
      status: 503,
      headers: { get: (name) => (name.toLowerCase() === 'retry-after' ? '7' : null) },
      json: async () => ({ error: 'unavailable', message: 'the key to verify this token is not cached' }),
    };
  };
  const client = connect('ws://gateway.test/ws', { token: 'good-token' }, testOptions(clock, WebSocket, { fetch }));
  const errors = [];
  client.on('error', (error) => errors.push(error));
  const reasons = [];
  client.on('state', (state, detail) => {
    if (state === 'reconnecting') {
      reasons.push(detail.reason);
    }
  });
  const delays = delaysOf(client);
  await flush();

  for (let attempt = 1; attempt <= 5; attempt++) {
    WebSocket.last.drop(1006);
    await settle();
    assert.equal(client.state, 'reconnecting');
    assert.ok(delays.at(-1) >= 7_000, `attempt ${attempt} waits at least Retry-After, waited ${delays.at(-1)}`);
    await clock.advance(6_999);
    assert.equal(WebSocket.instances.length, attempt, 'not before Retry-After');
    await clock.advance(delays.at(-1) - 6_999);
    assert.equal(WebSocket.instances.length, attempt + 1);
  }
  assert.equal(probes, 5);
  assert.deepEqual(errors, []);
  assert.match(reasons.at(-1), /HTTP 503: the key to verify this token is not cached/);

  WebSocket.last.accept();
  assert.equal(client.state, 'open');
});
