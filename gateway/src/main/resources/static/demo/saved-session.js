// What the user entered (name, role, room, a pasted token) and whether they were in the call, kept in this tab's
// sessionStorage: reloading the page enters the same room again, and rejoins the call within the gateway's
// reconnect grace, instead of starting over at the form. Per tab, and gone when the tab closes.
const KEY = 'signalgate-demo-session';

export function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY));
    return saved && typeof saved.name === 'string' && typeof saved.room === 'string' ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function updateSession(changes) {
  const saved = loadSession();
  if (saved) {
    saveSession({ ...saved, ...changes });
  }
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}
