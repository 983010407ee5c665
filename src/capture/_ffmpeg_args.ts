// Private: turns FfmpegSource options into an ffmpeg command line, and reads what ffmpeg
// writes to stderr (its output description, dshow device lists). Pure functions, so the
// camera arguments of every OS can be tested on any OS.

import type { PixelFormat } from "./frame_source.ts";
import type {
  CameraSource,
  CaptureSource,
  FileSource,
  PatternSource,
  StreamSource,
} from "./ffmpeg_source.ts";

/** A source after shorthand resolution. */
export type InputSource = CameraSource | FileSource | StreamSource | PatternSource;

/** Everything the command line depends on. */
export interface ArgsPlan {
  input: InputSource;
  os: typeof Deno.build.os;
  width?: number;
  height?: number;
  fps?: number;
  pixelFormat: PixelFormat;
  realtime: boolean;
  loop: boolean;
  maxFrames: number | null;
  rtspTransport: "tcp" | "udp";
  inputArgs: readonly string[];
  outputArgs: readonly string[];
  /** The dshow name of a numbered camera on Windows (see {@link parseDshowDevices}). */
  dshowName?: string;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const PATTERN_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Resolves the shorthand forms: a number or a string of digits is a camera index, a
 * `/dev/…` path is a camera, `scheme://…` is a stream, `pattern:<name>` is a test pattern,
 * anything else is a file path.
 */
export function resolveSource(source: CaptureSource): InputSource {
  if (typeof source === "number") return { type: "camera", device: checkIndex(source) };
  if (typeof source === "string") {
    if (source === "") throw new TypeError(`Cannot capture from source "": name a source`);
    if (/^\d+$/.test(source)) return { type: "camera", device: Number(source) };
    if (source.startsWith("/dev/")) return { type: "camera", device: source };
    if (URL_SCHEME.test(source)) return { type: "stream", url: source };
    if (source.startsWith("pattern:")) {
      return checkPattern({ type: "pattern", name: source.slice(8) });
    }
    return { type: "file", path: source };
  }
  if (source === null || typeof source !== "object") {
    throw new TypeError(
      `Cannot capture from source ${
        String(source)
      }: use a camera index, a path, a URL or a source object`,
    );
  }
  switch (source.type) {
    case "camera":
      if (typeof source.device === "number") checkIndex(source.device);
      else if (typeof source.device !== "string" || source.device === "") {
        throw new TypeError(
          `Cannot capture from camera ${
            JSON.stringify(source.device)
          }: use an index or a device name`,
        );
      }
      return source;
    case "file":
      if (typeof source.path !== "string" || source.path === "") {
        throw new TypeError(`Cannot capture from file ${JSON.stringify(source.path)}: give a path`);
      }
      return source;
    case "stream":
      if (typeof source.url !== "string" || source.url === "") {
        throw new TypeError(`Cannot capture from stream ${JSON.stringify(source.url)}: give a URL`);
      }
      return source;
    case "pattern":
      return checkPattern(source);
    default:
      throw new TypeError(
        `Cannot capture from source type "${
          String((source as { type: unknown }).type)
        }": use "camera", "file", "stream" or "pattern"`,
      );
  }
}

function checkIndex(index: number): number {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`Cannot open camera ${index}: use a non-negative integer index`);
  }
  return index;
}

function checkPattern(source: PatternSource): PatternSource {
  const name = source.name ?? "testsrc2";
  if (!PATTERN_NAME.test(name)) {
    throw new TypeError(
      `Cannot generate pattern "${name}": use an ffmpeg source filter name such as "testsrc2" or "smptebars"`,
    );
  }
  if ((source.width === undefined) !== (source.height === undefined)) {
    throw new TypeError(
      `Cannot generate pattern "${name}" with only a width or a height: give both`,
    );
  }
  for (const key of ["width", "height"] as const) {
    const value = source[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new RangeError(`Cannot use pattern ${key} ${value}: use a positive integer`);
    }
  }
  if (source.rate !== undefined && !(Number.isFinite(source.rate) && source.rate > 0)) {
    throw new RangeError(`Cannot use pattern rate ${source.rate}: use a positive number`);
  }
  return { ...source, name };
}

/** Hides the password of `scheme://user:password@host` URLs, wherever they appear in `text`. */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+):[^\s@/]+@/gi, "$1:***@");
}

/** How messages name a source: `file "a.mp4"`, `camera 0`, `stream "rtsp://…"`. */
export function describeSource(input: InputSource): string {
  switch (input.type) {
    case "camera":
      return typeof input.device === "number"
        ? `camera ${input.device}`
        : `camera "${input.device}"`;
    case "file":
      return `file "${input.path}"`;
    case "stream":
      return `stream "${redact(input.url)}"`;
    case "pattern":
      return `pattern "${input.name ?? "testsrc2"}"`;
  }
}

/** The input half of the command line, up to and including `-i <input>`. */
function inputArgs(plan: ArgsPlan): string[] {
  const { input } = plan;
  const args: string[] = [];
  switch (input.type) {
    case "camera":
      args.push(...cameraArgs(input.device, plan));
      break;
    case "file":
      if (plan.realtime) args.push("-re");
      if (plan.loop) args.push("-stream_loop", "-1");
      // The "file:" protocol keeps names such as "-" or "a:b.mp4" from meaning anything else.
      args.push(...plan.inputArgs, "-i", `file:${input.path}`);
      break;
    case "stream":
      if (/^rtsps?:/i.test(input.url)) args.push("-rtsp_transport", plan.rtspTransport);
      args.push(...plan.inputArgs, "-i", input.url);
      break;
    case "pattern": {
      // Generate at the output size when it is known, so no scaling is needed.
      const width = input.width ?? plan.width;
      const height = input.height ?? plan.height;
      const params = [];
      if (width !== undefined && height !== undefined) params.push(`size=${width}x${height}`);
      const rate = input.rate ?? plan.fps;
      if (rate !== undefined) params.push(`rate=${rate}`);
      if (plan.realtime) args.push("-re");
      args.push("-f", "lavfi", ...plan.inputArgs);
      args.push("-i", params.length ? `${input.name}=${params.join(":")}` : `${input.name}`);
      break;
    }
  }
  return args;
}

function cameraArgs(device: number | string, plan: ArgsPlan): string[] {
  switch (plan.os) {
    case "darwin": {
      // avfoundation's default rate (29.97) is refused by many cameras; 30 is widely offered.
      // A later -framerate in inputArgs overrides it.
      const name = typeof device === "number"
        ? `${device}:none`
        : device.includes(":")
        ? device
        : `${device}:none`;
      return ["-f", "avfoundation", "-framerate", "30", ...plan.inputArgs, "-i", name];
    }
    case "windows": {
      const name = typeof device === "number"
        ? plan.dshowName
        : device.startsWith("video=")
        ? device.slice(6)
        : device;
      if (name === undefined) {
        throw new TypeError(`Cannot open camera ${device}: its dshow name was not resolved`);
      }
      return ["-f", "dshow", ...plan.inputArgs, "-i", `video=${name}`];
    }
    default: {
      const path = typeof device === "number" ? `/dev/video${device}` : device;
      return ["-f", "v4l2", ...plan.inputArgs, "-i", path];
    }
  }
}

/** The whole ffmpeg argument list (without the program name). */
export function buildFfmpegArgs(plan: ArgsPlan): string[] {
  const filters: string[] = [];
  if (plan.fps !== undefined) filters.push(`fps=${plan.fps}`);
  if (plan.width !== undefined || plan.height !== undefined) {
    filters.push(`scale=${plan.width ?? -1}:${plan.height ?? -1}`);
  }
  const args = ["-hide_banner", "-nostats", "-loglevel", "info", ...inputArgs(plan)];
  args.push("-map", "0:v:0");
  if (filters.length) args.push("-vf", filters.join(","));
  if (plan.maxFrames !== null) args.push("-frames:v", String(plan.maxFrames));
  args.push(...plan.outputArgs, "-pix_fmt", plan.pixelFormat, "-f", "rawvideo", "pipe:1");
  return args;
}

/**
 * What ffmpeg says it will write: the size and pixel format of its first output's video
 * stream, or the line that should have said so when it could not be read.
 */
export type OutputDescription =
  | { kind: "described"; width: number; height: number; pixelFormat: string }
  | { kind: "unreadable"; line: string };

const VIDEO_STREAM = /^\s*Stream #\d+:\d+[^:]*: Video: /;
// e.g. "  Stream #0:0: Video: rawvideo (BGR[24] / 0x18524742), bgr24(pc, progressive), 64x48 [SAR 1:1 DAR 4:3], q=2-31, ..."
const OUTPUT_STREAM =
  /^\s*Stream #\d+:\d+[^:]*: Video: rawvideo(?: \([^)]*\))?, ([a-z0-9_]+)(?:\([^)]*\))?, (\d+)x(\d+)\b/;

/**
 * Reads ffmpeg's stderr line by line and finds the size and pixel format of the raw video it
 * writes, from the stream line that follows "Output #0". Input stream lines are skipped: they
 * describe the source before scaling and rotation.
 */
export class OutputDescriptionParser {
  #inOutput = false;
  /** The description, once found. */
  found: OutputDescription | undefined;

  /** Feeds one line; returns the description when this line completed it. */
  push(line: string): OutputDescription | undefined {
    if (this.found) return undefined;
    if (/^Output #0\b/.test(line)) {
      this.#inOutput = true;
      return undefined;
    }
    if (!this.#inOutput || !VIDEO_STREAM.test(line)) return undefined;
    const match = OUTPUT_STREAM.exec(line);
    this.found = match
      ? {
        kind: "described",
        pixelFormat: match[1],
        width: Number(match[2]),
        height: Number(match[3]),
      }
      : { kind: "unreadable", line: line.trim() };
    return this.found;
  }
}

/**
 * Lists the video device names in the stderr of `ffmpeg -list_devices true -f dshow -i dummy`,
 * in ffmpeg's order. Reads both layouts: `"Name" (video)` lines (ffmpeg 4.4 and later) and
 * names listed under "DirectShow video devices" (older ffmpeg).
 */
export function parseDshowDevices(stderr: string): string[] {
  const names: string[] = [];
  let section: "video" | "audio" | undefined;
  for (const line of stderr.split(/\r?\n/)) {
    if (/DirectShow video devices/i.test(line)) section = "video";
    else if (/DirectShow audio devices/i.test(line)) section = "audio";
    if (/Alternative name/i.test(line)) continue;
    const tagged = /\]\s*"(.+)"\s*\((video|audio|none)(?:,\s*(video|audio))?\)\s*$/.exec(line);
    if (tagged) {
      if (tagged[2] === "video" || tagged[3] === "video") names.push(tagged[1]);
      continue;
    }
    const listed = /\]\s*"(.+)"\s*$/.exec(line);
    if (listed && section === "video") names.push(listed[1]);
  }
  return names;
}
