/**
 * Programs with the `netgear` command-line grammar: {@linkcode clientProgram} and
 * {@linkcode serverProgram} run your own NetGear client or server loop as a command with the
 * same flags, help, errors, exit codes and Ctrl+C handling as `netgear recv` and
 * `netgear send`, and the same display (the live page, the labelled montage snapshots). The
 * four examples are written with them, so they stay as short as vidgear's docs' scenarios.
 *
 * What a run prints: progress lines on stderr; with `--json`, one JSON line on stdout once
 * ready (`{"ready": …}`) and one at the end (`{"summary": …}`), otherwise the summary as text
 * on stdout. The exit code is 0 when done, 1 on a failure (one line, no stack trace), 2 on a
 * bad command line (with the nearest valid flag), 130 after Ctrl+C.
 *
 * @example A client of two servers, shown live and as snapshots
 * ```ts ignore
 * import { NetGear } from "../../mod.ts";
 * import { clientProgram } from "./programs.ts";
 *
 * await clientProgram({ program: "deno run client.ts", title: "my client", summary: "…" }, async (run) => {
 *   await using client = run.watch(new NetGear({
 *     address: run.settings.address, port: run.settings.ports, pattern: 1,
 *     receiveMode: true, multiserverMode: true, onServerEvent: run.onServerEvent,
 *   }));
 *   for (let item; (item = await client.recv({ signal: run.signal })) !== null;) run.show(item);
 * });
 * ```
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { formatMessage, type FrameDisplay, SnapshotWriter } from "../montage/mod.ts";
import {
  type ClientFigures,
  removeOnLeave,
  type ServerChange,
  type ServerFigures,
  watchClient,
} from "../viewer/mod.ts";
import { liveViewLine, startLiveView } from "./live_view.ts";
import type { ParsedCommandLine } from "./args.ts";
import { type CliContext, defineCommand, runProgram } from "./command.ts";
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from "./interrupt.ts";
import {
  BIND_ADDRESS_OPTION,
  CONNECT_ADDRESS_OPTION,
  durationOption,
  FPS_OPTION,
  FRAMES_OPTION,
  jsonOption,
  KEEP_OPTION,
  LIVENESS_OPTION,
  outOption,
  portOption,
  PORTS_OPTION,
  REALTIME_OPTION,
  SIZE_OPTION,
  SOURCE_HELP,
  TILE_OPTION,
  viewOption,
} from "./shared_options.ts";
import {
  keepValue,
  nonNegativeNumber,
  portListValue,
  portValue,
  positiveInteger,
  positiveNumber,
  sizeValue,
  viewValue,
} from "./values.ts";

// The types the programs' signatures name, so that this module stands alone.
export { createFrame, type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export type { ParsedCommandLine } from "./args.ts";
export type { ClientFigures, ServerChange, ServerFigures } from "../viewer/mod.ts";

/** What a client program reads of its NetGear receiver (a `NetGear` fits). */
export interface ReceivingClient extends ClientFigures {
  /** Every server it knows of, with its state and figures. */
  readonly servers: readonly (ServerFigures & {
    readonly goneReason?: string;
    readonly frames: number;
    readonly bytes: number;
  })[];
  /** Its counters. */
  readonly stats: { readonly frames: number; readonly dropped: Readonly<Record<string, number>> };
  /** Its settings. */
  readonly options: { readonly pattern: number };
}

/** What a server program reads of its NetGear sender (a `NetGear` fits). */
export interface SendingServer {
  /** Its counters. */
  readonly stats: {
    readonly frames: number;
    readonly timeouts: number;
    readonly dropped: Readonly<Record<string, number>>;
  };
}

/** What a program says of itself in its `--help`. */
export interface ProgramInfo {
  /** How it is started, for the help and error lines (`deno task example:a:client`). */
  readonly program: string;
  /** One line: what it does. */
  readonly summary: string;
  /** Paragraphs after the summary. @default {""} */
  readonly description?: string;
}

// ------------------------------------------------------------------------------ client

/** A client program's settings, from its command line. */
export interface ClientSettings {
  /** The address to bind (`--address`, default `127.0.0.1`). */
  readonly address: string;
  /** The servers' ports (`--ports`, default 5566,5567). */
  readonly ports: number[];
  /** Seconds a joined server may stay disconnected before it has gone (`--liveness`);
   * NetGear's default when undefined. */
  readonly liveness: number | undefined;
  /** Where the montage snapshots go (`--out`). */
  readonly out: string;
  /** Each snapshot tile's `[width, height]` (`--tile`). */
  readonly tile: [number, number];
  /** How many of the newest snapshots stay on disk (`--keep`; Infinity: all). */
  readonly keep: number;
  /** Where the live page is served (`--view`), or `undefined` with `--no-view`. */
  readonly view: { hostname: string; port: number } | undefined;
  /** JSON lines on stdout (`--json`). */
  readonly json: boolean;
}

/** Options of {@linkcode clientProgram}. */
export interface ClientProgramOptions extends ProgramInfo {
  /** The live page's title. */
  readonly title: string;
  /** `--out`'s default. @default {"out/client"} */
  readonly out?: string;
}

/** A running client program, handed to the body of {@linkcode clientProgram}. */
export interface ClientRun {
  /** The settings from the command line. */
  readonly settings: ClientSettings;
  /** Aborted by Ctrl+C: pass it to `recv()`; the program then ends cleanly (exit 130). */
  readonly signal: AbortSignal;
  /**
   * Pass as the client's `onServerEvent`: says when a server joins or leaves (and why), and a
   * server that leaves loses its live tile at once.
   */
  readonly onServerEvent: (event: ServerChange & { readonly reason?: string }) => void;
  /** Registers the client (for its figures and the summary), says it listens; returns it. */
  watch<T extends ReceivingClient>(client: T): T;
  /**
   * Shows a received item: its server's tile in the live page and the snapshots (labelled with
   * port, peer address, fps and message), and its message printed whenever it changes.
   */
  show(item: { port: number | string | undefined; frame: Frame; message: unknown }): void;
}

/** How many distinct values a message tally keeps; the rest are counted together. */
const TALLY_LIMIT = 50;

/** Counts how often each value was seen, by its text. */
class Tally {
  readonly #counts = new Map<string, number>();
  #last: string | undefined;

  /** Counts `value`; returns whether it differs from the value counted before it. */
  add(value: unknown): boolean {
    const text = formatMessage(value, 200);
    const key = this.#counts.has(text) || this.#counts.size < TALLY_LIMIT ? text : "(other values)";
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    const changed = text !== this.#last;
    this.#last = text;
    return changed;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** Checks a client program's command line. */
export function clientSettings({ values }: ParsedCommandLine): ClientSettings {
  return {
    address: values.address as string,
    ports: portListValue(values.ports as string, "--ports"),
    liveness: values.liveness === undefined
      ? undefined
      : nonNegativeNumber(values.liveness as string, "--liveness"),
    out: values.out as string,
    tile: sizeValue(values.tile as string, "--tile"),
    keep: keepValue(values.keep as string, "--keep"),
    view: viewValue(values.view),
    json: values.json === true,
  };
}

/**
 * Runs `body`, your client's receive loop, as a command with the shared grammar: `--address`,
 * `--ports`, `--liveness`, `--out`, `--tile`, `--[no-]view[=HOST:PORT]`, `--json`. Around it:
 * the live page and the montage snapshots (one a second), Ctrl+C, the summary, and the exit
 * code. Exits the process when done.
 *
 * @param options The program's name, help and page title.
 * @param body Creates the client (pass it to `run.watch`), receives, and `run.show`s items.
 */
export async function clientProgram(
  options: ClientProgramOptions,
  body: (run: ClientRun) => Promise<void>,
): Promise<never> {
  return await runProgram(defineCommand({
    name: options.program,
    program: options.program,
    summary: options.summary,
    description: [
      options.description ?? "",
      "Ends once every server has gone (sent its terminate, or disconnected for --liveness",
      "seconds), or on Ctrl+C, and prints what it received.",
    ].join("\n").trim(),
    options: [
      BIND_ADDRESS_OPTION,
      PORTS_OPTION,
      LIVENESS_OPTION,
      outOption(options.out ?? "out/client"),
      KEEP_OPTION,
      TILE_OPTION,
      viewOption(true),
      jsonOption('JSON lines on stdout: {"ready":…} once listening, {"summary":…} at the end'),
    ],
    run: (parsed, context) => runClient(options, clientSettings(parsed), context, body),
  }));
}

async function runClient(
  options: ClientProgramOptions,
  settings: ClientSettings,
  context: CliContext,
  body: (run: ClientRun) => Promise<void>,
): Promise<number> {
  const record = (kind: string, value: unknown) => {
    if (settings.json) context.out(JSON.stringify({ [kind]: value }));
  };
  using interrupt = watchInterrupt(context.err);
  const displays: FrameDisplay[] = [];
  const messages = new Map<string, Tally>();
  let client: ReceivingClient | undefined;
  try {
    const snapshots = await SnapshotWriter.create({
      dir: settings.out,
      keys: settings.ports,
      tile: settings.tile,
      keep: settings.keep,
      onError: (error) => context.err(error.message),
    });
    displays.push(snapshots);
    const viewer = await startLiveView(settings.view, options.title);
    if (viewer) {
      displays.push(viewer);
      context.err(liveViewLine(viewer.url));
    }
    const run: ClientRun = {
      settings,
      signal: interrupt.signal,
      onServerEvent: (event) => {
        for (const display of displays) removeOnLeave(display)(event);
        const reason = event.reason === undefined ? "" : ` (${event.reason})`;
        context.err(`server ${event.port} ${event.type === "join" ? "joined" : `left${reason}`}`);
      },
      watch: (netgear) => {
        client = netgear;
        const { address, ports } = settings;
        context.err(`Client on ${address}, servers' ports ${ports.join(", ")}; Ctrl+C to stop`);
        record("ready", { address, ports, pattern: netgear.options.pattern, view: viewer?.url });
        return netgear;
      },
      show: (item) => {
        if (client) { for (const display of displays) watchClient(display, item, client); }
        const key = String(item.port);
        let tally = messages.get(key);
        if (!tally) messages.set(key, tally = new Tally());
        if (item.message !== null && tally.add(item.message)) {
          context.err(`${key} says: ${formatMessage(item.message, 200)}`);
        }
      },
    };
    try {
      await body(run);
    } catch (error) {
      if (!interrupt.interrupted) throw error;
    }
    for (const display of displays.splice(0)) await display.close();
    if (client === undefined) return interrupt.interrupted ? INTERRUPTED_EXIT_CODE : 0;
    const { frames, dropped } = client.stats;
    const summary = {
      frames,
      dropped,
      snapshots: snapshots.written,
      servers: client.servers.map((s) => ({
        port: s.port,
        state: s.state,
        goneReason: s.goneReason ?? null,
        ...(s.peerAddress ? { peerAddress: s.peerAddress } : {}),
        frames: s.frames,
        bytes: s.bytes,
        messages: messages.get(String(s.port))?.toJSON() ?? {},
      })),
    };
    record("summary", summary);
    if (!settings.json) {
      context.out(
        `${interrupt.interrupted ? "Stopped" : "Every server is gone"}: ${frames} frames ` +
          `received; ${snapshots.written} snapshots in ${settings.out}`,
      );
    }
    return interrupt.interrupted ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    for (const display of displays) await display.close();
  }
}

// ------------------------------------------------------------------------------ server

/** A server program's settings, from its command line. */
export interface ServerSettings {
  /** What to stream (the `SOURCE` argument): see {@linkcode openSource}'s `sourceOf`. */
  readonly source: string;
  /** The client's address (`--address`, default `127.0.0.1`). */
  readonly address: string;
  /** This server's port (`--port`). */
  readonly port: number;
  /** Frame rate (`--fps`); the source's when undefined. */
  readonly fps: number | undefined;
  /** `[width, height]` (`--size`); the source's when undefined. */
  readonly size: [number, number] | undefined;
  /** Frames to send (`--frames`); all when undefined. */
  readonly frames: number | undefined;
  /** Seconds to send (`--duration`); until the source ends when undefined. */
  readonly duration: number | undefined;
  /** Pace files and patterns like a camera (`--[no-]realtime`). */
  readonly realtime: boolean;
  /** JSON lines on stdout (`--json`). */
  readonly json: boolean;
}

/** Options of {@linkcode serverProgram}. */
export interface ServerProgramOptions extends ProgramInfo {
  /** The server's name in what it prints (`Server-1`). */
  readonly name: string;
  /** `--port`'s default. */
  readonly port: number;
  /** The source when none is given. @default {"synthetic"} */
  readonly source?: string;
}

/** What `openSource` (`src/capture`) takes from a server program's settings. */
export interface CaptureSettings {
  /** `--size`'s width; the source's when undefined. */
  readonly width?: number;
  /** `--size`'s height; the source's when undefined. */
  readonly height?: number;
  /** `--fps`; the source's when undefined. */
  readonly fps?: number;
  /** `--[no-]realtime`. */
  readonly realtime: boolean;
  /** `--frames`; `null` for all. */
  readonly maxFrames: number | null;
  /** The server's name (drawn on synthetic frames). */
  readonly name: string;
  /** Ends the source: `--duration` or Ctrl+C. */
  readonly signal: AbortSignal;
}

/** A running server program, handed to the body of {@linkcode serverProgram}. */
export interface ServerRun {
  /** The settings from the command line. */
  readonly settings: ServerSettings;
  /**
   * How to open the source: `openSource(run.settings.source, run.capture)`. It ends after
   * `--frames`, `--duration` or on Ctrl+C.
   */
  readonly capture: CaptureSettings;
  /** Aborted after `--duration` or on Ctrl+C: stop taking frames. */
  readonly stop: AbortSignal;
  /** Aborted by Ctrl+C: pass it to `send()`; the program then ends cleanly (exit 130). */
  readonly signal: AbortSignal;
  /** Registers the server (for the summary), says it streams; returns it. */
  watch<T extends SendingServer>(server: T): T;
  /** Counts the client's reply to a frame (bidirectional mode), printing it when it changes. */
  replied(data: unknown): void;
}

/** Checks a server program's command line. */
export function serverSettings(
  { values, positionals }: ParsedCommandLine,
  defaultSource = "synthetic",
): ServerSettings {
  return {
    source: positionals[0] ?? defaultSource,
    address: values.address as string,
    port: portValue(values.port as string, "--port"),
    fps: values.fps === undefined ? undefined : positiveNumber(values.fps as string, "--fps"),
    size: values.size === undefined ? undefined : sizeValue(values.size as string, "--size"),
    frames: values.frames === undefined
      ? undefined
      : positiveInteger(values.frames as string, "--frames"),
    duration: values.duration === undefined
      ? undefined
      : positiveNumber(values.duration as string, "--duration"),
    realtime: values.realtime !== false,
    json: values.json === true,
  };
}

/**
 * Runs `body`, your server's send loop, as a command with the shared grammar: `SOURCE`,
 * `--address`, `--port`, `--frames`, `--duration`, `--fps`, `--size`, `--[no-]realtime`,
 * `--json`. Around it: Ctrl+C, the summary and the exit code. Exits the process when done.
 *
 * @param options The program's name, help, server name and default port.
 * @param body Opens the source (`run.capture`), creates the server (pass it to `run.watch`)
 *   and sends.
 */
export async function serverProgram(
  options: ServerProgramOptions,
  body: (run: ServerRun) => Promise<void>,
): Promise<never> {
  const source = options.source ?? "synthetic";
  return await runProgram(defineCommand({
    name: options.program,
    program: options.program,
    summary: options.summary,
    description: [
      options.description ?? "",
      "Stops after --frames or --duration, at the end of the source, or on Ctrl+C.",
      "",
      ...SOURCE_HELP,
    ].join("\n").trim(),
    positionals: [{ name: "SOURCE", description: `What to stream (default ${source})` }],
    options: [
      CONNECT_ADDRESS_OPTION,
      portOption(options.port),
      FRAMES_OPTION,
      durationOption("Stop after this long (default: until the source ends)"),
      FPS_OPTION,
      SIZE_OPTION,
      REALTIME_OPTION,
      jsonOption('JSON lines on stdout: {"ready":…} once streaming, {"summary":…} at the end'),
    ],
    run: (parsed, context) => runServer(options, serverSettings(parsed, source), context, body),
  }));
}

async function runServer(
  options: ServerProgramOptions,
  settings: ServerSettings,
  context: CliContext,
  body: (run: ServerRun) => Promise<void>,
): Promise<number> {
  const record = (kind: string, value: unknown) => {
    if (settings.json) context.out(JSON.stringify({ [kind]: value }));
  };
  using interrupt = watchInterrupt(context.err);
  const stop = settings.duration === undefined
    ? interrupt.signal
    : AbortSignal.any([interrupt.signal, AbortSignal.timeout(settings.duration * 1000)]);
  const replies = new Tally();
  let server: SendingServer | undefined;
  const [width, height] = settings.size ?? [undefined, undefined];
  const run: ServerRun = {
    settings,
    capture: {
      width,
      height,
      fps: settings.fps,
      realtime: settings.realtime,
      maxFrames: settings.frames ?? null,
      name: options.name,
      signal: stop,
    },
    stop,
    signal: interrupt.signal,
    watch: (netgear) => {
      server = netgear;
      const { source, address, port } = settings;
      context.err(`${options.name}: ${source} -> ${address}:${port}; Ctrl+C to stop`);
      record("ready", { port, source });
      return netgear;
    },
    replied: (data) => {
      if (replies.add(data)) {
        context.err(`${options.name}: the client says: ${formatMessage(data, 200)}`);
      }
    },
  };
  try {
    await body(run);
  } catch (error) {
    if (!interrupt.interrupted) throw error;
  }
  if (server !== undefined) {
    const { frames, timeouts } = server.stats;
    const lost = timeouts + (server.stats.dropped["no-receiver"] ?? 0);
    record("summary", { port: settings.port, sent: frames, lost, replies: replies.toJSON() });
    if (!settings.json) context.out(`${options.name}: sent ${frames} frames, ${lost} lost`);
  }
  return interrupt.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}
