/**
 * `netgear send`: a NetGear server streaming frames from a camera, a file, a URL, an ffmpeg
 * test pattern or the built-in synthetic source, with a message on every frame.
 *
 * @module
 */

import { type LiveRate, NetGear } from "../netgear/mod.ts";
import {
  type CaptureError,
  type CaptureSource,
  type FrameSource,
  openSource,
  type ReconnectOptions,
  sourceOf,
} from "../capture/mod.ts";
import type { ParsedCommandLine } from "./args.ts";
import { type CliContext, type Command, defineCommand } from "./command.ts";
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from "./interrupt.ts";
import {
  CONNECT_ADDRESS_OPTION,
  durationOption,
  FPS_OPTION,
  FRAMES_OPTION,
  multiserverOption,
  OUTPUT_OPTIONS,
  PATTERN_OPTION,
  portOption,
  REALTIME_OPTION,
  SECURE_OPTIONS,
  type SecureSettings,
  secureSettings,
  SIZE_OPTION,
  SOURCE_ARGUMENT,
  SOURCE_HELP,
} from "./shared_options.ts";
import { StatusLine } from "./status.ts";
import { FrameTally } from "./tally.ts";
import {
  jpegQualityValue,
  patternValue,
  portValue,
  positiveInteger,
  positiveNumber,
  sizeValue,
} from "./values.ts";

/** `netgear send`'s settings, checked. */
export interface SendSettings {
  /** `"synthetic"`, or what ffmpeg captures. */
  readonly source: "synthetic" | CaptureSource;
  /** The receiver's address. */
  readonly address: string;
  /** This server's port (the receiver tells servers apart by it). */
  readonly port: number;
  /** 0, 1 or 2. */
  readonly pattern: 0 | 1 | 2;
  /** The message sent with each frame; `{n}` becomes the frame number. */
  readonly message: string | undefined;
  /** Frames to send before ending; all when undefined. */
  readonly frames: number | undefined;
  /** Seconds to send before ending; until the source ends when undefined. */
  readonly duration: number | undefined;
  /** Frame rate. */
  readonly fps: number | undefined;
  /** `[width, height]`. */
  readonly size: [number, number] | undefined;
  /** Secure mode and the key folder. */
  readonly secure: SecureSettings;
  /** Pace files and patterns like a camera. */
  readonly realtime: boolean;
  /** Reopen a camera, stream or pattern that drops, ends or stalls. */
  readonly reconnect: boolean;
  /** Failed reopen attempts in a row before giving up; forever when undefined. */
  readonly reconnectAttempts: number | undefined;
  /** Seconds without a frame after which the source has stalled. */
  readonly stallTimeout: number;
  /** JPEG quality when compressing. */
  readonly jpegQuality: number | undefined;
  /** Live mode (`--live`): JPEG, with quality and frame rate lowered on a congested link. */
  readonly live: boolean;
  /** Multi-server mode. */
  readonly multiserver: boolean;
  /** NetGear's own log. */
  readonly logging: boolean;
  /** No status line. */
  readonly quiet: boolean;
}

/** Reads a source argument: `synthetic`, a pattern name, or what {@link FfmpegSource} opens. */
export const sendSourceOf: (text: string) => "synthetic" | CaptureSource = sourceOf;

/** Checks the parsed command line of `netgear send`. */
export function sendSettings({ values, positionals }: ParsedCommandLine): SendSettings {
  const multiserver = values.multiserver as boolean;
  return {
    source: sendSourceOf(positionals[0] ?? "synthetic"),
    address: values.address as string,
    port: portValue(values.port as string, "--port"),
    pattern: patternValue(values.pattern as string, multiserver),
    message: values.message as string | undefined,
    frames: values.frames === undefined
      ? undefined
      : positiveInteger(values.frames as string, "--frames"),
    duration: values.duration === undefined
      ? undefined
      : positiveNumber(values.duration as string, "--duration"),
    fps: values.fps === undefined ? undefined : positiveNumber(values.fps as string, "--fps"),
    size: values.size === undefined ? undefined : sizeValue(values.size as string, "--size"),
    realtime: values.realtime as boolean,
    reconnect: values.reconnect as boolean,
    reconnectAttempts: values["reconnect-attempts"] === undefined
      ? undefined
      : positiveInteger(values["reconnect-attempts"] as string, "--reconnect-attempts"),
    stallTimeout: positiveNumber(values["stall-timeout"] as string, "--stall-timeout"),
    jpegQuality: values.jpeg === undefined ? undefined : jpegQualityValue(values.jpeg as string),
    multiserver,
    live: values.live === true,
    logging: values.logging === true,
    quiet: values.quiet === true,
    secure: secureSettings(values),
  };
}

/** Opens the frame source the settings name; `reconnect` is how a live source is reopened. */
async function openSettingsSource(
  settings: SendSettings,
  signal: AbortSignal,
  reconnect: ReconnectOptions,
): Promise<FrameSource> {
  const [width, height] = settings.size ?? [undefined, undefined];
  return await openSource(settings.source, {
    width,
    height,
    fps: settings.fps,
    realtime: settings.realtime,
    maxFrames: settings.frames ?? null,
    name: `PORT ${settings.port}`,
    timeout: settings.stallTimeout * 1000,
    reconnect: settings.reconnect ? reconnect : false,
    signal,
  });
}

/** Where a reopening source stands, for the status line. */
interface Reopening {
  readonly attempt: number;
  readonly at: number;
  readonly reason: string;
}

/** ffmpeg's closing lines, which say that it stopped but not why. */
const FFMPEG_SUMMARY =
  /^(frame=|video:|Conversion failed|Exiting normally|\s*Last message repeated)/;

/** Why the source dropped or an attempt failed, in a few words for the status line. */
function shortReason(error: CaptureError, stallTimeout: number): string {
  switch (error.reason) {
    case "ended":
      return "the stream ended";
    case "timeout":
      return `no frame for ${stallTimeout} s`;
    default:
      return error.stderr.findLast((line) => !FFMPEG_SUMMARY.test(line))?.trim() ??
        error.message.split("\n")[0];
  }
}

/** What a live server's rate control chose: `live: quality 75, 1 frame in 2`. */
function liveText(live: LiveRate): string {
  const share = live.sendsOneIn > 1 ? `, 1 frame in ${live.sendsOneIn}` : "";
  return `live: quality ${live.quality}${share}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Streams frames until the source ends, `--frames` are sent, or Ctrl+C. */
async function send(settings: SendSettings, context: CliContext): Promise<number> {
  const tally = new FrameTally([settings.port]);
  let lost = 0;
  let live: LiveRate | undefined;
  let reconnects = 0;
  let reopening: Reopening | undefined;
  /** Where the frames go; set once the server is up. */
  let target = "";
  /** The last frame found no receiver: none started yet, or gone and not back. */
  let waiting = false;
  let noReceiverBefore = 0;
  const status = new StatusLine(() => {
    tally.sample();
    const server = tally.get(settings.port)!;
    const sent = `sent ${server.frames} frames, ${server.recentFps.toFixed(1)} fps, ${lost} lost${
      live ? `, ${liveText(live)}` : ""
    }`;
    if (reopening === undefined) {
      return waiting ? `${sent} | no receiver at ${target} yet, waiting for one` : sent;
    }
    const wait = Math.ceil((reopening.at - performance.now()) / 1000);
    const when = wait > 0 ? `in ${wait} s` : "under way";
    const after = reopening.attempt === 1 ? "dropped" : `attempt ${reopening.attempt - 1}`;
    return `reconnecting: attempt ${reopening.attempt} ${when} (${after}: ${reopening.reason}) | ` +
      sent;
  }, {
    write: context.errRaw,
    terminal: context.statusIsTerminal,
    columns: context.columns,
  });
  using interrupt = watchInterrupt((line) => status.print(line));
  // The server stays connected and sends nothing while its source is reopened: the client
  // keeps a connected, silent server, and nothing new goes on the wire.
  const reconnect: ReconnectOptions = {
    maxAttempts: settings.reconnectAttempts ?? null,
    onRetry: ({ attempt, delay, error }) => {
      if (attempt === 1) {
        status.print(`netgear send: ${error.message}`);
        status.print(
          `netgear send: reopening the source in ${delay / 1000} s, then with backoff ` +
            (settings.reconnectAttempts === undefined
              ? "until it is back"
              : `for up to ${plural(settings.reconnectAttempts, "attempt")}`) +
            `; the server stays connected`,
        );
      }
      reopening = {
        attempt,
        at: performance.now() + delay,
        reason: shortReason(error, settings.stallTimeout),
      };
    },
    onReconnect: ({ attempts, downtime }) => {
      reopening = undefined;
      reconnects++;
      status.print(
        `netgear send: the source is back after ${(downtime / 1000).toFixed(1)} s ` +
          `(${plural(attempts, "attempt")})`,
      );
    },
  };
  // Ctrl+C while a camera or stream is still opening ends the command like any other time.
  // --duration ends the source as its end would; Ctrl+C also gives up on a pending send.
  const stop = settings.duration === undefined
    ? interrupt.signal
    : AbortSignal.any([interrupt.signal, AbortSignal.timeout(settings.duration * 1000)]);
  await using source = await openSettingsSource(settings, stop, reconnect).catch((error) => {
    if (interrupt.interrupted) return null;
    throw error;
  });
  if (source === null) return INTERRUPTED_EXIT_CODE;
  await using server = new NetGear({
    address: settings.address,
    port: settings.port,
    pattern: settings.pattern,
    multiserverMode: settings.multiserver,
    logging: settings.logging,
    jpegCompression: settings.live || settings.jpegQuality !== undefined,
    live: settings.live,
    jpegCompressionQuality: settings.jpegQuality,
    ...settings.secure,
  });
  target = `${server.options.protocol}://${server.options.address}:${settings.port}`;
  context.err(
    `netgear send: ${describeSource(settings.source)} to ${target} (pattern ${settings.pattern}${
      settings.multiserver ? ", multi-server" : ""
    })`,
  );
  if (!settings.quiet) status.start();
  try {
    for (let n = 0;; n++) {
      const frame = await source.read();
      if (frame === null) break;
      const message = settings.message?.replaceAll("{n}", String(n)) ?? null;
      try {
        await server.send(frame, { message, signal: interrupt.signal });
      } catch (error) {
        if (interrupt.interrupted) break;
        throw error;
      }
      // Frames whose reply never came (pattern 1), and frames that found no receiver there.
      const noReceiver = server.stats.dropped["no-receiver"] ?? 0;
      waiting = noReceiver > noReceiverBefore;
      noReceiverBefore = noReceiver;
      lost = server.stats.timeouts + noReceiver;
      live = server.stats.live;
      tally.add(settings.port, frame, message);
    }
  } finally {
    status.stop();
  }
  const sent = tally.get(settings.port)!;
  if (live) {
    const { skipped = 0, congested = 0 } = server.stats.dropped;
    const times = plural(live.congestion, "time");
    context.err(
      `netgear send: ${liveText(live)}; the link was congested ${times}, ` +
        `${plural(skipped, "frame")} skipped, ${congested} found no room`,
    );
  }
  context.err(
    `netgear send: ${interrupt.interrupted ? "interrupted" : "done"}: ${sent.frames} frames ` +
      `sent, ${lost} lost${reconnects > 0 ? `, ${plural(reconnects, "reconnect")}` : ""}`,
  );
  if (interrupt.interrupted) return INTERRUPTED_EXIT_CODE;
  if (sent.frames > 0 && lost >= sent.frames) {
    // Nothing arrived anywhere. Say so rather than end as if it had worked.
    context.err(
      `netgear send: no frame reached a receiver: is one running on that address and port, ` +
        "with the same --pattern and --secure settings (and a key folder that knows this sender)?",
    );
    return 1;
  }
  return 0;
}

function describeSource(source: "synthetic" | CaptureSource): string {
  if (source === "synthetic") return "synthetic frames";
  return `frames from ${typeof source === "object" ? JSON.stringify(source) : source}`;
}

/** The `netgear send` command. */
export const sendCommand: Command = defineCommand({
  name: "send",
  summary: "Stream frames to a NetGear client: a camera, file, URL, ffmpeg pattern or synthetic",
  description: [
    "Runs a NetGear server (vidgear's sending end) that connects to the client at --address",
    "and sends every frame of SOURCE with --message, until the source ends, --frames are",
    "sent, or Ctrl+C (which sends NetGear's terminate so the client sees the server leave).",
    "",
    ...SOURCE_HELP,
    "",
    "A camera or stream that drops, ends or stalls (no frame for --stall-timeout seconds) is",
    "reopened after 1 s, 2 s, 4 s, 8 s, then every 10 s, until it is back or Ctrl+C; the server",
    "stays connected and sends nothing meanwhile, so the client keeps it. A source that cannot",
    "be opened at the start is an error, and a file ends the stream at its end.",
  ].join("\n"),
  positionals: [SOURCE_ARGUMENT],
  options: [
    CONNECT_ADDRESS_OPTION,
    portOption(),
    PATTERN_OPTION,
    {
      name: "message",
      type: "string",
      value: "TEXT",
      description: "Data sent with every frame; {n} becomes the frame number",
    },
    FRAMES_OPTION,
    durationOption("Stop after this long (default: until the source ends)"),
    FPS_OPTION,
    SIZE_OPTION,
    REALTIME_OPTION,
    {
      name: "reconnect",
      type: "boolean",
      negatable: true,
      default: true,
      description: "Reopen a camera or stream that drops; --no-reconnect ends at the first drop",
    },
    {
      name: "reconnect-attempts",
      type: "string",
      value: "N",
      description: "Give up after N failed reopen attempts in a row (default: never)",
    },
    {
      name: "stall-timeout",
      type: "string",
      value: "SECONDS",
      default: "20",
      description: "No frame for this long (opening included) is a stall: reopen (or fail)",
    },
    {
      name: "jpeg",
      type: "string",
      value: "QUALITY",
      bare: "90",
      description: "JPEG-compress frames (quality 10-100, default 90)",
    },
    {
      name: "live",
      type: "boolean",
      description:
        "Live mode for a slow link: JPEG (quality --jpeg at most, default 90), lowered, then fewer frames, while the link is congested (pair with recv --live)",
    },
    multiserverOption("Multi-server mode: the client tells servers apart by port"),
    ...SECURE_OPTIONS,
    ...OUTPUT_OPTIONS,
  ],
  examples: [
    'netgear send --port 5566 --message "I\'m Server-1"',
    "netgear send testsrc --port 5567 --size 640x480 --fps 15 --jpeg=80",
    "netgear send /dev/video0 --address 192.168.1.10 --port 5566",
  ],
  run: (parsed, context) => send(sendSettings(parsed), context),
});
