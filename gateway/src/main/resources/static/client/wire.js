/** The envelope as the client sends it, and the rules it checks before sending. */

const ROOM_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

/** A client frame; absent fields are left out. */
export function envelope(type, id, room, to, data) {
  const frame = { type };
  if (id !== undefined && id !== null) {
    frame.id = id;
  }
  if (room !== undefined && room !== null) {
    frame.room = room;
  }
  if (to !== undefined && to !== null) {
    frame.to = to;
  }
  frame.data = data ?? {};
  return frame;
}

/** Throws unless `room` is 1 to 128 characters of `A-Z a-z 0-9 _ . : @ -`. */
export function requireRoomId(room) {
  if (typeof room !== 'string' || !ROOM_ID.test(room)) {
    throw new TypeError(`room: expected 1 to 128 characters of A-Z a-z 0-9 _ . : @ -, got ${JSON.stringify(room)}`);
  }
}

/**
 * The WebSocket URL with the token as `access_token` (browsers cannot set an Authorization header): relative URLs
 * resolve against the page, http(s) becomes ws(s).
 */
export function socketUrl(url, token) {
  const base = globalThis.location?.href;
  const target = base ? new URL(url, base) : new URL(url);
  if (target.protocol === 'http:') {
    target.protocol = 'ws:';
  } else if (target.protocol === 'https:') {
    target.protocol = 'wss:';
  }
  target.searchParams.set('access_token', token);
  return target.toString();
}
