// The Socket.IO 4 peer of the gateway benchmark: the room fan-out that the clinic apps ran before the gateway
// (join a room, broadcast to the room except the sender), with the same JWT check at connection time and the
// same event names and payload shapes, and no persistence. gateway/bench/run.sh starts it; nothing else should.
//
//   PORT=3000 GATEWAY_JWT_SECRET=... node --expose-gc server.js
//
// Events (client to server, each with a Socket.IO ack):
//   chat:join_room     {room}                 -> ack {room, members:[userIds]}; others get chat:user_joined {room, userId}
//   chat:leave_room    {room}                 -> ack {room}; others get chat:user_left when the user's last socket leaves
//   chat:send_message  {room, tempId, body}   -> others in the room get chat:message {room, from, tempId, body, ts};
//                                                the sender gets ack {tempId}
//   chat:typing        {room}                 -> others get chat:typing {room, from}
// GET /stats answers {connections, heapUsed, external, arrayBuffers, rss} in bytes, after a full GC when the
// process runs with --expose-gc: the benchmark's memory probe.
"use strict";

const crypto = require("node:crypto");
const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";
const secret = process.env.GATEWAY_JWT_SECRET || "";
if (Buffer.byteLength(secret, "utf8") < 32) {
  console.error("GATEWAY_JWT_SECRET must hold an HS256 secret of at least 32 bytes");
  process.exit(2);
}
const key = Buffer.from(secret, "utf8");

/** Verifies an HS256 JWT like the gateway does (signature, exp required, nbf); answers its claims or null. */
function verify(token) {
  if (typeof token !== "string" || token.length > 8192) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!header || header.alg !== "HS256") return null;
  const expected = crypto.createHmac("sha256", key).update(parts[0] + "." + parts[1]).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== "number" || claims.exp + 30 < now) return null;
  if (typeof claims.nbf === "number" && claims.nbf - 30 > now) return null;
  if (typeof claims.sub !== "string" || claims.sub.length === 0) return null;
  return claims;
}

/** The gateway's room patterns: exact ids, prefixes ending in *, or "*". */
function mayJoin(patterns, room) {
  if (!Array.isArray(patterns)) return false;
  return patterns.some((p) => p === "*" || p === room || (p.endsWith("*") && room.startsWith(p.slice(0, -1))));
}

const ROOM = /^[A-Za-z0-9_.:@-]{1,128}$/;

const httpServer = http.createServer((req, res) => {
  if (req.url && req.url.startsWith("/stats")) {
    if (typeof global.gc === "function") {
      global.gc();
      global.gc();
    }
    const memory = process.memoryUsage();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({
      connections: io.engine.clientsCount,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      rss: memory.rss,
    }));
    return;
  }
  res.writeHead(404).end();
});

const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  perMessageDeflate: false,
});

// Presence by user, like the gateway's join ack: room -> (userId -> sockets of that user in the room).
const members = new Map();

io.use((socket, next) => {
  const token = (socket.handshake.auth && socket.handshake.auth.token) || socket.handshake.query.access_token;
  const claims = verify(token);
  if (!claims) {
    next(new Error("unauthorized"));
    return;
  }
  socket.data.userId = claims.sub;
  socket.data.rooms = claims.rooms;
  next();
});

io.on("connection", (socket) => {
  const userId = socket.data.userId;
  const reply = (ack, value) => {
    if (typeof ack === "function") ack(value);
  };

  socket.on("chat:join_room", (data, ack) => {
    const room = data && data.room;
    if (typeof room !== "string" || !ROOM.test(room)) return reply(ack, { error: "bad_request" });
    if (!mayJoin(socket.data.rooms, room)) return reply(ack, { error: "forbidden" });
    let users = members.get(room);
    if (!users) members.set(room, (users = new Map()));
    const first = !users.has(userId);
    if (!socket.rooms.has(room)) {
      users.set(userId, (users.get(userId) || 0) + 1);
      socket.join(room);
    }
    if (first) socket.to(room).emit("chat:user_joined", { room, userId });
    reply(ack, { room, members: [...users.keys()] });
  });

  const leave = (room) => {
    const users = members.get(room);
    if (!users || !users.has(userId)) return;
    const left = users.get(userId) - 1;
    if (left > 0) {
      users.set(userId, left);
      return;
    }
    users.delete(userId);
    if (users.size === 0) members.delete(room);
    socket.to(room).emit("chat:user_left", { room, userId });
  };

  socket.on("chat:leave_room", (data, ack) => {
    const room = data && data.room;
    if (typeof room !== "string" || !socket.rooms.has(room)) return reply(ack, { error: "not_in_room" });
    socket.leave(room);
    leave(room);
    reply(ack, { room });
  });

  socket.on("chat:send_message", (data, ack) => {
    const room = data && data.room;
    if (typeof room !== "string" || !socket.rooms.has(room)) return reply(ack, { error: "not_in_room" });
    const message = { room, from: userId, tempId: data.tempId, body: data.body, ts: Date.now() };
    if (data.meta !== undefined) message.meta = data.meta;
    socket.to(room).emit("chat:message", message);
    reply(ack, { tempId: data.tempId });
  });

  socket.on("chat:typing", (data) => {
    const room = data && data.room;
    if (typeof room === "string" && socket.rooms.has(room)) socket.to(room).emit("chat:typing", { room, from: userId });
  });

  socket.on("disconnecting", () => {
    for (const room of socket.rooms) {
      if (room !== socket.id) leave(room);
    }
  });
});

httpServer.listen(port, host, 4096, () => {
  console.log(`socket.io ${require("socket.io/package.json").version} peer listening on ${host}:${port}`);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
