/**
 * Reads a JWT's payload without verifying it: the client only needs `exp` to know when to refresh. The gateway
 * verifies every token it receives.
 */
export function jwtClaims(token) {
  if (typeof token !== 'string') {
    return null;
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** The token's `exp` in epoch seconds, or null when it cannot be read. */
export function jwtExpiry(token) {
  const exp = jwtClaims(token)?.exp;
  return Number.isFinite(exp) ? exp : null;
}
