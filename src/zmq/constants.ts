/**
 * libzmq's numeric constants, named.
 *
 * @module
 */

/** Socket types by name, with libzmq's numeric values. */
export const SocketType = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
} as const;

/** A socket type name: `"PAIR"`, `"REQ"`, `"PUB"`, … */
export type SocketTypeName = keyof typeof SocketType;

/** Poll event bits (`ZMQ_POLLIN`, `ZMQ_POLLOUT`, `ZMQ_POLLERR`). */
export const PollEvent = { IN: 1, OUT: 2, ERR: 4 } as const;

/** Socket monitor event bits (`ZMQ_EVENT_*`). */
export const MonitorEvent = {
  CONNECTED: 0x0001,
  CONNECT_DELAYED: 0x0002,
  CONNECT_RETRIED: 0x0004,
  LISTENING: 0x0008,
  BIND_FAILED: 0x0010,
  ACCEPTED: 0x0020,
  ACCEPT_FAILED: 0x0040,
  CLOSED: 0x0080,
  CLOSE_FAILED: 0x0100,
  DISCONNECTED: 0x0200,
  MONITOR_STOPPED: 0x0400,
  HANDSHAKE_FAILED_NO_DETAIL: 0x0800,
  HANDSHAKE_SUCCEEDED: 0x1000,
  HANDSHAKE_FAILED_PROTOCOL: 0x2000,
  HANDSHAKE_FAILED_AUTH: 0x4000,
  ALL: 0xffff,
} as const;

/** @internal Send/receive flags. */
export const DONTWAIT = 1;
/** @internal More parts follow. */
export const SNDMORE = 2;

/** @internal Socket option numbers used by this library. */
export const Opt = {
  ROUTING_ID: 5,
  SUBSCRIBE: 6,
  UNSUBSCRIBE: 7,
  SNDBUF: 11,
  RCVBUF: 12,
  RCVMORE: 13,
  EVENTS: 15,
  TYPE: 16,
  LINGER: 17,
  RECONNECT_IVL: 18,
  BACKLOG: 19,
  RECONNECT_IVL_MAX: 21,
  MAXMSGSIZE: 22,
  SNDHWM: 23,
  RCVHWM: 24,
  RCVTIMEO: 27,
  SNDTIMEO: 28,
  LAST_ENDPOINT: 32,
  TCP_KEEPALIVE: 34,
  TCP_KEEPALIVE_CNT: 35,
  TCP_KEEPALIVE_IDLE: 36,
  TCP_KEEPALIVE_INTVL: 37,
  IMMEDIATE: 39,
  XPUB_VERBOSE: 40,
  IPV6: 42,
  MECHANISM: 43,
  CURVE_SERVER: 47,
  CURVE_PUBLICKEY: 48,
  CURVE_SECRETKEY: 49,
  CURVE_SERVERKEY: 50,
  REQ_CORRELATE: 52,
  REQ_RELAXED: 53,
  CONFLATE: 54,
  ZAP_DOMAIN: 55,
  HANDSHAKE_IVL: 66,
  XPUB_NODROP: 69,
  HEARTBEAT_IVL: 75,
  HEARTBEAT_TTL: 76,
  HEARTBEAT_TIMEOUT: 77,
  XPUB_VERBOSER: 78,
  CONNECT_TIMEOUT: 79,
} as const;

/** @internal Context option numbers. */
export const CtxOpt = { IO_THREADS: 1, MAX_SOCKETS: 2, BLOCKY: 70 } as const;
