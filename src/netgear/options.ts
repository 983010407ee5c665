/**
 * NetGear's options: one flat object, camelCase, with vidgear's snake_case names as aliases.
 * Unknown keys, wrong types and forbidden combinations are refused with errors that say what
 * to do (vidgear silently ignores them).
 *
 * @module
 */

import { NetGearError } from "../errors.ts";
import type { HeaderFormat, Pattern } from "../protocol/mod.ts";
import { isJpegColorspace, type JpegColorspace } from "../codec/types.ts";

export type { Pattern };

/** A port as vidgear takes it: a number or a string of digits. */
export type Port = number | string;

/** How a pattern-2 receiver hands frames to the application. */
export type DeliveryMode = "lossless" | "latest";

/** Everything a NetGear takes, in one object (Python's `**options` flattened in). */
export interface NetGearOptions {
  /**
   * Receiver: the address to bind (`*` is every interface). Sender: the receiver's address.
   * With ipc, a path: both ends must give the same one, and the port is appended after ":".
   * @default {"*" on a receiver, "localhost" on a sender}
   */
  address?: string;
  /**
   * The port. A multi-server receiver takes the list of its servers' ports; a multi-client
   * sender the list of its clients' ports; everyone else one port.
   * @default {5555 outside the multi modes; required in them}
   */
  port?: Port | readonly Port[];
  /** `"tcp"` or `"ipc"`. @default {"tcp"} */
  protocol?: "tcp" | "ipc";
  /** `0` PAIR, `1` REQ/REP, `2` PUB/SUB. @default {0} */
  pattern?: Pattern;
  /** True for the receiving end (vidgear's "client"), false for the sender ("server").
   * @default {false} */
  receiveMode?: boolean;
  /** Log joins, leaves, drops and retries to the console. @default {false} */
  logging?: boolean;
  /** Many servers to one client (patterns 1 and 2). @default {false} */
  multiserverMode?: boolean;
  /** One server to many clients (patterns 1 and 2). @default {false} */
  multiclientMode?: boolean;
  /** The receiver answers each frame with data of its own (patterns 0 and 1). @default {false} */
  bidirectionalMode?: boolean;
  /**
   * Patterns 0 and 1: consecutive reply timeouts a sender tolerates before `send()` fails;
   * the count resets after every reply. A receiver rebinds after silence this many times
   * before it ends.
   * @default {3}
   */
  maxRetries?: number;
  /**
   * Patterns 0 and 1, in seconds: how long a sender waits for each reply (a receiver waits
   * three times as long for traffic before rebinding). Fractions allowed.
   * @default {4}
   */
  requestTimeout?: number;
  /** Pattern 2 receiver, in seconds: end after this long without a message. @default {undefined (wait)} */
  subscriberTimeout?: number;
  /**
   * Multi-server receiver, in seconds: how long a server that has joined may stay disconnected
   * (crashed, killed, cable pulled) before it counts as gone; it may reconnect meanwhile (a
   * restart). Told from the connection, not from the time between frames: a server that is
   * connected but sends rarely stays live. `0` turns it off: a server leaves only by its
   * terminate (vidgear's behaviour).
   * @default {5}
   */
  livenessTimeout?: number;
  /**
   * Multi-server receiver, in seconds from its start: how long a listed server that has not
   * joined yet is waited for; then it counts as gone (`goneReason: "never-joined"`). Leave it
   * out to wait until the receiver is closed, as a bound socket waits: people start servers
   * by hand, minutes apart.
   * @default {undefined (wait without limit)}
   */
  waitTimeout?: number;
  /**
   * Pattern 2 receiver: `"lossless"` delivers every frame (senders wait when the queue is
   * full); `"latest"` keeps only each server's newest frame, counting the others as drops.
   * @default {"lossless"}
   */
  delivery?: DeliveryMode;
  /**
   * Live mode, for cameras and viewers: keep the picture current on a slow link rather than
   * deliver every frame. A receiver keeps only each server's newest frame (pattern 2 takes
   * `delivery: "latest"`; patterns 0 and 1 have one frame in flight per server anyway). A
   * sender JPEG-compresses its frames (`jpegCompression` defaults to true, BGR, and gray frames
   * go as GRAY; give the colourspace of other frames, e.g. `"BGRA"`) and runs a rate
   * control: while its link is congested it lowers the JPEG quality (from
   * `jpegCompressionQuality` down to 30), then sends fewer frames (down to one in 4), and raises
   * them again once the link keeps up; its choices are in `stats.live`. Congested means, in
   * pattern 2, a receiver's queue is full (live mode keeps that queue short: 2 frames and a
   * 64 KiB socket buffer, so that a frame waits little on the link; the small buffer also caps
   * a connection at about 64 KiB per round trip, e.g. 10 Mbit/s at 50 ms); in patterns 0 and 1,
   * the round trips take most of the time between frames (and over 15 ms). Receivers see each frame's
   * age in `servers` either way.
   * @default {false}
   */
  live?: boolean;
  /**
   * Tune the C allocator of the process for large frames (see `tuneMemory()`): on Linux with
   * glibc, frames reuse memory instead of faulting in fresh pages, which more than halves the
   * CPU time of moving a 640×480×3 frame. Process-wide; false leaves malloc alone.
   * @default {true}
   */
  tuneMemory?: boolean;
  /**
   * Receiver: hand over each frame as a view of libzmq's own memory, with no copy and no
   * garbage to collect. A frame stays valid until `recv()` returns the next frame of the same
   * server (plain mode: the next frame), unless its item is kept (`item.keep()`, then valid
   * until `item.release()`). A frame no longer valid reads as empty, never as another frame or
   * freed memory. So the obvious loops just work: using each frame before the next `recv()`,
   * or keeping each server's newest frame (a montage, a viewer). `false` copies every frame
   * out instead, yours for good, at about half the speed. Frames past the socket's lease budget
   * (64 MiB held) are copied.
   * @default {true}
   */
  zeroCopyReceive?: boolean;
  /**
   * Receiver, in bytes: the largest message it accepts (`ZMQ_MAXMSGSIZE`). libzmq refuses a
   * larger message by dropping the connection of the sender that sent it; that sender then
   * reconnects. A positive integer.
   * @default {undefined (no cap)}
   */
  maxMessageSize?: number;
  /**
   * Secure mode (CURVE encryption and authentication): `0` off, `1` StoneHouse (any server
   * holding the folder's keys may connect), `2` IronHouse (only servers whose public key is a
   * `*.key` file in `public_keys`). Both ends need the same level and the same key folder.
   * @default {0}
   */
  secureMode?: 0 | 1 | 2;
  /**
   * Secure mode: the folder holding the keys, as `<customCertLocation>/.vidgear/keys`. It must
   * exist. Where it holds no keys yet, new ones are made (copy them to every peer).
   * @default {the home folder}
   */
  customCertLocation?: string;
  /** Secure mode, sender only: make new keys at start, replacing the folder's. @default {false} */
  overwriteCert?: boolean;
  /**
   * Secure mode, receiver only (tcp): the IP addresses servers may connect from, e.g.
   * `["127.0.0.1", "192.168.1.20"]`. vidgear allows only the receiver's own address.
   * @default {undefined (any address)}
   */
  allowedAddresses?: readonly string[];
  /** JPEG-compress outgoing frames: true (BGR) or the frames' colourspace. @default {false} */
  jpegCompression?: boolean | JpegColorspace;
  /** JPEG quality, 10 to 100. @default {90} */
  jpegCompressionQuality?: number;
  /** Fast (less accurate) DCT. @default {true} */
  jpegCompressionFastdct?: boolean;
  /** Fast (less accurate) chroma upsampling when decoding. @default {false} */
  jpegCompressionFastupsample?: boolean;
  /** Sender: header encoding; `"msgpack"` carries binary data and typed arrays (ours only).
   * @default {"json"} */
  headerFormat?: HeaderFormat;
}

/** The options after validation, with every default filled in (times in milliseconds). */
export interface ResolvedOptions {
  /** The address bound (receiver) or connected to (sender). */
  address: string;
  /** The ports: one, or the list of a multi-server client or multi-client server. */
  ports: Port[];
  /** `"tcp"` or `"ipc"`. */
  protocol: "tcp" | "ipc";
  /** `0` PAIR, `1` REQ/REP, `2` PUB/SUB. */
  pattern: Pattern;
  /** True on the receiving end. */
  receiveMode: boolean;
  /** Whether events are logged. */
  logging: boolean;
  /** Many servers to one client. */
  multiserverMode: boolean;
  /** One server to many clients. */
  multiclientMode: boolean;
  /** Receivers answer with data of their own. */
  bidirectionalMode: boolean;
  /** Consecutive timeouts tolerated. */
  maxRetries: number;
  /** Reply timeout of a sender. */
  requestTimeoutMs: number;
  /** Silence that ends a pattern-2 receiver, if set. */
  subscriberTimeoutMs: number | undefined;
  /** How long a joined server may stay disconnected before it counts as gone; 0 is off. */
  livenessTimeoutMs: number;
  /** How long a listed server that has not joined is waited for; undefined waits without limit. */
  waitTimeoutMs: number | undefined;
  /** Pattern-2 delivery. */
  delivery: DeliveryMode;
  /** Live mode: latest-frame delivery (receiver), JPEG and rate control (sender). */
  live: boolean;
  /** Whether the C allocator is tuned for large frames. */
  tuneMemory: boolean;
  /** Receiver: frames are views of libzmq's memory, valid until their server's next frame. */
  zeroCopyReceive: boolean;
  /** Receiver: the largest message accepted, in bytes, when capped. */
  maxMessageSize: number | undefined;
  /** Outgoing JPEG settings, when compressing. */
  jpeg: JpegOptions | undefined;
  /** Fast DCT when decoding. */
  jpegFastdct: boolean;
  /** Fast upsampling when decoding. */
  jpegFastupsample: boolean;
  /** The sender's header encoding. */
  headerFormat: HeaderFormat;
  /** `0` off, `1` StoneHouse, `2` IronHouse. */
  secureMode: 0 | 1 | 2;
  /** The key folder's location, when given. */
  certLocation: string | undefined;
  /** Sender: make new keys at start. */
  overwriteCert: boolean;
  /** Receiver: the addresses servers may connect from, when limited. */
  allowedAddresses: readonly string[] | undefined;
}

/** Outgoing JPEG settings. */
export interface JpegOptions {
  /** The frames' colourspace. */
  colorspace: JpegColorspace;
  /** Quality, 10 to 100. */
  quality: number;
  /** Fast DCT. */
  fastdct: boolean;
  /** Fast upsampling (sent to the decoder). */
  fastupsample: boolean;
}

const ALIASES: Record<string, keyof NetGearOptions> = {
  receive_mode: "receiveMode",
  multiserver_mode: "multiserverMode",
  multiclient_mode: "multiclientMode",
  bidirectional_mode: "bidirectionalMode",
  max_retries: "maxRetries",
  request_timeout: "requestTimeout",
  subscriber_timeout: "subscriberTimeout",
  liveness_timeout: "livenessTimeout",
  wait_timeout: "waitTimeout",
  secure_mode: "secureMode",
  custom_cert_location: "customCertLocation",
  overwrite_cert: "overwriteCert",
  allowed_addresses: "allowedAddresses",
  max_message_size: "maxMessageSize",
  jpeg_compression: "jpegCompression",
  jpeg_compression_quality: "jpegCompressionQuality",
  jpeg_compression_fastdct: "jpegCompressionFastdct",
  jpeg_compression_fastupsample: "jpegCompressionFastupsample",
  header_format: "headerFormat",
};

type Kind = "string" | "boolean" | "number" | "port" | "special";
const KEYS: Record<keyof NetGearOptions, Kind> = {
  address: "string",
  port: "port",
  protocol: "special",
  pattern: "special",
  receiveMode: "boolean",
  logging: "boolean",
  multiserverMode: "boolean",
  multiclientMode: "boolean",
  bidirectionalMode: "boolean",
  maxRetries: "number",
  requestTimeout: "number",
  subscriberTimeout: "number",
  livenessTimeout: "number",
  waitTimeout: "number",
  delivery: "special",
  live: "boolean",
  tuneMemory: "boolean",
  zeroCopyReceive: "boolean",
  maxMessageSize: "number",
  secureMode: "special",
  customCertLocation: "string",
  overwriteCert: "boolean",
  allowedAddresses: "special",
  jpegCompression: "special",
  jpegCompressionQuality: "number",
  jpegCompressionFastdct: "boolean",
  jpegCompressionFastupsample: "boolean",
  headerFormat: "special",
};

function fail(message: string): never {
  throw new NetGearError(message);
}

function checkPort(port: unknown, what: string): Port {
  const number = typeof port === "string" && /^\d+$/.test(port.trim()) ? Number(port) : port;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 65535) {
    throw new RangeError(
      `Cannot use ${what} ${JSON.stringify(port)}: use an integer from 1 to 65535`,
    );
  }
  // Trimmed, in the caller's type: ports are keys (of servers, of frames), so " 6319" must
  // not stand apart from "6319".
  return typeof port === "string" ? port.trim() : number as number;
}

/**
 * Validates NetGear options and fills in the defaults.
 *
 * @throws {TypeError} For an unknown key (the message lists the valid ones) or a wrong type.
 * @throws {RangeError} For a value out of range.
 * @throws {NetGearError} For a combination vidgear forbids (pattern 0 with a multi mode, both
 * multi modes, bidirectional with pattern 2, a port list where one port belongs, or none), or a
 * receiver's option given to a sender.
 */
export function resolveOptions(input: NetGearOptions | Record<string, unknown>): ResolvedOptions {
  if (typeof input !== "object" || input === null) {
    throw new TypeError(
      "Cannot create a NetGear without options: pass an object, e.g. { port: 5566 }",
    );
  }
  const given: Partial<Record<keyof NetGearOptions, unknown>> = {};
  /** The key as the caller spelled it, for an option given twice. */
  const spelledAs: Partial<Record<keyof NetGearOptions, string>> = {};
  for (const [rawKey, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const key = (ALIASES[rawKey.trim()] ?? rawKey.trim()) as keyof NetGearOptions;
    if (!Object.hasOwn(KEYS, key)) {
      throw new TypeError(
        `Unknown NetGear option "${rawKey}": use one of ${
          Object.keys(KEYS).join(", ")
        } (or their snake_case names)`,
      );
    }
    if (key in given) {
      throw new TypeError(
        `NetGear option "${key}" is given twice (as "${
          spelledAs[key]
        }" and "${rawKey}"): give it once`,
      );
    }
    const kind = KEYS[key];
    if ((kind === "string" || kind === "boolean" || kind === "number") && typeof value !== kind) {
      throw new TypeError(
        `Cannot use ${JSON.stringify(value)} for NetGear option "${key}": it takes a ${kind}`,
      );
    }
    given[key] = value;
    spelledAs[key] = rawKey;
  }

  const receiveMode = (given.receiveMode as boolean | undefined) ?? false;
  const multiserverMode = (given.multiserverMode as boolean | undefined) ?? false;
  const multiclientMode = (given.multiclientMode as boolean | undefined) ?? false;
  const bidirectionalMode = (given.bidirectionalMode as boolean | undefined) ?? false;
  if (multiserverMode && multiclientMode) {
    fail("Cannot enable multiserverMode and multiclientMode together: choose one");
  }
  const multiMode = multiserverMode
    ? "multiserverMode"
    : multiclientMode
    ? "multiclientMode"
    : undefined;
  const pattern = given.pattern ?? 0;
  if (pattern !== 0 && pattern !== 1 && pattern !== 2) {
    // The multi modes refuse pattern 0, so it is offered only outside them.
    throw new RangeError(
      multiMode === undefined
        ? `Cannot use pattern ${JSON.stringify(pattern)}: use 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB)`
        : `Cannot use pattern ${
          JSON.stringify(pattern)
        } with ${multiMode}: use 1 (REQ/REP) or 2 (PUB/SUB)`,
    );
  }
  if (multiMode !== undefined && pattern === 0) {
    fail(`Cannot use pattern 0 with ${multiMode}: use pattern 1 (REQ/REP) or 2 (PUB/SUB)`);
  }
  const protocol = given.protocol ?? "tcp";
  if (protocol !== "tcp" && protocol !== "ipc") {
    throw new RangeError(`Cannot use protocol ${JSON.stringify(protocol)}: use "tcp" or "ipc"`);
  }
  if (bidirectionalMode && pattern === 2) {
    fail(
      "Cannot use bidirectionalMode with pattern 2 (PUB/SUB has no replies): use pattern 0 or 1",
    );
  }

  // Ports: a list where the mode binds or connects many, one port everywhere else.
  const wantsList = (multiserverMode && receiveMode) || (multiclientMode && !receiveMode);
  const port = given.port;
  let ports: Port[];
  if (wantsList) {
    const role = multiserverMode ? "a multi-server client" : "a multi-client server";
    if (!Array.isArray(port) || port.length === 0) {
      fail(
        `Cannot start ${role} without a list of ports: pass port: [5566, 5567, …], one per ${
          multiserverMode ? "server" : "client"
        }`,
      );
    }
    ports = port.map((p, i) => checkPort(p, `port[${i}]`));
    const unique = new Set(ports.map(Number));
    if (unique.size !== ports.length) {
      fail(`Cannot use the port list ${JSON.stringify(port)}: ports must differ`);
    }
  } else {
    if (Array.isArray(port)) {
      const role = multiserverMode
        ? "A multi-server server"
        : multiclientMode
        ? "A multi-client client"
        : "NetGear";
      fail(
        `${role} takes one port, not ${JSON.stringify(port)}: give its own port, e.g. port: 5566`,
      );
    }
    if (port === undefined && (multiserverMode || multiclientMode)) {
      fail(
        `Cannot start a multi-${
          multiserverMode ? "server server" : "client client"
        } without its own port: pass e.g. port: 5566`,
      );
    }
    ports = [checkPort(port ?? 5555, "port")];
  }

  const number = (
    key: keyof NetGearOptions,
    fallback: number,
    min: number,
    what: string,
  ): number => {
    const value = (given[key] as number | undefined) ?? fallback;
    if (!Number.isFinite(value) || value < min) {
      throw new RangeError(`Cannot use ${key} ${value}: use ${what}`);
    }
    return value;
  };
  const maxRetries = number("maxRetries", 3, 0, "an integer >= 0");
  if (!Number.isInteger(maxRetries)) {
    throw new RangeError(`Cannot use maxRetries ${maxRetries}: use an integer >= 0`);
  }
  const requestTimeout = number("requestTimeout", 4, 0.01, "seconds > 0");
  const livenessTimeout = number("livenessTimeout", 5, 0, "seconds >= 0 (0 turns liveness off)");
  const waitTimeout = given.waitTimeout === undefined
    ? undefined
    : number("waitTimeout", 0, 0.001, "seconds > 0, or leave it out to wait without limit");
  if (waitTimeout !== undefined && !(multiserverMode && receiveMode)) {
    fail(
      "Cannot use waitTimeout outside a multi-server receiver: it bounds the wait for listed servers",
    );
  }
  const subscriberTimeout = given.subscriberTimeout === undefined
    ? undefined
    : number("subscriberTimeout", 0, 0.001, "seconds > 0");
  if (subscriberTimeout !== undefined && pattern !== 2) {
    fail(
      `Cannot use subscriberTimeout with pattern ${pattern}: it applies to pattern 2; use requestTimeout`,
    );
  }

  const live = (given.live as boolean | undefined) ?? false;
  const delivery = given.delivery ?? (live && receiveMode && pattern === 2 ? "latest" : "lossless");
  if (delivery !== "lossless" && delivery !== "latest") {
    throw new RangeError(
      `Cannot use delivery ${JSON.stringify(delivery)}: use "lossless" or "latest"`,
    );
  }
  if (live && delivery === "lossless" && given.delivery !== undefined) {
    fail('Cannot use live mode with delivery "lossless": live keeps each server\'s newest frame');
  }
  if (live && given.jpegCompression === false) {
    fail("Cannot use live mode with jpegCompression false: live sends JPEG; leave it out");
  }
  const secureMode = given.secureMode ?? 0;
  if (secureMode !== 0 && secureMode !== 1 && secureMode !== 2) {
    throw new RangeError(
      `Cannot use secureMode ${
        JSON.stringify(secureMode)
      }: use 0 (off), 1 (StoneHouse) or 2 (IronHouse)`,
    );
  }
  const allowedAddresses = checkAllowedAddresses(given.allowedAddresses);
  if (allowedAddresses !== undefined) {
    if (secureMode === 0) {
      fail("Cannot use allowedAddresses without secure mode: set secureMode 1 or 2");
    }
    if (!receiveMode) {
      fail("Cannot use allowedAddresses on a sender: it limits who may connect to a receiver");
    }
    if (protocol === "ipc") {
      fail("Cannot use allowedAddresses with ipc (ipc peers have no address): use tcp");
    }
  }
  if (given.zeroCopyReceive === true && !receiveMode) {
    fail("Cannot use zeroCopyReceive on a sender: it is how a receiver hands over frames");
  }
  const maxMessageSize = given.maxMessageSize as number | undefined;
  if (maxMessageSize !== undefined) {
    if (!Number.isSafeInteger(maxMessageSize) || maxMessageSize < 1) {
      throw new RangeError(
        `Cannot use maxMessageSize ${maxMessageSize}: use a positive integer (bytes), or leave it out for no cap`,
      );
    }
    if (!receiveMode) {
      fail(
        "Cannot use maxMessageSize on a sender: it caps the messages a receiver accepts; set it on the receiver",
      );
    }
  }
  const headerFormat = given.headerFormat ?? "json";
  if (headerFormat !== "json" && headerFormat !== "msgpack") {
    throw new RangeError(
      `Cannot use headerFormat ${JSON.stringify(headerFormat)}: use "json" or "msgpack"`,
    );
  }

  const compression = given.jpegCompression ?? (live && !receiveMode);
  let colorspace: JpegColorspace | undefined;
  if (compression === true) colorspace = "BGR";
  else if (typeof compression === "string") {
    const name = compression.trim().toUpperCase();
    if (!isJpegColorspace(name)) {
      throw new RangeError(
        `Cannot use jpegCompression "${compression}": use true (BGR) or a colourspace such as "RGB", "GRAY", "BGRA"`,
      );
    }
    colorspace = name;
  } else if (compression !== false) {
    throw new TypeError(
      `Cannot use jpegCompression ${
        JSON.stringify(compression)
      }: use a boolean or a colourspace name`,
    );
  }
  const quality = number("jpegCompressionQuality", 90, 10, "10 to 100");
  if (quality > 100) {
    throw new RangeError(`Cannot use jpegCompressionQuality ${quality}: use 10 to 100`);
  }
  const fastdct = (given.jpegCompressionFastdct as boolean | undefined) ?? true;
  const fastupsample = (given.jpegCompressionFastupsample as boolean | undefined) ?? false;

  return {
    address: (given.address as string | undefined) ?? (receiveMode ? "*" : "localhost"),
    ports,
    protocol,
    pattern,
    receiveMode,
    logging: (given.logging as boolean | undefined) ?? false,
    multiserverMode,
    multiclientMode,
    bidirectionalMode,
    maxRetries,
    requestTimeoutMs: requestTimeout * 1000,
    subscriberTimeoutMs: subscriberTimeout === undefined ? undefined : subscriberTimeout * 1000,
    livenessTimeoutMs: livenessTimeout * 1000,
    waitTimeoutMs: waitTimeout === undefined ? undefined : waitTimeout * 1000,
    delivery,
    live,
    tuneMemory: (given.tuneMemory as boolean | undefined) ?? true,
    zeroCopyReceive: (given.zeroCopyReceive as boolean | undefined) ?? receiveMode,
    maxMessageSize,
    jpeg: colorspace === undefined
      ? undefined
      : { colorspace, quality: Math.trunc(quality), fastdct, fastupsample },
    jpegFastdct: fastdct,
    jpegFastupsample: fastupsample,
    headerFormat,
    secureMode,
    certLocation: given.customCertLocation as string | undefined,
    overwriteCert: (given.overwriteCert as boolean | undefined) ?? false,
    allowedAddresses,
  };
}

function checkAllowedAddresses(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) || value.length === 0 ||
    !value.every((address) => typeof address === "string" && address.trim() !== "")
  ) {
    throw new TypeError(
      `Cannot use allowedAddresses ${
        JSON.stringify(value)
      }: give a non-empty list of IP addresses, e.g. ["127.0.0.1"]`,
    );
  }
  return Object.freeze(value.map((address: string) => address.trim()));
}

/** The endpoint of one port: `protocol://address:port` (ipc too: the port follows the path). */
export function endpointOf(options: ResolvedOptions, port: Port, bind: boolean): string {
  let address = options.address;
  // libzmq reads "*" as "any interface" for tcp binds only; a sender needs a host.
  if (options.protocol === "tcp" && !bind && address === "*") address = "localhost";
  return `${options.protocol}://${address}:${port}`;
}

/** @internal The key a port goes by in tables: `5566`, `"5566"` and `"05566"` are one server. */
export function portKey(port: Port): string {
  return String(Number(String(port).trim()));
}
