/**
 * `netgear recv`: a NetGear client receiving from one or many servers, with a live status,
 * montage snapshots (`--out`) and a summary at the end (`--json` for programs).
 *
 * @module
 */

import { type GoneReason, NetGear, type ServerInfo } from "../netgear/mod.ts";
import { type ParsedCommandLine, UsageError } from "./args.ts";
import { type CliContext, type Command, defineCommand } from "./command.ts";
import { watchClient } from "../viewer/mod.ts";
import { liveViewLine, startLiveView } from "./live_view.ts";
import { formatBytes } from "./format.ts";
import { formatMessage, jsonSafe } from "../montage/labels.ts";
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from "./interrupt.ts";
import { type FrameDisplay, SnapshotWriter } from "../montage/mod.ts";
import {
  BIND_ADDRESS_OPTION,
  durationOption,
  jsonOption,
  KEEP_OPTION,
  LIVENESS_OPTION,
  multiserverOption,
  outOption,
  OUTPUT_OPTIONS,
  PATTERN_OPTION,
  PORTS_OPTION,
  SECURE_OPTIONS,
  type SecureSettings,
  secureSettings,
  TILE_OPTION,
  viewOption,
} from "./shared_options.ts";
import {
  RECORD_OPTIONS,
  type RecordSettings,
  recordSettings,
  type RecordSummary,
  RecvRecorder,
} from "./record.ts";
import { StatusLine } from "./status.ts";
import { averageFps, FrameTally } from "./tally.ts";
import {
  keepValue,
  nonNegativeNumber,
  patternValue,
  portListValue,
  positiveNumber,
  sizeValue,
  viewValue,
} from "./values.ts";

/** Longest message in the summary, in characters. */
const MESSAGE_CHARS = 60;

/** `netgear recv`'s settings, checked. */
export interface RecvSettings {
  /** The address to bind. */
  readonly address: string;
  /** The servers' ports (one without multi-server mode). */
  readonly ports: number[];
  /** 0, 1 or 2. */
  readonly pattern: 0 | 1 | 2;
  /** Where montage snapshots go, if anywhere. */
  readonly out: string | undefined;
  /** Each snapshot tile's `[width, height]`. */
  readonly tile: [number, number];
  /** How many of the newest snapshots stay on disk (`--keep`; Infinity: all). */
  readonly keep: number;
  /** Print the summary as JSON. */
  readonly json: boolean;
  /** Seconds before ending by itself. */
  readonly duration: number | undefined;
  /** Seconds a joined server may stay disconnected before it counts as gone (0: never);
   * undefined takes NetGear's default. */
  readonly liveness: number | undefined;
  /** Seconds to wait for listed servers that have not joined; undefined waits until stopped. */
  readonly wait: number | undefined;
  /** Secure mode and the key folder. */
  readonly secure: SecureSettings;
  /** The browser viewer's `hostname` and `port`, if asked for. */
  readonly view: { hostname: string; port: number } | undefined;
  /** Live mode (`--live`): each server's newest frame wins. */
  readonly live: boolean;
  /** Multi-server mode. */
  readonly multiserver: boolean;
  /** NetGear's own log. */
  readonly logging: boolean;
  /** No status line. */
  readonly quiet: boolean;
  /** Where to record each server's video (`--record`), if anywhere. */
  readonly record: RecordSettings | undefined;
}

/** Why `netgear recv` ended. */
export type RecvEnd = "servers-gone" | "duration" | "interrupted";

/** One server in the summary. */
export interface ServerSummary {
  /** Its port. */
  readonly port: number;
  /** `waiting` (never heard from), `live`, or `gone`. */
  readonly state: "waiting" | "live" | "gone";
  /** Why it is gone: it sent its terminate, it was disconnected past `--liveness`, or it never
   * joined within `--wait`. */
  readonly goneReason?: GoneReason;
  /** Whether it was disconnected past `--liveness`. */
  readonly timedOut: boolean;
  /** Its address as the connection showed it (tcp), when known. */
  readonly peerAddress?: string;
  /** Frames received from it. */
  readonly frames: number;
  /** Frame bytes received from it. */
  readonly bytes: number;
  /** Average frames per second between its first and last frames. */
  readonly fps: number;
  /** The message that came with its last frame. */
  readonly lastMessage: unknown;
  /**
   * How old its frames were on arrival, in ms, over its last 2 s of frames: this host's clock
   * less the capture time each frame carries, so only as right as the two clocks agree (NTP).
   * Absent when its frames carry none (vidgear servers) or without multi-server mode.
   */
  readonly frameAge?: { readonly p50: number; readonly p99: number; readonly frames: number };
}

/** What `netgear recv --json` prints when it ends. */
export interface RecvSummary {
  /** The address bound. */
  readonly address: string;
  /** The ports listened on. */
  readonly ports: number[];
  /** The pattern. */
  readonly pattern: 0 | 1 | 2;
  /** Whether multi-server mode was on. */
  readonly multiserver: boolean;
  /** Why it ended. */
  readonly end: RecvEnd;
  /** Seconds it ran. */
  readonly seconds: number;
  /** Frames received from all servers. */
  readonly frames: number;
  /** Frame bytes received from all servers. */
  readonly bytes: number;
  /** Messages dropped (malformed, or undecodable), over all servers. */
  readonly drops: number;
  /** The drops by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Secure mode: connections refused, by reason (unknown key, plaintext, …). */
  readonly refused: Readonly<Record<string, number>>;
  /** Servers disconnected past `--liveness`. */
  readonly timeouts: number;
  /** Rebinds after silence (single-server patterns 0 and 1). */
  readonly rebinds: number;
  /** Montage snapshots written (with `--out`). */
  readonly snapshots?: number;
  /** With `--record`: the files written, frames recorded and dropped. */
  readonly recording?: RecordSummary;
  /** One entry per server: the listed ports first. */
  readonly servers: ServerSummary[];
}

/** Checks the parsed command line of `netgear recv`. */
export function recvSettings({ values }: ParsedCommandLine): RecvSettings {
  const multiserver = values.multiserver as boolean;
  const ports = portListValue(values.ports as string, "--ports");
  if (!multiserver && ports.length !== 1) {
    throw new UsageError(
      `Cannot listen on ${ports.length} ports without multi-server mode: give one --ports value, or drop --no-multiserver`,
    );
  }
  return {
    address: values.address as string,
    ports,
    pattern: patternValue(values.pattern as string, multiserver),
    out: values.out === "" ? undefined : values.out as string | undefined,
    tile: sizeValue(values.tile as string, "--tile"),
    keep: keepValue(values.keep as string, "--keep"),
    json: values.json === true,
    duration: values.duration === undefined
      ? undefined
      : positiveNumber(values.duration as string, "--duration"),
    liveness: values.liveness === undefined
      ? undefined
      : nonNegativeNumber(values.liveness as string, "--liveness"),
    wait: values.wait === undefined ? undefined : positiveNumber(values.wait as string, "--wait"),
    view: viewValue(values.view),
    multiserver,
    live: values.live === true,
    logging: values.logging === true,
    quiet: values.quiet === true,
    record: recordSettings(values),
    secure: secureSettings(values),
  };
}

/** Receives until every server has gone, `--duration` passes, or Ctrl+C. */
async function recv(settings: RecvSettings, context: CliContext): Promise<number> {
  const startedAt = performance.now();
  const tally = new FrameTally(settings.ports);
  const displays: FrameDisplay[] = [];
  let client: NetGear | undefined;
  let recording: RecvRecorder | undefined;
  const status = new StatusLine(() => statusText(tally, client, recording), {
    write: context.errRaw,
    terminal: context.statusIsTerminal,
    columns: context.columns,
  });
  if (settings.record) recording = new RecvRecorder(settings.record, (line) => status.print(line));
  let snapshots: SnapshotWriter | undefined;
  if (settings.out !== undefined) {
    snapshots = await SnapshotWriter.create({
      dir: settings.out,
      keys: settings.ports.map(String),
      tile: settings.tile,
      keep: settings.keep,
      onError: (error) => status.print(`netgear recv: ${error.message}`),
    });
    displays.push(snapshots);
  }
  if (settings.view) {
    const viewer = (await startLiveView(settings.view, "netgear recv"))!;
    displays.push(viewer);
    context.err(liveViewLine(viewer.url));
  }

  using interrupt = watchInterrupt((line) => status.print(line));
  const stop = settings.duration === undefined
    ? interrupt.signal
    : AbortSignal.any([interrupt.signal, AbortSignal.timeout(settings.duration * 1000)]);
  try {
    client = new NetGear({
      address: settings.address,
      port: settings.multiserver ? settings.ports : settings.ports[0],
      pattern: settings.pattern,
      receiveMode: true,
      multiserverMode: settings.multiserver,
      livenessTimeout: settings.liveness,
      waitTimeout: settings.multiserver ? settings.wait : undefined,
      logging: settings.logging,
      live: settings.live,
      ...settings.secure,
      onServerEvent: (event) => {
        if (event.type === "leave") {
          for (const display of displays) display.remove(String(event.port));
          recording?.end(event.port);
        }
        status.print(
          `server ${event.port} ${event.type === "join" ? "joined" : `left (${event.reason})`}`,
        );
      },
    });
  } catch (error) {
    for (const display of displays) await display.close();
    await recording?.close();
    throw error;
  }
  const { protocol, address } = client.options;
  context.err(
    `netgear recv: listening on ${
      settings.ports.map((port) => `${protocol}://${address}:${port}`).join(", ")
    } (pattern ${settings.pattern}${settings.multiserver ? ", multi-server" : ""})`,
  );
  if (!settings.quiet) status.start();
  try {
    for (;;) {
      let item;
      try {
        item = await client.recv({ signal: stop });
      } catch (error) {
        if (stop.aborted) break;
        throw error;
      }
      if (item === null) break;
      const port = item.port === undefined ? settings.ports[0] : Number(item.port);
      tally.add(port, item.frame, item.message);
      tally.sample();
      recording?.write(port, item);
      // Labelled as every client's page and snapshots are: port, peer address, fps, message.
      const figures = settings.multiserver
        ? client
        : { servers: [{ port, state: "live", fps: tally.get(port)!.recentFps }] };
      for (const display of displays) watchClient(display, { ...item, port }, figures);
    }
  } finally {
    status.stop();
    await client.close();
    for (const display of displays) await display.close();
    await recording?.close();
  }
  const end: RecvEnd = interrupt.interrupted
    ? "interrupted"
    : stop.aborted
    ? "duration"
    : "servers-gone";
  const summary = summarize(settings, client, tally, end, performance.now() - startedAt);
  const withSnapshots = {
    ...summary,
    ...(snapshots ? { snapshots: snapshots.written } : {}),
    ...(recording ? { recording: recording.summary() } : {}),
  };
  if (settings.json) context.out(JSON.stringify(withSnapshots, jsonSafe, 2));
  else context.out(formatSummary(withSnapshots, settings.out));
  return end === "interrupted" ? INTERRUPTED_EXIT_CODE : 0;
}

/**
 * A server's state: NetGear tracks it in multi-server mode; otherwise the one sender is live
 * once it sent, and gone once the receiver ended by itself.
 */
function stateOf(
  info: ServerInfo | undefined,
  frames: number,
  receiverEnded = false,
): { state: ServerSummary["state"]; goneReason?: ServerSummary["goneReason"] } {
  if (info) return { state: info.state, goneReason: info.goneReason };
  if (receiverEnded) return { state: "gone" };
  return { state: frames > 0 ? "live" : "waiting" };
}

/** The status line: each server's recent rate (or state) and the drops. */
function statusText(
  tally: FrameTally,
  client: NetGear | undefined,
  recording: RecvRecorder | undefined,
): string {
  tally.sample();
  const infos = client?.servers ?? [];
  const servers = tally.servers.map((server) => {
    const info = infos.find((i) => Number(i.port) === server.port);
    const { state } = stateOf(info, server.frames);
    const rate = state === "live" ? `${server.recentFps.toFixed(1)} fps` : state;
    const age = state === "live" && info?.frameAge
      ? `, age ${Math.round(info.frameAge.p50)}/${Math.round(info.frameAge.p99)} ms`
      : "";
    return `${server.port}: ${rate}${age} (${server.frames})`;
  });
  const dropped = Object.values(client?.stats.dropped ?? {}).reduce((a, b) => a + b, 0);
  const recorded = recording ? ` | ${recording.status}` : "";
  return `${servers.join(" | ")} | ${dropped} dropped${recorded}`;
}

function summarize(
  settings: RecvSettings,
  client: NetGear,
  tally: FrameTally,
  end: RecvEnd,
  elapsedMs: number,
): RecvSummary {
  const stats = client.stats;
  const infos = client.servers;
  const servers = tally.servers.map((server): ServerSummary => {
    const info = infos.find((i) => Number(i.port) === server.port);
    const { state, goneReason } = stateOf(info, server.frames, end === "servers-gone");
    return {
      port: server.port,
      state,
      ...(goneReason ? { goneReason } : {}),
      timedOut: goneReason === "timeout",
      ...(info?.peerAddress ? { peerAddress: info.peerAddress } : {}),
      frames: server.frames,
      bytes: server.bytes,
      fps: Math.round(averageFps(server) * 100) / 100,
      lastMessage: server.lastMessage,
      ...(info?.frameAge ? { frameAge: info.frameAge } : {}),
    };
  });
  return {
    address: client.options.address,
    ports: settings.ports,
    pattern: settings.pattern,
    multiserver: settings.multiserver,
    end,
    seconds: Math.round(elapsedMs) / 1000,
    frames: tally.frames,
    bytes: servers.reduce((sum, s) => sum + s.bytes, 0),
    drops: Object.values(stats.dropped).reduce((a, b) => a + b, 0),
    dropped: stats.dropped,
    refused: stats.refused,
    timeouts: servers.filter((s) => s.timedOut).length,
    rebinds: stats.rebinds,
    servers,
  };
}

function formatSummary(summary: RecvSummary, out: string | undefined): string {
  const lines = summary.servers.map((s) => {
    const state = s.goneReason ? `gone (${s.goneReason})` : s.state;
    const age = ageText(s.frameAge);
    const message = s.lastMessage === null
      ? ""
      : `, last message: ${formatMessage(s.lastMessage, MESSAGE_CHARS)}`;
    return `${s.port}: ${s.frames} frames, ${formatBytes(s.bytes)}, ${
      s.fps.toFixed(1)
    } fps${age}, ${state}${message}`;
  });
  const snapshots = summary.snapshots === undefined
    ? ""
    : `; ${summary.snapshots} snapshots in ${out}`;
  lines.push(
    `${summary.frames} frames in ${
      summary.seconds.toFixed(1)
    } s (${summary.end}); ${summary.drops} dropped${snapshots}`,
  );
  const recording = summary.recording;
  if (recording) {
    lines.push(
      `recorded ${recording.recorded} frames to ${recording.files.length} files in ` +
        `${recording.directory} (${recording.encoder}); ${recording.drops} not recorded`,
    );
  }
  return lines.join("\n");
}

/** `, frame age p50 5 ms, p99 14 ms`, or nothing without ages. */
function ageText(age: ServerSummary["frameAge"]): string {
  return age ? `, frame age p50 ${Math.round(age.p50)} ms, p99 ${Math.round(age.p99)} ms` : "";
}

/** The `netgear recv` command. */
export const recvCommand: Command = defineCommand({
  name: "recv",
  summary: "Receive frames from NetGear servers: live status, montage snapshots, a summary",
  description: [
    "Runs a NetGear client (vidgear's receiving end) bound to --address on every port of",
    "--ports, one per server. It waits for servers not started yet (without limit, or --wait",
    "seconds), and ends once every server has sent its terminate or been disconnected for",
    "--liveness seconds, after --duration seconds, or on Ctrl+C, then prints a summary per",
    "server (as JSON with --json).",
  ].join("\n"),
  options: [
    BIND_ADDRESS_OPTION,
    PORTS_OPTION,
    PATTERN_OPTION,
    outOption(),
    KEEP_OPTION,
    TILE_OPTION,
    viewOption(false),
    jsonOption(),
    durationOption("End after this long (default: when every server has gone)"),
    LIVENESS_OPTION,
    {
      name: "wait",
      type: "string",
      value: "SECONDS",
      description: "Wait this long for servers not started yet (default: until stopped)",
    },
    {
      name: "live",
      type: "boolean",
      description:
        "Live mode: each server's newest frame wins, older ones are dropped and counted (pair with send --live)",
    },
    multiserverOption("Multi-server mode: one port per server"),
    ...RECORD_OPTIONS,
    ...SECURE_OPTIONS,
    ...OUTPUT_OPTIONS,
  ],
  examples: [
    "netgear recv --ports 5566,5567 --out snapshots",
    "netgear recv --ports 5566,5567 --record recordings --record-segment 600",
    "netgear recv --address '*' --ports 5566 --pattern 2 --duration 10 --json",
  ],
  run: (parsed, context) => recv(recvSettings(parsed), context),
});
