// The demo's video call panel: start, hang up, the waiting room's Admit / Decline, and what the call is doing, in
// words. `session` is the page's (client, chat, names, ringing, and the call and camera stream this starts).
const $ = (id) => document.getElementById(id);

/**
 * Joins the room's call with camera and microphone. `afterReload`: this page replaces one that was in the call. The
 * gateway may still hold that page's place (its reconnect grace) and answer `resumed`, but the peer connections
 * died with the old page and a resume only restarts ICE on them: leave and join afresh, so that the other side
 * builds a new connection for this page.
 */
export async function startCall(session, afterReload = false) {
  $('call-error').textContent = '';
  $('call-start').disabled = true;
  try {
    session.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    $('local-video').srcObject = session.localStream;
    $('local-video').parentElement.hidden = false;
  } catch (error) {
    $('call-error').textContent = `No camera or microphone (${error.name}): joining to receive only.`;
    session.localStream = null;
  }
  const call = session.client.call(session.chat.room, { localStream: session.localStream });
  session.call = call;
  session.ringing.render();
  const remote = $('remote-video');
  const nameOf = (peerId) => session.names.of(peerId);
  // Alone in the call, the peer connection state means nothing yet (or any more): say who we wait for.
  const showState = () => showCallState(call.state === 'waiting' ? 'waiting'
    : call.peers.length === 0 ? 'alone' : call.connectionState);
  // Waiting room (rooms the gateway runs with gateway.call.admission-rooms, e.g. consult-*).
  call.on('waiting', () => {
    showState();
    setCallStatus('waiting', 'Waiting for the doctor to let you in…');
  });
  call.on('joined', (ack) => {
    showState();
    if (ack.resumed) {
      setCallStatus('resumed', 'Connection back: call resumed');
    } else if ($('call-status').dataset.state === 'waiting') {
      setCallStatus('admitted', 'The doctor let you in');
    }
  });
  call.on('admissionRequested', () => renderAdmissions(call, session.names));
  call.on('admissionCancelled', () => renderAdmissions(call, session.names));
  // A peer whose connection dropped keeps its place for a while (reconnect grace): say so, then that it is back.
  call.on('peerreconnecting', ({ peerId }) => {
    setCallStatus('reconnecting', `${nameOf(peerId)} is reconnecting…`);
    if (remote.srcObject) {
      $('remote-label').textContent = `${nameOf(peerId)} (reconnecting…)`;
    }
  });
  call.on('peerresumed', ({ peerId }) => {
    setCallStatus('resumed', `${nameOf(peerId)} is back: call resumed`);
    $('remote-label').textContent = nameOf(peerId);
  });
  call.on('stream', ({ peerId, stream }) => {
    remote.srcObject = stream;
    $('remote-label').textContent = nameOf(peerId);
  });
  call.on('connectionstatechange', ({ peerId, state }) => {
    if (state === 'connected' && remote.srcObject) {
      $('remote-label').textContent = nameOf(peerId);
    }
  });
  call.on('streamended', () => {
    remote.srcObject = null;
    $('remote-label').textContent = 'The other party left';
  });
  call.on('peerleft', ({ peerId, hungUp }) => {
    if (!hungUp && remote.srcObject) {
      $('remote-label').textContent = `${nameOf(peerId)} lost the connection, waiting for them to come back…`;
    }
  });
  call.on('peerjoined', ({ peerId }) => {
    $('remote-label').textContent = remote.srcObject ? nameOf(peerId) : `${nameOf(peerId)} is joining…`;
  });
  call.on('connectionstatechange', showState);
  call.on('peerjoined', showState);
  // peerleft comes just before the adapter drops the peer: look once it has.
  call.on('peerleft', () => queueMicrotask(showState));
  call.on('error', (error) => console.warn('call:', error.message));
  $('call-end').disabled = false;
  try {
    const ack = await call.ready;
    if (afterReload && ack.resumed && session.call === call) {
      await endCall(session);
      await startCall(session);
      return;
    }
    showState();
  } catch (error) {
    if (session.call !== call) {
      return;
    }
    await endCall(session);
    if (error.code === 'declined') {
      setCallStatus('declined', 'The doctor declined the call.');
    } else {
      $('call-error').textContent = `Could not join the call: ${error.message}`;
    }
  }
}

/**
 * What the call is doing, in words: the peer connection's own states (new, checking, ...) mean nothing to a
 * patient. `data-state` keeps the state itself, for tests and diagnosis.
 */
const CALL_STATES = {
  idle: 'Not in a call',
  waiting: 'Waiting to be let in',
  alone: 'Waiting for the other party to join',
  new: 'Connecting…',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Connection interrupted, reconnecting…',
  failed: 'Connection failed, retrying…',
  closed: 'Call ended',
};

function showCallState(state) {
  $('call-state').textContent = CALL_STATES[state] ?? 'Connecting…';
  $('call-state').dataset.state = state;
}

/** The call's status line; `data-history` keeps every state it went through (for tests and diagnosis). */
function setCallStatus(state, text) {
  const status = $('call-status');
  status.textContent = text;
  status.dataset.state = state;
  const history = status.dataset.history ? status.dataset.history.split(' ') : [];
  if (state && history.at(-1) !== state) {
    status.dataset.history = [...history, state].join(' ');
  }
}

/** The doctor's list of patients waiting to join, with Admit and Decline. */
function renderAdmissions(call, names) {
  const list = $('admissions');
  const requests = call.admissionRequests;
  list.hidden = requests.length === 0;
  list.replaceChildren(...requests.map(({ userId, name }) => {
    const item = document.createElement('li');
    item.dataset.userId = userId;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = `${name ?? names.of(userId)} is waiting to join`;
    const answer = (how, button) => {
      button.disabled = true;
      call[how](userId)
        .catch((error) => console.warn(`${how}:`, error.message))
        .finally(() => renderAdmissions(call, names));
    };
    const admit = document.createElement('button');
    admit.type = 'button';
    admit.className = 'admit';
    admit.textContent = 'Admit';
    admit.addEventListener('click', () => answer('admit', admit));
    const decline = document.createElement('button');
    decline.type = 'button';
    decline.className = 'decline secondary';
    decline.textContent = 'Decline';
    decline.addEventListener('click', () => answer('decline', decline));
    item.append(who, admit, decline);
    return item;
  }));
}

export async function endCall(session) {
  const call = session.call;
  session.call = null;
  if (call) {
    try {
      await call.leave();
    } catch (error) {
      console.warn('leave call:', error.message);
    }
  }
  session.localStream?.getTracks().forEach((track) => track.stop());
  session.localStream = null;
  $('local-video').srcObject = null;
  $('local-video').parentElement.hidden = true;
  $('remote-video').srcObject = null;
  showCallState('idle');
  setCallStatus('', '');
  $('admissions').replaceChildren();
  $('admissions').hidden = true;
  $('remote-label').textContent = 'Waiting for the other party';
  $('call-start').disabled = false;
  $('call-end').disabled = true;
  session.ringing?.render();
}
