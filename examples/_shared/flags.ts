/**
 * The examples' command-line flags (`node:util` `parseArgs`) and their `--help`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { PATTERNS } from "./sources.ts";

/** The docs page's ports: Server-1 on 5566, Server-2 on 5567. */
export const DEFAULT_PORTS: readonly number[] = [5566, 5567];
/** Loopback, so that the examples run on one machine out of the box. */
export const DEFAULT_ADDRESS = "127.0.0.1";
/** The default source: ffmpeg's test pattern, so no camera is needed. */
export const DEFAULT_SOURCE = "testsrc";

/** A scenario of the docs page: (a) to (d). */
export type Scenario = "a" | "b" | "c" | "d";

/** Flags of every client. */
export interface ClientFlags {
  /** The address to bind: `127.0.0.1` for this machine only, `*` for every interface. */
  readonly address: string;
  /** The servers' ports. */
  readonly ports: number[];
  /** Folder for the montage snapshots. */
  readonly out: string;
  /** Seconds a joined server may stay disconnected before it counts as gone; undefined takes
   * NetGear's default (5). Servers not started yet are waited for until Ctrl+C. */
  readonly liveness: number | undefined;
  /** Serve the live view in the browser (`--no-view` turns it off). */
  readonly view: boolean;
  /** The live view's port on 127.0.0.1; `0` takes any free one. */
  readonly viewPort: number;
  /** Print JSON lines (`ready`, `summary`) on stdout instead of text. */
  readonly json: boolean;
}

/** Flags of every server. */
export interface ServerFlags {
  /** The client's address. */
  readonly address: string;
  /** This server's port, the one the client knows it by. */
  readonly port: number;
  /** What to capture: a camera, file, URL, ffmpeg test pattern or `synthetic`. */
  readonly source: string;
  /** Frame width. */
  readonly width: number;
  /** Frame height. */
  readonly height: number;
  /** Frames per second. */
  readonly fps: number;
  /** Stop after this many frames; `null` runs to the end of the source. */
  readonly frames: number | null;
  /** Stop after this many seconds; `null` runs to the end of the source. */
  readonly duration: number | null;
  /** Send files and test patterns as fast as they decode instead of at `fps`. */
  readonly fast: boolean;
  /** Print JSON lines (`ready`, `summary`) on stdout instead of text. */
  readonly json: boolean;
}

/**
 * Reads a client's flags; prints the help and exits on `--help`, and exits with status 2
 * and a hint on a bad flag.
 *
 * @param args The command line (`Deno.args`).
 * @param scenario Which scenario's client this is.
 * @param summary One line on what it does, for `--help`.
 */
export function parseClientFlags(args: string[], scenario: Scenario, summary: string): ClientFlags {
  const defaultOut = `out/example-${scenario}`;
  const help = `${summary}

Usage: deno task example:${scenario}:client [options]

Options:
  --address ADDRESS  address to bind (default ${DEFAULT_ADDRESS}; * for every interface)
  --ports LIST       the servers' ports, comma-separated (default ${DEFAULT_PORTS.join(",")})
  --out DIR          folder the montage snapshots go to, once a second (default ${defaultOut};
                     the task may write only under out/)
  --liveness SECONDS a server disconnected this long counts as gone (default 5); servers
                     not started yet are waited for; the client ends when every server is gone
  --view-port PORT   port of the live view on 127.0.0.1 (default 0: any free one; the URL is
                     printed at the start)
  --no-view          no live view in the browser, only the snapshots
  --json             JSON lines on stdout: {"ready":…} once listening, {"summary":…} at the end
  -h, --help         this help`;
  const values = parseOrExit(args, {
    address: { type: "string", default: DEFAULT_ADDRESS },
    ports: { type: "string", default: DEFAULT_PORTS.join(",") },
    out: { type: "string", default: defaultOut },
    liveness: { type: "string" },
    view: { type: "boolean", default: true },
    "view-port": { type: "string", default: "0" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, help);
  const viewPort = String(values["view-port"]).trim();
  return {
    address: String(values.address),
    ports: String(values.ports).split(",").map((port) => portNumber("--ports", port.trim())),
    out: String(values.out),
    liveness: values.liveness === undefined
      ? undefined
      : positive("--liveness", String(values.liveness)),
    view: values.view !== false,
    viewPort: viewPort === "0" ? 0 : portNumber("--view-port", viewPort),
    json: values.json === true,
  };
}

/**
 * Reads a server's flags; prints the help and exits on `--help`, and exits with status 2
 * and a hint on a bad flag.
 *
 * @param args The command line (`Deno.args`).
 * @param scenario Which scenario's server this is.
 * @param name `Server-1` or `Server-2`.
 * @param defaultPort The port when `--port` is not given.
 * @param summary One line on what it does, for `--help`.
 */
export function parseServerFlags(
  args: string[],
  scenario: Scenario,
  name: string,
  defaultPort: number,
  summary: string,
): ServerFlags {
  const task = `example:${scenario}:${name.toLowerCase().replace("-", "")}`;
  const help = `${summary}

Usage: deno task ${task} [options]

Options:
  --address ADDRESS  the client's address (default ${DEFAULT_ADDRESS})
  --port PORT        this server's port, one of the client's --ports (default ${defaultPort})
  --source SOURCE    what to send (default ${DEFAULT_SOURCE}): a camera (/dev/video0, or 0),
                     a video file, a URL (rtsp://, http://), an ffmpeg test pattern
                     (${PATTERNS.join(", ")}, or pattern:NAME),
                     or synthetic (drawn in TypeScript: needs no ffmpeg nor camera)
  --width PIXELS     frame width (default 640)
  --height PIXELS    frame height (default 480)
  --fps N            frames per second (default 25)
  --frames N         stop after N frames (default: the end of the source, or Ctrl+C)
  --duration SECONDS stop after this long (default: the end of the source, or Ctrl+C)
  --fast             send files and test patterns as fast as they decode, not at --fps
  --json             JSON lines on stdout: {"ready":…} once streaming, {"summary":…} at the end
  -h, --help         this help`;
  const values = parseOrExit(args, {
    address: { type: "string", default: DEFAULT_ADDRESS },
    port: { type: "string", default: String(defaultPort) },
    source: { type: "string", default: DEFAULT_SOURCE },
    width: { type: "string", default: "640" },
    height: { type: "string", default: "480" },
    fps: { type: "string", default: "25" },
    frames: { type: "string" },
    duration: { type: "string" },
    fast: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, help);
  return {
    address: String(values.address),
    port: portNumber("--port", String(values.port)),
    source: String(values.source),
    width: wholeNumber("--width", String(values.width)),
    height: wholeNumber("--height", String(values.height)),
    fps: positive("--fps", String(values.fps)),
    frames: values.frames === undefined ? null : wholeNumber("--frames", String(values.frames)),
    duration: values.duration === undefined
      ? null
      : positive("--duration", String(values.duration)),
    fast: values.fast === true,
    json: values.json === true,
  };
}

type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; default?: string | boolean }
>;

function parseOrExit(
  args: string[],
  options: FlagSpec,
  help: string,
): Record<string, string | boolean | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    console.log(help);
    Deno.exit(0);
  }
  return values as Record<string, string | boolean | undefined>;
}

function usageError(message: string): never {
  console.error(`${message}\nRun with --help for the options.`);
  Deno.exit(2);
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    usageError(`Cannot use ${flag} "${text}": give a positive whole number`);
  }
  return value;
}

function portNumber(flag: string, text: string): number {
  const value = wholeNumber(flag, text);
  if (value > 65535) usageError(`Cannot use ${flag} "${text}": ports go from 1 to 65535`);
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    usageError(`Cannot use ${flag} "${text}": give a positive number`);
  }
  return value;
}
