/**
 * `ZmqError`: a libzmq failure, with the errno, its symbolic code and libzmq's own message.
 *
 * @module
 */

/** Error codes by errno, per OS (libzmq reports the OS's own values, plus its own block). */
const HAUSNUMERO = 156384712;
const ZMQ_CODES: Record<number, string> = {
  [HAUSNUMERO + 51]: "EFSM",
  [HAUSNUMERO + 52]: "ENOCOMPATPROTO",
  [HAUSNUMERO + 53]: "ETERM",
  [HAUSNUMERO + 54]: "EMTHREAD",
};
const LINUX_CODES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  19: "ENODEV",
  22: "EINVAL",
  24: "EMFILE",
  88: "ENOTSOCK",
  90: "EMSGSIZE",
  93: "EPROTONOSUPPORT",
  95: "ENOTSUP",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  103: "ECONNABORTED",
  104: "ECONNRESET",
  105: "ENOBUFS",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  113: "EHOSTUNREACH",
  115: "EINPROGRESS",
};
const DARWIN_CODES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  9: "EBADF",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  19: "ENODEV",
  22: "EINVAL",
  24: "EMFILE",
  35: "EAGAIN",
  36: "EINPROGRESS",
  38: "ENOTSOCK",
  40: "EMSGSIZE",
  43: "EPROTONOSUPPORT",
  45: "ENOTSUP",
  47: "EAFNOSUPPORT",
  48: "EADDRINUSE",
  49: "EADDRNOTAVAIL",
  50: "ENETDOWN",
  51: "ENETUNREACH",
  53: "ECONNABORTED",
  54: "ECONNRESET",
  55: "ENOBUFS",
  57: "ENOTCONN",
  60: "ETIMEDOUT",
  61: "ECONNREFUSED",
  65: "EHOSTUNREACH",
};

const OS_CODES = Deno.build.os === "darwin" ? DARWIN_CODES : LINUX_CODES;
const CODE_ERRNO: Record<string, number> = Object.fromEntries(
  Object.entries({ ...OS_CODES, ...ZMQ_CODES }).map(([errno, code]) => [code, Number(errno)]),
);

/** Returns the symbolic code (`"EAGAIN"`, `"ETERM"`, …) of a libzmq errno, or `"E<errno>"`. */
export function errorCode(errno: number): string {
  return ZMQ_CODES[errno] ?? OS_CODES[errno] ?? `E${errno}`;
}

/** Returns this OS's errno for a symbolic code, or `-1` when it has none. */
export function errnoOf(code: string): number {
  return CODE_ERRNO[code] ?? -1;
}

/** A failed libzmq call. */
export class ZmqError extends Error {
  /** The numeric errno libzmq reported (this OS's value, or libzmq's own block). */
  readonly errno: number;
  /** The symbolic name of {@link ZmqError.errno}: `"EAGAIN"`, `"EADDRINUSE"`, `"ETERM"`, … */
  readonly code: string;

  /**
   * Creates the error.
   *
   * @param code The symbolic error code.
   * @param message What failed, libzmq's text, and what to do.
   * @param options Standard error options (`cause`).
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZmqError";
    this.code = code;
    this.errno = errnoOf(code);
  }
}
