import { trackNames } from './names.js';

// The room's chat: members by name, messages as they go from pending to confirmed, a form to send.
export function showChat(chat, ownName) {
  const nameOf = trackNames(chat);
  const list = document.querySelector('#messages');
  const members = document.querySelector('#members');
  const items = new Map();

  const renderMembers = () => {
    members.textContent = chat.members.map(nameOf).join(', ');
  };
  const render = (message) => {
    let item = items.get(message);
    if (!item) {
      item = document.createElement('li');
      items.set(message, item);
      list.append(item);
    }
    item.dataset.state = message.state;
    item.textContent = `${message.own ? ownName : nameOf(message.from)}: ${message.body}`;
  };

  chat.on('members', renderMembers);
  chat.on('chat:user_joined', renderMembers);
  chat.on('message', render);
  chat.on('update', render);

  const form = document.querySelector('#send-form');
  const input = document.querySelector('#message');
  input.addEventListener('input', () => chat.typing());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) {
      chat.send(input.value.trim());
      input.value = '';
    }
  });
  return { nameOf };
}
