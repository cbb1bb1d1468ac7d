// The consultation room demo: chat and a video call between a doctor and a patient, built only on the adapter.
import { connect } from '../client/gateway-client.js';
import { endCall, startCall } from './call-panel.js';
import { Names } from './names.js';
import { Ringing } from './ringing.js';
import { clearSession, loadSession, saveSession, updateSession } from './saved-session.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const session = {
  devMode: false,
  client: null,
  chat: null,
  call: null,
  localStream: null,
  items: new Map(),
  names: null,
  ringing: null,
};

// For the console (and browser tests): the live adapter objects.
window.signalgateDemo = {
  get client() { return session.client; },
  get chat() { return session.chat; },
  get call() { return session.call; },
  get names() { return session.names; },
};

init();

async function init() {
  for (const field of ['name', 'room']) {
    if (params.has(field)) {
      $(field).value = params.get(field);
    }
  }
  if (params.get('role') === 'patient') {
    $('role-patient').checked = true;
  }
  $('setup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    enter().catch((error) => showSetupError(error));
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    sendMessage();
  });
  $('message-input').addEventListener('input', () => {
    if ($('message-input').value.trim() === '') {
      session.chat?.stopTyping();
    } else {
      session.chat?.typing();
    }
  });
  $('load-older').addEventListener('click', () => loadOlder());
  $('leave').addEventListener('click', () => leaveRoom());
  $('call-start').addEventListener('click', () => startCall(session));
  $('call-end').addEventListener('click', () => endCall(session));
  window.addEventListener('pagehide', () => {
    // A reload keeps the call's place (the gateway's reconnect grace): remember to take it back.
    updateSession({ inCall: session.call !== null });
  });
  document.addEventListener('visibilitychange', () => markSeen());
  window.addEventListener('focus', () => markSeen());

  session.devMode = await detectDevMode();
  $('token-field').hidden = session.devMode;
  $('mode-hint').textContent = session.devMode
    ? 'Development mode: the gateway mints a token for you (GET /dev/token).'
    : 'Paste a token to enter.';

  const saved = loadSession();
  if (saved) {
    $('name').value = saved.name;
    $(saved.role === 'patient' ? 'role-patient' : 'role-doctor').checked = true;
    $('room').value = saved.room;
    $('token').value = saved.token ?? '';
    enter(saved.inCall === true).catch((error) => {
      // Back to the form, filled in: the next reload should not try the same thing again by itself.
      clearSession();
      showSetupError(error);
    });
  }
}

/** Development mode is when /dev/token answers; with real keys configured it answers 404. */
async function detectDevMode() {
  try {
    const response = await fetch('/dev/token?sub=probe&rooms=', { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}

function userIdFor(name, role) {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${role}-${slug || 'guest'}`;
}

/** Enters the room in the form; `rejoinCall` when a reload left the call's place to take back. */
async function enter(rejoinCall = false) {
  $('setup-error').textContent = '';
  const name = $('name').value.trim();
  const role = document.querySelector('input[name="role"]:checked').value;
  const room = $('room').value.trim();
  if (!name || !/^[A-Za-z0-9_.:@-]{1,128}$/.test(room)) {
    throw new Error('Enter a name and a room id of letters, digits and _ . : @ -');
  }
  let auth;
  let token = null;
  if (session.devMode) {
    const query = new URLSearchParams({ sub: userIdFor(name, role), name, role, rooms: room });
    auth = {
      getToken: async () => {
        const response = await fetch(`/dev/token?${query}`, { cache: 'no-store' });
        if (!response.ok) {
          throw new Error(`/dev/token answered ${response.status}`);
        }
        return (await response.json()).token;
      },
    };
  } else {
    token = $('token').value.trim();
    if (!token) {
      throw new Error('Paste a token first.');
    }
    auth = { token };
  }

  $('enter').disabled = true;
  const client = connect('/ws', auth);
  session.client = client;
  client.on('state', renderConnection);
  // WebSocket, or the HTTP fallback when a proxy blocks sockets.
  client.on('transport', (transport) => {
    const pill = $('conn-transport');
    pill.dataset.transport = transport;
    pill.textContent = transport === 'http' ? 'HTTP fallback' : 'WebSocket';
  });
  client.on('error', (error) => console.warn('gateway:', error.code, error.message));

  const chat = client.chat(room);
  session.chat = chat;
  // Before the page's own listeners: a name is known when the event that brings it is rendered.
  session.names = new Names(chat);
  client.on('welcome', (frame) => session.names.learn(frame.data.userId, name));
  session.names.onChange(() => renderNames());
  session.ringing = new Ringing({
    client, chat, names: session.names, element: $('ringing'),
    isInCall: () => session.call !== null,
    onJoin: () => startCall(session),
  });
  chat.on('message', (message) => {
    renderMessage(message);
    markSeen();
  });
  chat.on('update', (message) => {
    renderMessage(message);
    markSeen();
  });
  chat.on('typing', renderTyping);
  chat.on('members', renderMembers);
  chat.on('seen', renderReceipts);
  chat.on('joined', () => {
    renderMembers(chat.members);
    renderReceipts();
  });
  chat.on('history', () => {
    $('load-older').hidden = !chat.hasMore;
  });

  // The adapter retries a connection that fails; say so while waiting, and give up only if it stops for good.
  const stopWaiting = client.on('state', (state) => {
    if (state === 'reconnecting') {
      $('setup-error').textContent = session.devMode
        ? 'Cannot reach the gateway yet, retrying…'
        : 'Cannot connect yet, retrying… Is the token valid for this gateway and this room?';
    }
  });
  const closed = new Promise((resolve, reject) => {
    client.on('state', (state, detail) => {
      if (state === 'closed') {
        reject(new Error(detail.reason ?? 'the connection was closed'));
      }
    });
  });
  closed.catch(() => {});
  try {
    await Promise.race([chat.join(), closed]);
  } catch (error) {
    client.close();
    throw new Error(`Could not join ${room}: ${error.message}`);
  } finally {
    stopWaiting();
  }
  $('setup-error').textContent = '';
  $('room-title').textContent = `Room ${room}`;
  $('me').textContent = name;
  // A pasted token is kept too: in this tab only, for as long as it lives (a demo's convenience).
  saveSession({ name, role, room, token, inCall: false });
  $('setup').hidden = true;
  $('room-view').hidden = false;
  $('message-input').focus();
  await loadOlder(30);
  markSeen();
  if (rejoinCall) {
    await startCall(session, true);
  }
}

function showSetupError(error) {
  $('setup-error').textContent = error.message;
  $('enter').disabled = false;
}

// ---- connection ----

function renderConnection(state, detail) {
  const pill = $('conn-state');
  pill.dataset.state = state;
  if (state === 'reconnecting' && detail.delay !== undefined) {
    pill.textContent = `reconnecting (retry in ${Math.ceil(detail.delay / 1000)} s)`;
  } else if (state === 'closed') {
    pill.textContent = `closed${detail.reason ? `: ${detail.reason}` : ''}`;
  } else {
    pill.textContent = state;
  }
}

// ---- chat ----

function sendMessage() {
  const input = $('message-input');
  const body = input.value.trim();
  if (!body || !session.chat) {
    return;
  }
  session.chat.send(body);
  input.value = '';
}

async function loadOlder(limit) {
  try {
    await session.chat.loadOlder(limit);
  } catch (error) {
    console.warn('history:', error.message);
  }
  $('load-older').hidden = !session.chat.hasMore;
}

function itemKey(message) {
  return `${message.from ?? ''}\u0000${message.tempId ?? message.seq}`;
}

function renderMessage(message) {
  const key = itemKey(message);
  let item = session.items.get(key);
  if (!item) {
    item = document.createElement('li');
    item.className = 'message';
    item.innerHTML = '<div class="meta"><span class="author"></span> <time></time></div>'
      + '<div class="body"></div><div class="status"></div>';
    session.items.set(key, item);
  }
  item.dataset.from = message.from ?? '';
  item.dataset.tempId = message.tempId ?? '';
  item.dataset.state = message.state;
  // The states this message went through, e.g. "pending confirmed": shows the optimistic step happened.
  const history = item.dataset.history ? item.dataset.history.split(' ') : [];
  if (history.at(-1) !== message.state) {
    item.dataset.history = [...history, message.state].join(' ');
  }
  item.dataset.seq = message.seq ?? '';
  item.classList.toggle('own', message.own);
  item.querySelector('.author').textContent = message.own ? 'You' : session.names.of(message.from);
  item.querySelector('time').textContent = new Date(message.ts).toLocaleTimeString();
  item.querySelector('.body').textContent = message.body ?? '';
  renderStatus(item, message);
  placeInOrder();
}

function renderStatus(item, message) {
  const status = item.querySelector('.status');
  status.replaceChildren();
  if (message.state === 'pending') {
    status.textContent = message.own ? 'sending…' : 'not stored yet';
  } else if (message.state === 'failed') {
    status.textContent = `not sent (${message.error?.code ?? 'error'}) `;
    if (message.own) {
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'link retry';
      retry.textContent = 'Retry';
      retry.addEventListener('click', () => session.chat.retry(message));
      status.append(retry);
    }
  } else if (message.own) {
    const seenBy = session.chat.seenBy(message.seq);
    item.dataset.receipt = seenBy.length > 0 ? 'seen' : 'stored';
    status.textContent = seenBy.length > 0 ? `✓✓ seen by ${session.names.list(seenBy)}` : '✓ delivered';
  } else {
    status.textContent = '';
  }
}

function placeInOrder() {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const ordered = session.chat.messages.map((message) => session.items.get(itemKey(message))).filter(Boolean);
  ordered.forEach((item, index) => {
    if (list.children[index] !== item) {
      list.insertBefore(item, list.children[index] ?? null);
    }
  });
  if (atBottom) {
    list.scrollTop = list.scrollHeight;
  }
}

function renderReceipts() {
  for (const message of session.chat.messages) {
    if (message.own && message.state === 'confirmed') {
      const item = session.items.get(itemKey(message));
      if (item) {
        renderStatus(item, message);
      }
    }
  }
}

function renderTyping({ users }) {
  const typing = $('typing');
  typing.textContent = users.length === 0 ? ''
    : `${session.names.list(users)} ${users.length === 1 ? 'is' : 'are'} typing…`;
  typing.dataset.users = users.join(',');
}

function renderMembers(members) {
  const list = $('members');
  list.replaceChildren(...members.map((userId) => {
    const item = document.createElement('li');
    const name = session.names.of(userId);
    item.textContent = userId === session.client.userId ? `${name} (you)` : name;
    item.dataset.userId = userId;
    return item;
  }));
}

/** Redraws what shows names once a new one is known. */
function renderNames() {
  renderMembers(session.chat.members);
  renderTyping({ users: session.chat.typingUsers });
  for (const message of session.chat.messages) {
    if (session.items.has(itemKey(message))) {
      renderMessage(message);
    }
  }
}

/** Read receipts: mark the room seen up to the newest stored message while the page is visible. */
function markSeen() {
  const chat = session.chat;
  if (!chat?.joined || document.visibilityState !== 'visible') {
    return;
  }
  const newest = chat.messages.filter((message) => message.state === 'confirmed').at(-1);
  if (newest) {
    chat.markSeen(newest.seq).catch((error) => console.warn('mark seen:', error.message));
  }
}

async function leaveRoom() {
  clearSession();
  await endCall(session);
  try {
    await session.chat?.leave();
  } catch (error) {
    console.warn('leave:', error.message);
  }
  session.client?.close();
  location.reload();
}
