/**
 * The one vocabulary of flags that `netgear send`, `netgear recv`, `netgear demo`, the demo
 * and the examples share: each flag is written once here, so it has the same name, value,
 * meaning and help everywhere, and each command picks the ones it takes (a command may give
 * one its own default, e.g. `--out`).
 *
 * @module
 */

import { type OptionSpec, type PositionalSpec, UsageError } from "./args.ts";

/**
 * The default address of both ends: this machine only. A receiver bound to every interface
 * (`*`) would show its cameras to the whole network, in plaintext unless `--secure`; to reach
 * other machines, say so with `--address` (`*`, or the interface's address).
 */
export const DEFAULT_ADDRESS = "127.0.0.1";

/** vidgear's docs' ports: Server-1 on 5566, Server-2 on 5567. */
export const DEFAULT_PORTS: readonly number[] = [5566, 5567];

/** `--address HOST` of a receiving end: what to bind. */
export const BIND_ADDRESS_OPTION: OptionSpec = {
  name: "address",
  type: "string",
  value: "HOST",
  default: DEFAULT_ADDRESS,
  description: "The address to bind: 127.0.0.1 this machine only, * every interface",
};

/** `--address HOST` of a sending end: the receiver to connect to. */
export const CONNECT_ADDRESS_OPTION: OptionSpec = {
  name: "address",
  type: "string",
  value: "HOST",
  default: DEFAULT_ADDRESS,
  description: "The client's address (the machine running recv)",
};

/** `--port PORT` of a server, with its default. */
export function portOption(defaultPort: number = DEFAULT_PORTS[0]): OptionSpec {
  return {
    name: "port",
    type: "string",
    value: "PORT",
    default: String(defaultPort),
    description: "This server's port: the client listens on it and knows the server by it",
  };
}

/** `--ports P1,P2,…` of a client. */
export const PORTS_OPTION: OptionSpec = {
  name: "ports",
  type: "string",
  value: "P1,P2,…",
  default: DEFAULT_PORTS.join(","),
  description: "The servers' ports, comma-separated, one per server",
};

/** `--pattern N`. */
export const PATTERN_OPTION: OptionSpec = {
  name: "pattern",
  type: "string",
  value: "N",
  default: "1",
  description: "1 REQ/REP, 2 PUB/SUB, 0 PAIR (with --no-multiserver)",
};

/** `SOURCE`, the positional argument of a sending end. */
export const SOURCE_ARGUMENT: PositionalSpec = {
  name: "SOURCE",
  description: "What to stream (see above; default synthetic)",
};

/** What `SOURCE` may be, for a command's description. */
export const SOURCE_HELP: readonly string[] = [
  "SOURCE is one of:",
  "  synthetic           a moving test picture drawn in TypeScript (no ffmpeg, no camera)",
  "  0, /dev/video0      a camera (v4l2 on Linux, avfoundation on macOS, dshow on Windows)",
  "  clip.mp4            a video file",
  "  rtsp://… http://…   a network stream",
  "  testsrc, testsrc2, smptebars, mandelbrot, … or pattern:NAME   an ffmpeg test pattern",
  "Every source but synthetic needs ffmpeg on the PATH.",
];

/** `--frames N`: stop after N frames. */
export const FRAMES_OPTION: OptionSpec = {
  name: "frames",
  type: "string",
  value: "N",
  description: "Stop after N frames (default: until the source ends)",
};

/** `--fps RATE`. */
export const FPS_OPTION: OptionSpec = {
  name: "fps",
  type: "string",
  value: "RATE",
  description: "Frame rate (default: the source's; synthetic 30)",
};

/** `--size WxH`. */
export const SIZE_OPTION: OptionSpec = {
  name: "size",
  type: "string",
  value: "WxH",
  description: "Frame size, e.g. 640x480 (default: the source's; synthetic 640x480)",
};

/** `--[no-]realtime`. */
export const REALTIME_OPTION: OptionSpec = {
  name: "realtime",
  type: "boolean",
  negatable: true,
  default: true,
  description: "Pace files and patterns like a camera; --no-realtime sends as fast as possible",
};

/** `--duration SECONDS`: end after this long; `fallback` is said when it is absent. */
export function durationOption(
  what: string,
  defaultSeconds?: number,
): OptionSpec {
  return {
    name: "duration",
    type: "string",
    value: "SECONDS",
    ...(defaultSeconds === undefined ? {} : { default: String(defaultSeconds) }),
    description: what,
  };
}

/** `--out DIR`: where the labelled montage snapshots go; `defaultDir` when given. */
export function outOption(defaultDir?: string): OptionSpec {
  return {
    name: "out",
    type: "string",
    value: "DIR",
    ...(defaultDir === undefined ? {} : { default: defaultDir }),
    description: "Write a labelled montage of every server's newest frame to DIR each second",
  };
}

/** `--keep N|all`: how many of the newest snapshots stay on disk. */
export const KEEP_OPTION: OptionSpec = {
  name: "keep",
  type: "string",
  value: "N|all",
  default: "100",
  description: "Keep only the newest N snapshots in --out (all: every one)",
};

/** `--tile WxH`: each server's tile in the snapshots. */
export const TILE_OPTION: OptionSpec = {
  name: "tile",
  type: "string",
  value: "WxH",
  default: "320x240",
  description: "Size of each server's tile in the montage snapshots",
};

/** Where `--view` serves when given alone: loopback, any free port. */
export const VIEW_ANYWHERE = "127.0.0.1:0";

/**
 * `--[no-]view[=HOST:PORT]`: the live montage in the browser. `on` makes it on by default
 * (`--no-view` turns it off); otherwise `--view` turns it on.
 */
export function viewOption(on: boolean): OptionSpec {
  return {
    name: "view",
    type: "string",
    value: "HOST:PORT",
    bare: VIEW_ANYWHERE,
    negatable: true,
    ...(on ? { default: VIEW_ANYWHERE } : {}),
    description: "Serve the live montage as a web page on HOST:PORT (port 0: any free one)" +
      (on ? "; --no-view: none" : ""),
  };
}

/** `--liveness SECONDS`. */
export const LIVENESS_OPTION: OptionSpec = {
  name: "liveness",
  type: "string",
  value: "SECONDS",
  description:
    "A server disconnected this long has gone (default 5; 0: only its terminate ends it)",
};

/** `--json`: results for programs on stdout. */
export function jsonOption(description = "Print the summary as JSON on stdout"): OptionSpec {
  return { name: "json", type: "boolean", description };
}

/** `--[no-]multiserver`, on by default: this CLI is about many servers to one client. */
export function multiserverOption(description: string): OptionSpec {
  return { name: "multiserver", type: "boolean", negatable: true, default: true, description };
}

/** `--logging` and `--quiet`, the last options of both commands. */
export const OUTPUT_OPTIONS: readonly OptionSpec[] = [
  { name: "logging", type: "boolean", description: "Log NetGear's connection events to stderr" },
  { name: "quiet", type: "boolean", short: "q", description: "No status line" },
];

/** `--secure N` and `--keys DIR`: NetGear's secure mode, the same on both ends. */
export const SECURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: "secure",
    type: "string",
    value: "N",
    default: "0",
    description: "Secure mode: 0 off, 1 StoneHouse (encrypted), 2 IronHouse (only known keys)",
  },
  {
    name: "keys",
    type: "string",
    value: "DIR",
    description: "Where the key folder (DIR/.vidgear/keys) is; default: the home folder",
  },
];

/** NetGear's secure-mode options from `--secure` and `--keys`. */
export interface SecureSettings {
  /** 0, 1 or 2. */
  readonly secureMode: 0 | 1 | 2;
  /** The key folder's base, when given. */
  readonly customCertLocation?: string;
}

/** Checks `--secure` and `--keys`. */
export function secureSettings(values: Record<string, unknown>): SecureSettings {
  const text = String(values.secure).trim();
  if (text !== "0" && text !== "1" && text !== "2") {
    throw new UsageError(
      `Cannot use --secure "${text}": use 0 (off), 1 (StoneHouse) or 2 (IronHouse)`,
    );
  }
  const keys = values.keys as string | undefined;
  if (keys !== undefined && text === "0") {
    throw new UsageError(`Cannot use --keys without --secure 1 or 2`);
  }
  return {
    secureMode: Number(text) as 0 | 1 | 2,
    ...(keys === undefined ? {} : { customCertLocation: keys }),
  };
}
