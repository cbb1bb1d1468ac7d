import { connect } from '@signalgate/client';
import { devToken } from './token.js';
import { showChat } from './chat-view.js';
import { showCall } from './call-view.js';

// One client for the whole page (one WebSocket per user); chat and call are rooms taken from it.
const form = document.querySelector('#join-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = form.elements.user.value.trim();
  const name = form.elements.name.value.trim();
  const room = form.elements.room.value.trim();

  const client = connect('/ws', { getToken: () => devToken({ sub: user, name, rooms: room }) });
  const state = document.querySelector('#state');
  client.on('state', (value) => {
    state.dataset.state = value;
    state.textContent = value;
  });
  client.on('error', (error) => console.warn('gateway:', error.code, error.message));

  form.hidden = true;
  document.querySelector('#consult').hidden = false;
  const chat = client.chat(room);
  const { nameOf } = showChat(chat, name || user);
  showCall(client, room, nameOf);
  await chat.join();
});
