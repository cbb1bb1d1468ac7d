/**
 * Errors as the adapter reports them: one class, a code, a message, and the frame that carried it.
 */

/** The error codes of the wire contract, as sent by the gateway in `error` frames. */
export const SERVER_ERROR_CODES = Object.freeze([
  'bad_request', 'unknown_type', 'forbidden', 'not_in_room', 'room_full', 'peer_not_found',
  'rate_limited', 'unavailable', 'internal',
]);

/**
 * Codes the adapter adds for failures no server frame describes:
 * `timeout` (no answer within the request timeout), `disconnected` (the socket closed before the answer came)
 * `closed` (the client is closed for good: close() was called or the gateway refused to have it back),
 * `declined` (a call's admission was declined by an admitter: webrtc:declined) and `unauthorized` (the gateway
 * refused the token at the upgrade with HTTP 401; the client stops).
 */
export const CLIENT_ERROR_CODES = Object.freeze(['timeout', 'disconnected', 'closed', 'declined', 'unauthorized']);

const RETRYABLE = new Set(['rate_limited', 'unavailable', 'timeout', 'disconnected']);

/** A refused or failed request: `code` is one of the codes above. */
export class GatewayError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {object|null} frame the `error` frame from the gateway, or null for a client-side failure
   */
  constructor(code, message, frame = null) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.frame = frame;
    this.room = frame?.room ?? null;
  }

  /** Whether the same request may succeed later (rate_limited, unavailable, timeout, disconnected). */
  get retryable() {
    return RETRYABLE.has(this.code);
  }

  /** The error an `error` frame describes. */
  static fromFrame(frame) {
    const data = frame?.data ?? {};
    const code = typeof data.code === 'string' ? data.code : 'internal';
    const message = typeof data.message === 'string' ? data.message : `the gateway answered with error ${code}`;
    return new GatewayError(code, message, frame);
  }
}
