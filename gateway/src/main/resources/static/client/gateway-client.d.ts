// Types of the signalgate browser adapter (gateway-client.js). See CLIENT.md for the guide.

/** A frame as it travels on the wire (server to client frames carry `from` and, for stored messages, `seq`). */
export interface Envelope<D = Record<string, unknown>> {
  type: string;
  id?: string;
  room?: string;
  to?: string;
  from?: string;
  seq?: number;
  data: D;
}

export type ServerErrorCode =
  | 'bad_request' | 'unknown_type' | 'forbidden' | 'not_in_room' | 'room_full' | 'peer_not_found'
  | 'rate_limited' | 'unavailable' | 'internal';
/**
 * Added by the adapter: no answer in time, the socket closed first, or the client is closed for good; `declined`
 * rejects a Call's `ready` when an admitter declines the waiting user.
 */
export type ClientErrorCode = 'timeout' | 'disconnected' | 'closed' | 'declined' | 'unauthorized';
export type ErrorCode = ServerErrorCode | ClientErrorCode;

export const SERVER_ERROR_CODES: readonly ServerErrorCode[];
export const CLIENT_ERROR_CODES: readonly ClientErrorCode[];
export const PROTOCOL_VERSION: 1;

export class GatewayError extends Error {
  constructor(code: ErrorCode | string, message: string, frame?: Envelope | null);
  readonly name: 'GatewayError';
  readonly code: ErrorCode | string;
  /** The gateway's `error` frame, or null for a client-side failure. */
  readonly frame: Envelope<{ code: string; message: string }> | null;
  readonly room: string | null;
  /** rate_limited, unavailable, timeout and disconnected may succeed when tried again later. */
  readonly retryable: boolean;
  static fromFrame(frame: Envelope): GatewayError;
}

export type Unsubscribe = () => void;

export class Emitter {
  on(type: string, handler: (...args: any[]) => void): Unsubscribe;
  off(type: string, handler: (...args: any[]) => void): this;
  once(type: string, handler: (...args: any[]) => void): Unsubscribe;
  emit(type: string, ...args: unknown[]): boolean;
}

// ---- reconnect policy ----

export const CloseCode: Readonly<{
  NORMAL: 1000; GOING_AWAY: 1001; ABNORMAL: 1006; POLICY_VIOLATION: 1008; TOO_BIG: 1009; INTERNAL_ERROR: 1011;
  TIMEOUT: 4000; SLOW_CONSUMER: 4008; TOO_MANY_CONNECTIONS: 4009; RATE_LIMIT_EXCEEDED: 4029;
}>;
export type ClosePolicy = 'reconnect' | 'reconnect-slowly' | 'fresh-token' | 'stop';
export function closePolicy(code: number): ClosePolicy;

export interface BackoffOptions {
  /** First ceiling, doubled on every failed attempt (default 500 ms). */
  base?: number;
  /** Highest ceiling (default 10 s). */
  max?: number;
  /** Added to the wait after a 4029 rate-limit close (default 15 s). */
  rateLimited?: number;
}
export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>>;
/** Full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, backoff?: BackoffOptions, random?: () => number): number;
export function reconnectDelay(policy: ClosePolicy, attempt: number, backoff?: BackoffOptions, random?: () => number): number;

export class SeqTracker {
  readonly contiguous: number | null;
  accountUpTo(seq: number): void;
  see(seq: number): void;
  resumeFrom(): number | null;
}

export function jwtClaims(token: string): Record<string, unknown> | null;
export function jwtExpiry(token: string): number | null;
export function socketUrl(url: string, token: string): string;

// ---- client ----

export type Auth = { token: string } | { getToken: () => Promise<string> | string };

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface ConnectOptions {
  /** Per-request timeout in ms (default 10 s); a queued request counts from the call. */
  requestTimeout?: number;
  /** How long a socket (and getToken) may take until `welcome` (default 10 s). */
  connectTimeout?: number;
  /** A connection open this long counts as stable: the backoff starts over after it drops (default 5 s). */
  stableAfter?: number;
  /** Refresh a getToken token this long before its exp at most (default 60 s; a fifth of the rest if shorter). */
  refreshMargin?: number;
  backoff?: BackoffOptions;
  typing?: {
    /** Resend chat:typing at most this often while typing goes on (default 3 s). */
    interval?: number;
    /** Send chat:stop_typing after this long without typing() (default 3 s). */
    idle?: number;
    /** Forget another user's typing after this long without news (default 8 s). */
    expiry?: number;
  };
  /** Default page size of loadOlder() (default 50, at most 100). */
  historyPage?: number;
  /**
   * For gateways without a reconnect grace of their own (their join ack has no `roles`): keep a connected peer this
   * long after webrtc:peer_left without a hang-up, in case it is only reconnecting (default 15 s). With a gateway
   * that sends `roles`, peer_left comes after the gateway's grace and closes the peer at once. Also used for peers
   * missing from a re-join's ack (the gateway restarted). A peer that hangs up with leave() is closed at once.
   */
  peerLeftGrace?: number;
  /** A peer already in the call offers itself if the newcomer's offer has not come after this (default 4 s). */
  offerWait?: number;
  /** ICE servers when neither the join ack nor call() gives any (default []). */
  iceServers?: RTCIceServer[];
  /** Reconnect at once on the browser's `online` event (default true). */
  reconnectWhenOnline?: boolean;
  /**
   * With getToken: refusals of a fetched token (HTTP 401 at the upgrade) in a row before the client stops with an
   * `unauthorized` error (default 3). A fixed token stops at the first.
   */
  maxTokenRefusals?: number;
  /**
   * The transports to use, in order of preference (default ['websocket', 'http']). With both, an attempt whose
   * WebSocket ends before its welcome is followed by one over HTTP; ['websocket'] never falls back, ['http']
   * never opens a socket. HTTP needs fetch with streamed response bodies.
   */
  transports?: Transport[];
  /** While on HTTP, the WebSocket is probed again after base * 2^n ms, half of it jittered, at most max. */
  websocketRetry?: { base?: number; max?: number };
  /** Tuning of the HTTP transport; see HTTP_DEFAULTS. */
  http?: Partial<typeof HTTP_DEFAULTS>;
  // Injection points, for tests.
  WebSocket?: new (url: string) => WebSocket;
  /** Asks why an upgrade failed (a plain GET of the socket URL) and carries the HTTP transport; default globalThis.fetch. */
  fetch?: typeof fetch;
  RTCPeerConnection?: new (configuration?: RTCConfiguration) => RTCPeerConnection;
  timers?: Timers;
  /** Uniform in [0, 1): the backoff jitter. */
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_OPTIONS: Readonly<ConnectOptions>;

/** What carries a connection: a WebSocket, or the HTTP fallback (Server-Sent Events down, POSTs up). */
export type Transport = 'websocket' | 'http';

export const HTTP_DEFAULTS: Readonly<{
  /** A stream that yields not one byte within this is buffered by something in between: long-poll instead. */
  streamWait: number;
  /** Events are acknowledged after this many, or this many ms after the first unacknowledged one. */
  ackEvery: number;
  ackDelay: number;
  /** Backoff of the reader's and the POSTs' retries. */
  retry: { base: number; max: number };
  /** Retries in a row after which the session counts as lost (then the client reconnects). */
  maxRetries: number;
  requestTimeout: number;
}>;

/** `/ws` → `http(s)://host/ws/http/sessions`, resolved against the page. */
export function sessionsUrl(url: string): string;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateDetail {
  /** The close code that led here, when there was one. */
  code?: number | null;
  reason?: string;
  /** reconnecting: attempts so far and the wait before the next one, in ms. */
  attempt?: number;
  delay?: number;
  /** open: whether rooms and calls were resumed after a reconnect. */
  resumed?: boolean;
  userId?: string;
  connectionId?: string;
}

export function connect(url: string, auth: Auth, options?: ConnectOptions): GatewayClient;

export class GatewayClient extends Emitter {
  readonly state: ConnectionState;
  readonly isOpen: boolean;
  /** What carries the connection; null before the first welcome. */
  readonly transport: Transport | null;
  userId: string | null;
  connectionId: string | null;

  request<A = Record<string, any>>(type: string, room: string | null, data?: Record<string, unknown>,
    options?: { timeout?: number; to?: string }): Promise<A>;
  send(type: string, room: string | null, data?: Record<string, unknown>, options?: { to?: string }): void;
  chat(room: string): ChatRoom;
  call(room: string, options?: CallOptions): Call;
  reconnect(): void;
  close(): void;

  on(type: 'state', handler: (state: ConnectionState, detail: StateDetail) => void): Unsubscribe;
  on(type: 'error', handler: (error: GatewayError) => void): Unsubscribe;
  on(type: 'welcome', handler: (frame: Envelope<{ userId: string; connectionId: string; protocolVersion: number }>) => void): Unsubscribe;
  on(type: 'tokenrefresh', handler: (event: { exp: number }) => void): Unsubscribe;
  /** A welcomed connection uses another transport than the one before (the first welcome included). */
  on(type: 'transport', handler: (transport: Transport, detail: { previous: Transport | null }) => void): Unsubscribe;
  /** The gateway took this connection out of rooms (their chat and call); they are not joined again. */
  on(type: 'roomsrevoked', handler: (event: RoomsRevoked) => void): Unsubscribe;
  /** Any other frame type: `chat:message`, `webrtc:offer`, a backend's `queue:updated`, ... */
  on(type: string, handler: (frame: Envelope<any>) => void): Unsubscribe;
}

/** Why auth:rooms_revoked took rooms away: a narrower token on refresh, or a backend's removal. */
export type RevokeReason = 'token_narrowed' | 'removed' | string;

export interface RoomsRevoked {
  rooms: string[];
  reason: RevokeReason;
}

// ---- chat ----

export type MessageState = 'pending' | 'confirmed' | 'failed';

export interface ChatMessage {
  /** The sender's idempotency key (unique per sender). */
  tempId: string;
  from: string | null;
  body: string;
  meta?: Record<string, unknown>;
  /** Epoch ms: the gateway's acceptance time (the local send time until then for own messages). */
  ts: number;
  state: MessageState;
  /** Set once stored. */
  seq: number | null;
  msgId: string | null;
  /** Sent by this user (from this or another of the user's connections). */
  own: boolean;
  error: { code: ErrorCode | string; message: string } | null;
}

export interface JoinAck {
  room: string;
  members: string[];
  /** User id -> display name (the token's `name` claim) of members whose token has one: untrusted text. */
  names?: Record<string, string>;
  /** Who is in the room's call now (empty when none runs); webrtc:call_state frames follow its changes. */
  call?: { users: string[] };
  lastSeq?: number;
  readMarks?: Record<string, number>;
  store?: 'unavailable';
}

export class ChatRoom extends Emitter {
  readonly room: string;
  readonly joined: boolean;
  readonly messages: ChatMessage[];
  readonly lastSeq: number | null;
  readonly resumeSeq: number | null;
  readonly hasMore: boolean | null;
  readonly storeAvailable: boolean;
  readonly members: string[];
  readonly readMarks: Record<string, number>;
  readonly typingUsers: string[];

  join(): Promise<JoinAck>;
  leave(): Promise<void>;
  send(body: string, meta?: Record<string, unknown>): ChatMessage;
  retry(message: ChatMessage): ChatMessage;
  loadOlder(limit?: number): Promise<ChatMessage[]>;
  typing(): void;
  stopTyping(): void;
  markSeen(seq: number): Promise<number>;
  seenBy(seq: number): string[];

  on(type: 'message' | 'update', handler: (message: ChatMessage) => void): Unsubscribe;
  on(type: 'members', handler: (members: string[]) => void): Unsubscribe;
  on(type: 'typing', handler: (event: { userId: string; typing: boolean; users: string[] }) => void): Unsubscribe;
  on(type: 'seen', handler: (event: { userId: string; seq: number; readMarks: Record<string, number> }) => void): Unsubscribe;
  on(type: 'joined', handler: (ack: JoinAck) => void): Unsubscribe;
  on(type: 'left', handler: (event: { room: string; reason?: RevokeReason }) => void): Unsubscribe;
  on(type: 'revoked', handler: (event: { room: string; reason: RevokeReason }) => void): Unsubscribe;
  on(type: 'history', handler: (event: { messages: ChatMessage[]; hasMore: boolean }) => void): Unsubscribe;
  on(type: 'error', handler: (error: GatewayError) => void): Unsubscribe;
  on(type: string, handler: (frame: Envelope<any>) => void): Unsubscribe;
}

// ---- calls ----

export interface CallOptions {
  localStream?: MediaStream | null;
  /** Used unless the gateway's join ack carries iceServers. */
  iceServers?: RTCIceServer[];
  /** Other RTCConfiguration fields for every peer connection. */
  configuration?: RTCConfiguration;
  RTCPeerConnection?: new (configuration?: RTCConfiguration) => RTCPeerConnection;
}

export type NegotiationRole = 'polite' | 'impolite';

export interface CallJoinAck {
  room: string;
  peers: string[];
  /** This user's role toward each peer (in `peers` and `reconnecting`). */
  roles: Record<string, NegotiationRole>;
  /** Peers holding their place while their socket is away: present, but not signalled until peer_resumed. */
  reconnecting?: string[];
  /** Use these (STUN, TURN with minted credentials) when present. */
  iceServers?: RTCIceServer[];
  /** This user came back within its reconnect grace: the impolite side restarts ICE. */
  resumed?: boolean;
}

/** The join ack of a call with a waiting room, for a user who must wait. */
export interface CallWaitingAck {
  room: string;
  status: 'waiting';
}

export interface AdmissionRequest {
  userId: string;
  name?: string;
  role?: string;
}

export interface CallPeer {
  id: string;
  role: NegotiationRole;
  connectionState: RTCPeerConnectionState;
  stream: MediaStream | null;
  /** Its socket is away (webrtc:peer_reconnecting): its connection is kept, nothing is sent to it. */
  reconnecting: boolean;
}

export class Call extends Emitter {
  readonly room: string;
  /**
   * Resolves with the join ack (after a waiting room, with webrtc:admitted's data), rejects with room_full,
   * forbidden, declined, ...
   */
  readonly ready: Promise<CallJoinAck>;
  readonly state: 'joining' | 'waiting' | 'joined' | 'declined' | 'left' | 'failed';
  readonly localStream: MediaStream | null;
  /** The gateway's (join ack, renewed by webrtc:ice_servers), else the call's option, else connect()'s. */
  readonly iceServers: RTCIceServer[];
  readonly peers: CallPeer[];
  readonly remoteStreams: Map<string, MediaStream>;
  readonly remoteStream: MediaStream | null;
  readonly connectionState: RTCPeerConnectionState;
  /** Users waiting for this admitter's answer, in the order they asked. */
  readonly admissionRequests: AdmissionRequest[];
  /** ICE restarts this side started (after a resume, a failure, or restartIce()). */
  readonly iceRestarts: number;
  /** Remote descriptions that carried new ICE credentials (an ICE restart by either side went through). */
  readonly remoteIceRestarts: number;

  peerConnection(peerId: string): RTCPeerConnection | null;
  restartIce(peerId?: string): void;
  /** Admits a waiting user (admitters only): resolves with the ack {room, userId}. */
  admit(userId: string): Promise<{ room: string; userId: string }>;
  /** Declines a waiting user (admitters only): resolves with the ack {room, userId}. */
  decline(userId: string): Promise<{ room: string; userId: string }>;
  /** Leaves the call, or the waiting room. */
  leave(): Promise<void>;

  on(type: 'joined', handler: (ack: CallJoinAck) => void): Unsubscribe;
  /** The join ack said `status: 'waiting'`: in the waiting room until admitted ('joined') or declined. */
  on(type: 'waiting', handler: (ack: CallWaitingAck) => void): Unsubscribe;
  /** An admitter declined: `ready` rejects with a `declined` GatewayError; the call is not joined again. */
  on(type: 'declined', handler: (event: { room: string; by: string | null }) => void): Unsubscribe;
  on(type: 'admissionRequested', handler: (request: AdmissionRequest) => void): Unsubscribe;
  on(type: 'admissionCancelled', handler: (event: { userId: string; reason: 'left' | 'admitted' | 'declined' | string | null }) => void): Unsubscribe;
  on(type: 'peerjoined', handler: (event: { peerId: string; role: NegotiationRole }) => void): Unsubscribe;
  /** The peer's socket dropped; the gateway keeps its place for its reconnect grace. */
  on(type: 'peerreconnecting', handler: (event: { peerId: string }) => void): Unsubscribe;
  /** The peer is back within the grace; the impolite side restarts ICE. */
  on(type: 'peerresumed', handler: (event: { peerId: string; role: NegotiationRole }) => void): Unsubscribe;
  /** hungUp: the peer called leave(); otherwise its socket dropped and it did not come back in time. */
  on(type: 'peerleft', handler: (event: { peerId: string; hungUp: boolean }) => void): Unsubscribe;
  on(type: 'stream' | 'streamended', handler: (event: { peerId: string; stream: MediaStream }) => void): Unsubscribe;
  on(type: 'track', handler: (event: { peerId: string; track: MediaStreamTrack; stream: MediaStream }) => void): Unsubscribe;
  on(type: 'connectionstatechange', handler: (event: { peerId: string; state: RTCPeerConnectionState; connectionState: RTCPeerConnectionState }) => void): Unsubscribe;
  on(type: 'left', handler: (event: { room: string; reason?: RevokeReason }) => void): Unsubscribe;
  on(type: 'revoked', handler: (event: { room: string; reason: RevokeReason }) => void): Unsubscribe;
  on(type: 'error', handler: (error: Error) => void): Unsubscribe;
  on(type: string, handler: (frame: Envelope<any>) => void): Unsubscribe;
}
