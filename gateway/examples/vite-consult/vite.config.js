import { defineConfig } from 'vite';

// The page talks to the gateway through this server, as a front end talks to its backend in development: the
// socket (/ws) and the development token endpoint (/dev/token) are proxied, so the page needs no CORS at all.
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';
const proxy = {
  '/ws': { target: gateway, ws: true },
  '/dev': { target: gateway },
};

export default defineConfig({
  server: { proxy },
  preview: { proxy },
});
