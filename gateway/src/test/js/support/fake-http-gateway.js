// A scripted gateway behind fetch for the HTTP fallback transport: sessions, event streams, POSTs. No tests here.

const encoder = new TextEncoder();

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The gateway's side of the HTTP transport, driven by the test; `fetch` is what the adapter is given. */
export function fakeHttpGateway() {
  const gateway = {
    sessions: 0,
    streams: [],
    posts: [],
    deletes: 0,
    urls: [],
    inFlight: 0,
    maxInFlight: 0,
    /** Sends an event on the newest stream. */
    event(id, frame, name = null) {
      const stream = gateway.streams.at(-1);
      stream.controller.enqueue(encoder.encode(`id: ${id}\n${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(frame)}\n\n`));
    },
    /** Cuts the newest stream, as a network drop would. */
    cut() {
      gateway.streams.at(-1).controller.error(new TypeError('network error'));
    },
    welcome(id = 1, userId = 'alice') {
      gateway.event(id, { type: 'welcome', data: { userId, connectionId: `s${gateway.sessions}`, protocolVersion: 1 } });
    },
    fetch: async (url, init = {}) => {
      const target = new URL(url);
      const method = init.method ?? 'GET';
      gateway.urls.push(`${method} ${target.pathname}${target.search}`);
      const headers = init.headers ?? {};
      if (target.pathname === '/ws') {
        return json(400, { error: 'bad_request', message: 'not an upgrade' });
      }
      if (!String(headers.Authorization ?? '').startsWith('Bearer ')) {
        return json(401, { error: 'unauthorized', message: 'no token' });
      }
      if (method === 'POST' && target.pathname === '/ws/http/sessions') {
        gateway.sessions += 1;
        return json(201, { session: `s${gateway.sessions}`, heartbeatMs: 15_000 });
      }
      if (method === 'DELETE') {
        gateway.deletes += 1;
        return new Response(null, { status: 204 });
      }
      if (target.pathname.endsWith('/events')) {
        gateway.inFlight += 1;
        gateway.maxInFlight = Math.max(gateway.maxInFlight, gateway.inFlight);
        let entry;
        const body = new ReadableStream({
          start(controller) {
            entry = { controller, lastEventId: headers['Last-Event-ID'], authorization: headers.Authorization };
            gateway.streams.push(entry);
            controller.enqueue(encoder.encode(': open\n\n'));
          },
          cancel() {
            gateway.inFlight -= 1;
          },
        });
        init.signal?.addEventListener('abort', () => {
          try {
            entry.controller.error(new DOMException('aborted', 'AbortError'));
          } catch {
            // already closed
          }
        });
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }
      if (method === 'POST' && target.pathname.endsWith('/frames')) {
        const frames = JSON.parse(init.body);
        gateway.posts.push({ query: Object.fromEntries(target.searchParams), frames });
        return json(200, { accepted: frames.length, duplicates: 0 });
      }
      return json(404, { error: 'not_found' });
    },
  };
  return gateway;
}
