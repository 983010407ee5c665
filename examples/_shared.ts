/**
 * What the four multi-server examples share, so each scenario's `client.ts` and `server1.ts`
 * keep only the part the docs page shows: command-line flags and `--help`, opening a frame
 * source, stopping on `--duration` or Ctrl+C, printing (text or `--json` lines), and the
 * client's labelled montage snapshots.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { NetGear, Port } from "../mod.ts";
import { FfmpegSource, type FrameSource, SyntheticSource } from "../src/capture/mod.ts";
import {
  buildMontages,
  createFrame,
  drawText,
  encodePng,
  type Frame,
  measureText,
} from "../src/montage/mod.ts";

// An uncaught error ends a Deno process without its "unload" event, and the zmq layer ends
// libzmq's I/O threads in that event: without it they may outlive the library's code and crash
// the process (seen as a segfault, exit status 139). So every example reports an uncaught
// error itself and leaves through Deno.exit, which does fire "unload".
addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  exitWithError(event.reason);
});
addEventListener("error", (event) => {
  event.preventDefault();
  exitWithError(event.error);
});

function exitWithError(error: unknown): never {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const cause = error instanceof Error && error.cause instanceof Error
    ? `\n  caused by ${error.cause.name}: ${error.cause.message}`
    : "";
  console.error(`error: ${text}${cause}`);
  Deno.exit(1);
}

/** The docs page's ports: Server-1 on 5566, Server-2 on 5567. */
export const DEFAULT_PORTS = [5566, 5567] as const;
/** Loopback, so that the examples run on one machine out of the box. */
export const DEFAULT_ADDRESS = "127.0.0.1";
/** The default source: ffmpeg's test pattern, so no camera is needed. */
export const DEFAULT_SOURCE = "testsrc";

/** ffmpeg test patterns (lavfi source filters) accepted by name as a source. */
const PATTERNS = new Set([
  "testsrc",
  "testsrc2",
  "smptebars",
  "smptehdbars",
  "rgbtestsrc",
  "yuvtestsrc",
  "mandelbrot",
  "life",
]);

/** What a script says about itself in `--help`. */
export interface ScriptInfo {
  /** The deno task that runs it, e.g. `example:a:client`. */
  readonly task: string;
  /** One line on what it does. */
  readonly summary: string;
}

/** Flags of every client. */
export interface ClientFlags {
  /** The address to bind: `127.0.0.1` for this machine only, `*` for every interface. */
  readonly address: string;
  /** The servers' ports. */
  readonly ports: number[];
  /** Folder for the montage snapshots. */
  readonly out: string;
  /** Seconds a server may stay silent (or absent at the start) before it counts as gone. */
  readonly liveness: number;
  /** Print JSON lines (`ready`, `summary`) on stdout instead of text. */
  readonly json: boolean;
}

/** Flags of every server. */
export interface ServerFlags {
  /** The client's address. */
  readonly address: string;
  /** This server's port, the one the client knows it by. */
  readonly port: number;
  /** What to capture (see {@link SOURCE_HELP}). */
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

/** How `--source` is read, for `--help`. */
export const SOURCE_HELP = [
  "a camera (/dev/video0, or 0 for the first one), a video file, a URL (rtsp://, http://),",
  `an ffmpeg test pattern (${[...PATTERNS].join(", ")}, or pattern:<name>),`,
  "or synthetic (drawn in TypeScript: needs neither ffmpeg nor a camera)",
].join("\n      ");

/**
 * Reads a client's flags; prints the help and exits on `--help`, and exits with status 2
 * and a hint on a bad flag.
 */
export function parseClientFlags(args: string[], info: ScriptInfo): ClientFlags {
  const defaultOut = `out/${info.task.split(":").slice(0, 2).join("-")}`;
  const help = `${info.summary}

Usage: deno task ${info.task} [options]

Options:
  --address ADDRESS  address to bind (default ${DEFAULT_ADDRESS}; * for every interface)
  --ports LIST       the servers' ports, comma-separated (default ${DEFAULT_PORTS.join(",")})
  --out DIR          folder the montage snapshots go to, once a second (default ${defaultOut};
                     the task may write only under out/)
  --liveness SECONDS a server silent this long, or not there this long after the start,
                     counts as gone (default 30); the client ends when every server is gone
  --json             JSON lines on stdout: {"ready":…} once listening, {"summary":…} at the end
  -h, --help         this help`;
  const values = parseOrExit(args, {
    address: { type: "string", default: DEFAULT_ADDRESS },
    ports: { type: "string", default: DEFAULT_PORTS.join(",") },
    out: { type: "string", default: defaultOut },
    liveness: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, help);
  const ports = String(values.ports).split(",").map((port) => integer("--ports", port.trim()));
  return {
    address: String(values.address),
    ports,
    out: String(values.out),
    liveness: positive("--liveness", String(values.liveness)),
    json: values.json === true,
  };
}

/**
 * Reads a server's flags (its default port comes from `defaultPort`); prints the help and
 * exits on `--help`, and exits with status 2 and a hint on a bad flag.
 */
export function parseServerFlags(
  args: string[],
  info: ScriptInfo & { readonly defaultPort: number; readonly defaultSource?: string },
): ServerFlags {
  const defaultSource = info.defaultSource ?? DEFAULT_SOURCE;
  const help = `${info.summary}

Usage: deno task ${info.task} [options]

Options:
  --address ADDRESS  the client's address (default ${DEFAULT_ADDRESS})
  --port PORT        this server's port, one of the client's --ports (default ${info.defaultPort})
  --source SOURCE    what to send (default ${defaultSource}):
      ${SOURCE_HELP}
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
    port: { type: "string", default: String(info.defaultPort) },
    source: { type: "string", default: defaultSource },
    width: { type: "string", default: "640" },
    height: { type: "string", default: "480" },
    fps: { type: "string", default: "25" },
    frames: { type: "string" },
    duration: { type: "string" },
    fast: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  }, help);
  const optional = (flag: string, value: unknown, read: (flag: string, text: string) => number) =>
    value === undefined ? null : read(flag, String(value));
  return {
    address: String(values.address),
    port: integer("--port", String(values.port)),
    source: String(values.source),
    width: integer("--width", String(values.width)),
    height: integer("--height", String(values.height)),
    fps: positive("--fps", String(values.fps)),
    frames: optional("--frames", values.frames, integer),
    duration: optional("--duration", values.duration, positive),
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
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
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

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    usageError(`Cannot use ${flag} "${text}": give a positive whole number`);
  }
  if (flag.startsWith("--port") && value > 65535) {
    usageError(`Cannot use ${flag} "${text}": ports go from 1 to 65535`);
  }
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    usageError(`Cannot use ${flag} "${text}": give a positive number`);
  }
  return value;
}

/** The lavfi filter name when `source` names an ffmpeg test pattern, else `undefined`. */
export function patternName(source: string): string | undefined {
  if (source.startsWith("pattern:")) return source.slice("pattern:".length);
  return PATTERNS.has(source) ? source : undefined;
}

/**
 * Opens the frame source `flags.source` names: {@linkcode SyntheticSource} for `synthetic`,
 * else {@linkcode FfmpegSource} (the counterpart of vidgear's CamGear and VideoGear). It ends
 * after `flags.frames` frames, at the end of a file, or when `signal` aborts.
 */
export async function openSource(
  flags: ServerFlags,
  name: string,
  signal: AbortSignal,
): Promise<FrameSource> {
  const { width, height, fps } = flags;
  const common = { width, height, fps, realtime: !flags.fast, maxFrames: flags.frames, signal };
  if (flags.source === "synthetic") return new SyntheticSource({ ...common, name });
  const pattern = patternName(flags.source);
  return await FfmpegSource.open({
    ...common,
    source: pattern === undefined ? flags.source : `pattern:${pattern}`,
  });
}

/** When a script should stop: see {@link stopSignals}. */
export interface StopSignals extends Disposable {
  /** Aborts after `--duration` seconds or on Ctrl+C: stop taking frames. */
  readonly stop: AbortSignal;
  /** Aborts on Ctrl+C only: give up on a pending send or receive. */
  readonly interrupt: AbortSignal;
}

/**
 * Signals for ending a script: `stop` after `durationSeconds` (if given) or on the first
 * Ctrl+C, `interrupt` on Ctrl+C only. A second Ctrl+C exits at once (status 130). Dispose it
 * at the end: the Ctrl+C listener would otherwise keep the process alive.
 */
export function stopSignals(durationSeconds: number | null): StopSignals {
  const stop = new AbortController();
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) Deno.exit(130);
    interrupt.abort(new Error("Interrupted (Ctrl+C)"));
    stop.abort(interrupt.signal.reason);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const timer = durationSeconds === null
    ? undefined
    : setTimeout(() => stop.abort(new Error("--duration reached")), durationSeconds * 1000);
  return {
    stop: stop.signal,
    interrupt: interrupt.signal,
    [Symbol.dispose]() {
      clearTimeout(timer);
      Deno.removeSignalListener("SIGINT", onInterrupt);
    },
  };
}

/**
 * Where a script's words go. In text mode, lines go to stdout. In `--json` mode stdout carries
 * only JSON lines (for scripts and the tests) and the text goes to stderr.
 */
export class Printer {
  readonly #json: boolean;

  /** @param json Whether `--json` was given. */
  constructor(json: boolean) {
    this.#json = json;
  }

  /** A line for people. */
  say(text: string): void {
    if (this.#json) console.error(text);
    else console.log(text);
  }

  /** A JSON line `{ [kind]: value }` in `--json` mode; nothing otherwise. */
  record(kind: "ready" | "summary", value: unknown): void {
    if (this.#json) console.log(JSON.stringify({ [kind]: value }));
  }
}

/** How many distinct values a {@link Tally} keeps; the rest are counted together. */
const TALLY_LIMIT = 50;

/** Counts how often each value was seen (strings as they are, other values as JSON). */
export class Tally {
  readonly #counts = new Map<string, number>();

  /** Counts one `value`. */
  add(value: unknown): void {
    let key = typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
    if (!this.#counts.has(key) && this.#counts.size >= TALLY_LIMIT) key = "(other values)";
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** The counts, by value. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** A message as text, for a label or the terminal. */
export function messageText(message: unknown): string {
  return typeof message === "string" ? message : JSON.stringify(message) ?? "";
}

/** Text scale legible on a frame `height` pixels tall: 2 from 360 rows up, else 1. */
export function textScale(height: number): number {
  return height >= 360 ? 2 : 1;
}

/** `text` cut (with "...") to fit `width` pixels at `scale`. */
export function fitText(text: string, width: number, scale: number): string {
  if (measureText(text, { scale }).width <= width) return text;
  let chars = [...text];
  while (chars.length > 0 && measureText(chars.join("") + "...", { scale }).width > width) {
    chars = chars.slice(0, -1);
  }
  return chars.join("") + "...";
}

/**
 * Writes `message` on the bottom left of `frame` in green, as the docs' client does with
 * `cv2.putText(frame, extracted_data, (10, frame.shape[0] - 10), …, (0, 255, 0), 2)`.
 */
export function putMessage(frame: Frame, message: unknown): void {
  const [height, width] = frame.shape;
  const scale = textScale(height);
  const text = fitText(messageText(message), width - 20, scale);
  const y = height - 10 - measureText(text, { scale }).height;
  drawText(frame, text, { x: 10, y, scale, color: [0, 255, 0], background: [0, 0, 0] });
}

/**
 * The client's screen, as files: each server's newest frame tiled into montages (2 across,
 * as the docs' `build_montages(..., (w, h), (2, 1))`), each tile labelled with its server's
 * port and fps, written as `montage-<i>.png` in `out` at most once a second.
 */
export class MontageSnapshots {
  readonly #out: string;
  readonly #client: NetGear;
  readonly #print: Printer;
  readonly #latest = new Map<string, Frame>();
  #lastWrite = -Infinity;
  #written = 0;

  private constructor(out: string, client: NetGear, print: Printer) {
    this.#out = out;
    this.#client = client;
    this.#print = print;
  }

  /**
   * Creates the `out` folder and loads the PNG encoder, so that a missing permission shows at
   * once rather than at the first snapshot, and returns the snapshot writer.
   *
   * @param out Folder for the PNG files.
   * @param client The multi-server client, for each server's fps and state.
   * @param print Where the once-a-second status line goes.
   */
  static async open(out: string, client: NetGear, print: Printer): Promise<MontageSnapshots> {
    await Deno.mkdir(out, { recursive: true });
    await encodePng(createFrame(new Uint8Array(3), [1, 1, 3]));
    return new MontageSnapshots(out, client, print);
  }

  /** Snapshots written so far (each a set of montage files). */
  get written(): number {
    return this.#written;
  }

  /** Keeps `frame` as `port`'s newest, and writes the montages when a second has passed. */
  async update(port: Port | undefined, frame: Frame): Promise<void> {
    this.#latest.set(String(port), frame);
    if (performance.now() - this.#lastWrite >= 1000) await this.write();
  }

  /** Builds the montages from the newest frames and writes them now. */
  async write(): Promise<void> {
    this.#lastWrite = performance.now();
    if (this.#latest.size === 0) return;
    // The docs size tiles by the frame just received; the newest frame is the last one set.
    const [h, w] = [...this.#latest.values()].at(-1)!.shape;
    // Tiles in the order of the client's port list, whichever server spoke first.
    const order = this.#client.servers.map((s) => String(s.port));
    const ports = [...this.#latest.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const montages = buildMontages(ports.map((port) => this.#latest.get(port)!), [w, h], [2, 1]);
    const scale = textScale(h);
    ports.forEach((port, i) => {
      const montage = montages[Math.floor(i / 2)];
      const label = fitText(this.#label(port), w - 8, scale);
      const x = (i % 2) * w + w - measureText(label, { scale }).width - 4;
      drawText(montage, label, { x, y: 4, scale, background: [0, 0, 0] });
    });
    // TODO(#4 §3): --view, the live browser viewer (src/viewer/), plugs in here: hand it
    // `montages` (and the per-server labels) as they are built; the PNG files stay.
    const files = [];
    for (const [i, montage] of montages.entries()) {
      const file = `${this.#out}/montage-${i}.png`;
      await Deno.writeFile(file, await encodePng(montage));
      files.push(file);
    }
    this.#written++;
    const status = this.#client.servers
      .map((s) => `${s.port}: ${s.frames} frames, ${s.fps.toFixed(1)} fps, ${s.state}`)
      .join(" | ");
    this.#print.say(`${status} -> ${files.join(", ")}`);
  }

  #label(port: string): string {
    const server = this.#client.servers.find((s) => String(s.port) === port);
    if (server?.state === "gone") return `${port}  gone (${server.goneReason})`;
    return `${port}  ${(server?.fps ?? 0).toFixed(1)} fps`;
  }
}

/** Per server port, how often each message came with a frame. */
export class MessagesByPort {
  readonly #tallies = new Map<string, Tally>();

  /** Counts `message` as received from `port`. */
  add(port: Port | undefined, message: unknown): void {
    const key = String(port);
    let tally = this.#tallies.get(key);
    if (!tally) this.#tallies.set(key, tally = new Tally());
    tally.add(message);
  }

  /** The counts of `port`'s messages, by message. */
  of(port: Port): Record<string, number> {
    return this.#tallies.get(String(port))?.toJSON() ?? {};
  }
}

/**
 * The client's `--json` summary: what it received from each server (frames, bytes, and the
 * messages when `messages` counted them).
 */
export function clientSummary(
  client: NetGear,
  snapshots: MontageSnapshots,
  messages?: MessagesByPort,
): unknown {
  return {
    frames: client.stats.frames,
    dropped: client.stats.dropped,
    snapshots: snapshots.written,
    servers: client.servers.map((s) => ({
      port: s.port,
      state: s.state,
      goneReason: s.goneReason ?? null,
      frames: s.frames,
      bytes: s.bytes,
      messages: messages?.of(s.port) ?? {},
    })),
  };
}
