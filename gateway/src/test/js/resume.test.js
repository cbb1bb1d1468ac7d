import test from 'node:test';
import assert from 'node:assert/strict';

import { connect, SeqTracker } from '../../main/resources/static/client/gateway-client.js';
import { FakeClock, fakeWebSocketClass, flush, testOptions } from './support/fakes.js';

const ROOM = 'consult-42';

async function joinedRoom({ lastSeq = 0, user = 'alice', extra = {} } = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, WebSocket, extra));
  await flush();
  WebSocket.last.accept(user);
  const chat = client.chat(ROOM);
  const joined = chat.join();
  WebSocket.last.ack('chat:join_room', { room: ROOM, members: [user, 'bob'], lastSeq, readMarks: { bob: lastSeq } });
  await joined;
  return { clock, WebSocket, client, chat };
}

function confirmed(seq, from, tempId, body = `message ${seq}`) {
  return { type: 'chat:confirmed', room: ROOM, from, seq, data: { msgId: `m${seq}`, tempId, body, ts: 1000 + seq } };
}

async function reconnect(clock, WebSocket, user = 'alice') {
  WebSocket.last.drop(1001, 'gateway shutting down');
  await clock.advance(10_000);
  WebSocket.last.accept(user);
  return WebSocket.last;
}

test('the resume position is the highest contiguous seq, not the highest seen', () => {
  const tracker = new SeqTracker();
  assert.equal(tracker.resumeFrom(), null);
  tracker.accountUpTo(5);
  assert.equal(tracker.resumeFrom(), 5);
  tracker.see(7);
  assert.equal(tracker.resumeFrom(), 5, '6 is missing');
  tracker.see(9);
  tracker.see(6);
  assert.equal(tracker.resumeFrom(), 7);
  tracker.see(8);
  assert.equal(tracker.resumeFrom(), 9);
  tracker.see(3);
  tracker.see(9);
  assert.equal(tracker.resumeFrom(), 9, 'old and repeated seqs change nothing');
});

test('with no known base the position is one below the lowest seq seen', () => {
  const tracker = new SeqTracker();
  tracker.see(12);
  tracker.see(11);
  tracker.see(14);
  assert.equal(tracker.resumeFrom(), 10);
  tracker.accountUpTo(11);
  assert.equal(tracker.resumeFrom(), 12);
});

test('a reconnect re-joins with since = the highest contiguous seq, then dedupes the replay', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ lastSeq: 3 });
  const socket = WebSocket.last;
  assert.deepEqual(socket.lastSent('chat:join_room').data, {}, 'the first join has no since');
  socket.deliver(confirmed(4, 'bob', 'b4'));
  socket.deliver(confirmed(6, 'bob', 'b6'));
  assert.equal(chat.resumeSeq, 4);

  const next = await reconnect(clock, WebSocket);
  const join = next.lastSent('chat:join_room');
  assert.deepEqual(join.data, { since: 4 });
  assert.equal(join.room, ROOM);
  next.ack('chat:join_room', { room: ROOM, members: ['alice', 'bob'], lastSeq: 7, readMarks: {} });
  for (const seq of [5, 6, 7]) {
    next.deliver(confirmed(seq, 'bob', `b${seq}`));
  }
  assert.deepEqual(chat.messages.map((m) => m.seq), [4, 5, 6, 7]);
  assert.equal(chat.resumeSeq, 7);
  assert.equal(chat.lastSeq, 7);
});

test('a message not yet confirmed is sent again after the reconnect with the same tempId, and counted once', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ lastSeq: 10 });
  const updates = [];
  chat.on('update', (m) => updates.push(m.state));
  const message = chat.send('are you there?', { urgent: true });
  assert.equal(message.state, 'pending');
  const first = WebSocket.last.lastSent('chat:send_message');
  assert.deepEqual(first.data, { tempId: message.tempId, body: 'are you there?', meta: { urgent: true } });
  WebSocket.last.ack('chat:send_message', { tempId: message.tempId });

  const next = await reconnect(clock, WebSocket);
  assert.deepEqual(next.sent.map((f) => f.type), ['chat:join_room', 'chat:send_message'], 'join first, then the resend');
  assert.deepEqual(next.lastSent('chat:join_room').data, { since: 10 });
  assert.equal(next.lastSent('chat:send_message').data.tempId, message.tempId);
  next.ack('chat:join_room', { room: ROOM, members: ['alice'], lastSeq: 11, readMarks: {} });
  // The replay confirms it (stored before the drop), and the retry is answered with the same confirmation.
  next.deliver(confirmed(11, 'alice', message.tempId, 'are you there?'));
  next.deliver(confirmed(11, 'alice', message.tempId, 'are you there?'));
  assert.equal(chat.messages.length, 1);
  assert.equal(message.state, 'confirmed');
  assert.equal(message.seq, 11);
  assert.equal(message.msgId, 'm11');
  assert.deepEqual(updates, ['confirmed']);
});

test('a message sent while offline waits and is sent once the room is re-joined', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ lastSeq: 2 });
  WebSocket.last.drop(1006);
  const message = chat.send('typed during the outage');
  assert.equal(message.state, 'pending');
  assert.equal(chat.messages.length, 1, 'shown at once');
  await clock.advance(10_000);
  const next = WebSocket.last;
  assert.equal(next.sent.length, 0);
  next.accept('alice');
  const sends = next.sentOf('chat:send_message');
  assert.equal(sends.length, 1);
  assert.equal(sends[0].data.tempId, message.tempId);
  assert.ok(next.sent.indexOf(next.lastSent('chat:join_room')) < next.sent.indexOf(sends[0]));
  next.ack('chat:join_room', { room: ROOM, members: ['alice'], lastSeq: 2, readMarks: {} });
  next.deliver(confirmed(3, 'alice', message.tempId, 'typed during the outage'));
  assert.equal(message.state, 'confirmed');
  assert.equal(chat.resumeSeq, 3);
});

test('a failed message stays failed across reconnects until retried with its tempId', async () => {
  const { clock, WebSocket, chat } = await joinedRoom();
  const message = chat.send('hello');
  WebSocket.last.deliver({ type: 'chat:failed', room: ROOM, from: 'alice', data: { tempId: message.tempId, code: 'unavailable', message: 'store down' } });
  assert.equal(message.state, 'failed');
  assert.equal(message.error.code, 'unavailable');
  const next = await reconnect(clock, WebSocket);
  assert.equal(next.sentOf('chat:send_message').length, 0);
  chat.retry(message);
  assert.equal(message.state, 'pending');
  assert.equal(next.lastSent('chat:send_message').data.tempId, message.tempId);
});

test('a refusal of the send fails the message with the gateway code', async () => {
  const { WebSocket, chat } = await joinedRoom();
  const message = chat.send('x'.repeat(10));
  const frame = WebSocket.last.lastSent('chat:send_message');
  WebSocket.last.deliver({ type: 'error', id: frame.id, data: { code: 'bad_request', message: 'body too large' } });
  await flush();
  assert.equal(message.state, 'failed');
  assert.deepEqual(message.error, { code: 'bad_request', message: 'body too large' });
});

test('an optimistic message and its confirmation are one message, whatever the order and repeats', async () => {
  const { WebSocket, chat } = await joinedRoom({ lastSeq: 4 });
  const added = [];
  chat.on('message', (m) => added.push(m));
  WebSocket.last.deliver({ type: 'chat:message', room: ROOM, from: 'bob', data: { tempId: 't1', body: 'hi', ts: 5 } });
  assert.equal(added.length, 1);
  assert.equal(added[0].state, 'pending');
  WebSocket.last.deliver(confirmed(5, 'bob', 't1', 'hi'));
  WebSocket.last.deliver(confirmed(5, 'bob', 't1', 'hi'));
  WebSocket.last.deliver({ type: 'chat:message', room: ROOM, from: 'bob', data: { tempId: 't1', body: 'hi', ts: 6 } });
  assert.equal(added.length, 1);
  assert.equal(chat.messages.length, 1);
  assert.equal(added[0].state, 'confirmed');
  assert.equal(added[0].seq, 5);
  // The same tempId from another user is another message.
  WebSocket.last.deliver({ type: 'chat:message', room: ROOM, from: 'carol', data: { tempId: 't1', body: 'hey', ts: 7 } });
  assert.equal(chat.messages.length, 2);
});

test('an interrupted replay is resumed by joining again with since from where it stopped', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ lastSeq: 2 });
  const next = await reconnect(clock, WebSocket);
  next.ack('chat:join_room', { room: ROOM, members: ['alice'], lastSeq: 9, readMarks: {} });
  next.deliver(confirmed(3, 'bob', 'b3'));
  next.deliver(confirmed(4, 'bob', 'b4'));
  const errors = [];
  chat.on('error', (e) => errors.push(e.code));
  next.deliver({ type: 'error', room: ROOM, data: { code: 'unavailable', message: 'resume interrupted' } });
  assert.deepEqual(errors, ['unavailable']);
  assert.equal(next.sentOf('chat:join_room').length, 1);
  await clock.advance(2_000);
  assert.equal(next.sentOf('chat:join_room').length, 2);
  assert.deepEqual(next.lastSent('chat:join_room').data, { since: 4 });
});

test('a join while the store is down resumes from just before the first message seen', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, WebSocket));
  await flush();
  WebSocket.last.accept('alice');
  const chat = client.chat(ROOM);
  const joined = chat.join();
  WebSocket.last.ack('chat:join_room', { room: ROOM, members: ['alice'], store: 'unavailable' });
  await joined;
  assert.equal(chat.storeAvailable, false);
  WebSocket.last.deliver(confirmed(21, 'bob', 'b21'));
  WebSocket.last.deliver(confirmed(22, 'bob', 'b22'));
  const next = await reconnect(clock, WebSocket);
  assert.deepEqual(next.lastSent('chat:join_room').data, { since: 20 });
});

test('members, read marks and typing follow the room events and reset on reconnect', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ lastSeq: 5 });
  const socket = WebSocket.last;
  assert.deepEqual(chat.members, ['alice', 'bob']);
  assert.deepEqual(chat.readMarks, { bob: 5 });
  socket.deliver({ type: 'chat:user_joined', room: ROOM, from: 'carol', data: { userId: 'carol' } });
  socket.deliver({ type: 'chat:user_left', room: ROOM, from: 'bob', data: { userId: 'bob' } });
  assert.deepEqual(chat.members, ['alice', 'carol']);

  socket.deliver({ type: 'chat:seen', room: ROOM, from: 'carol', data: { seq: 4 } });
  assert.deepEqual(chat.seenBy(4), ['bob', 'carol']);
  assert.deepEqual(chat.seenBy(5), ['bob']);

  const marked = chat.markSeen(5);
  assert.deepEqual(socket.lastSent('chat:mark_seen').data, { seq: 5 });
  socket.ack('chat:mark_seen', { room: ROOM, seq: 5 });
  assert.equal(await marked, 5);
  assert.equal(chat.readMarks.alice, 5);
  assert.equal(await chat.markSeen(3), 5, 'marks only move forward, without a request');
  assert.equal(socket.sentOf('chat:mark_seen').length, 1);

  socket.deliver({ type: 'chat:typing', room: ROOM, from: 'carol', data: {} });
  assert.deepEqual(chat.typingUsers, ['carol']);
  await clock.advance(8_000);
  assert.deepEqual(chat.typingUsers, [], 'a typing indicator expires without stop_typing');
  socket.deliver({ type: 'chat:typing', room: ROOM, from: 'carol', data: {} });
  socket.deliver({ type: 'chat:message', room: ROOM, from: 'carol', data: { tempId: 'c1', body: 'hi', ts: 1 } });
  assert.deepEqual(chat.typingUsers, [], 'a message from the typist clears it');
});

test('typing is debounced: one chat:typing per interval, chat:stop_typing after idle or on send', async () => {
  const { clock, WebSocket, chat } = await joinedRoom({ extra: { typing: { interval: 3_000, idle: 2_000 } } });
  const socket = WebSocket.last;
  const count = (type) => socket.sentOf(type).length;
  for (let i = 0; i < 10; i++) {
    chat.typing();
    await clock.advance(100);
  }
  assert.equal(count('chat:typing'), 1);
  for (let i = 0; i < 25; i++) {
    chat.typing();
    await clock.advance(100);
  }
  assert.equal(count('chat:typing'), 2, 'repeated after the interval while typing goes on');
  assert.equal(count('chat:stop_typing'), 0);
  await clock.advance(2_000);
  assert.equal(count('chat:stop_typing'), 1);
  chat.typing();
  chat.send('done');
  assert.equal(count('chat:typing'), 3);
  assert.equal(count('chat:stop_typing'), 2);
  assert.equal(socket.lastSent('chat:typing').id, undefined, 'relayed frames carry no id');
});

test('history pages go backwards from the oldest message held', async () => {
  const { WebSocket, chat } = await joinedRoom({ lastSeq: 120 });
  const socket = WebSocket.last;
  assert.equal(chat.hasMore, true);
  const page1 = chat.loadOlder(2);
  assert.deepEqual(socket.lastSent('chat:history').data, { limit: 2 });
  socket.ack('chat:history', {
    room: ROOM, hasMore: true,
    messages: [120, 119].map((seq) => ({ seq, from: 'bob', msgId: `m${seq}`, tempId: `b${seq}`, body: `b${seq}`, ts: seq })),
  });
  assert.equal((await page1).length, 2);
  const page2 = chat.loadOlder(2);
  assert.deepEqual(socket.lastSent('chat:history').data, { limit: 2, before: 119 });
  socket.ack('chat:history', { room: ROOM, hasMore: false, messages: [{ seq: 118, from: 'alice', msgId: 'm118', tempId: 'a118', body: 'a', ts: 1 }] });
  await page2;
  assert.equal(chat.hasMore, false);
  assert.deepEqual(chat.messages.map((m) => m.seq), [118, 119, 120]);
  assert.equal(chat.messages[0].own, true);
  assert.equal(chat.resumeSeq, 120, 'history does not move the resume position');
});

test('sending before joining fails with not_in_room without a frame', async () => {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = connect('ws://gateway.test/ws', { token: 'token' }, testOptions(clock, WebSocket));
  await flush();
  WebSocket.last.accept('alice');
  const message = client.chat(ROOM).send('hello?');
  assert.equal(message.state, 'failed');
  assert.equal(message.error.code, 'not_in_room');
  assert.equal(WebSocket.last.sentOf('chat:send_message').length, 0);
});
