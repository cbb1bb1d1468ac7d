// Display names of the room's users, learnt from the join ack, chat:user_joined and chat:message; the user id
// stands in until one is known. Names are untrusted text: callers render them with textContent only.
export function trackNames(chat) {
  const names = new Map();
  const learn = (userId, name) => {
    if (typeof userId === 'string' && typeof name === 'string' && name) {
      names.set(userId, name);
    }
  };
  chat.on('joined', (ack) => Object.entries(ack.names ?? {}).forEach(([userId, name]) => learn(userId, name)));
  chat.on('chat:user_joined', (frame) => learn(frame.data.userId, frame.data.name));
  chat.on('chat:message', (frame) => learn(frame.from, frame.data.name));
  return (userId) => names.get(userId) ?? userId ?? '';
}
