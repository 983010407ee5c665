// Private: which encoder the recorder uses, and the ffmpeg command line of one recording.

import { spawnError } from "../capture/_ffmpeg_process.ts";
import type { RawFormat } from "./_matroska.ts";

/** H.264 through libx264, tuned to keep up with live frames on little CPU. */
export const H264_ARGS: readonly string[] = [
  "-c:v",
  "libx264",
  "-preset",
  "ultrafast",
  "-tune",
  "zerolatency",
  "-crf",
  "23",
  "-pix_fmt",
  "yuv420p",
];

/** MPEG-4 part 2, built into every ffmpeg: the fallback where libx264 is missing. */
export const MPEG4_ARGS: readonly string[] = ["-c:v", "mpeg4", "-q:v", "4", "-pix_fmt", "yuv420p"];

/** The encoder a recorder chose, and how ffmpeg takes its timing option. */
export interface EncoderChoice {
  /** `"libx264"`, `"mpeg4"`, or `"custom"` for the caller's own arguments. */
  readonly name: string;
  /** The output arguments that select and set up the encoder. */
  readonly args: readonly string[];
  /** ffmpeg 5.1 renamed `-vsync` to `-fps_mode`. */
  readonly fpsMode: "-fps_mode" | "-vsync";
}

/**
 * Asks ffmpeg, once, for its version and its encoders: libx264 if it has it, else MPEG-4;
 * `custom` keeps the caller's arguments.
 *
 * @throws {CaptureError} When ffmpeg is missing or may not run.
 */
export async function chooseEncoder(
  ffmpegPath: string,
  custom: readonly string[] | undefined,
): Promise<EncoderChoice> {
  const run = async (args: string[]): Promise<string> => {
    try {
      const output = await new Deno.Command(ffmpegPath, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      return new TextDecoder().decode(output.stdout);
    } catch (error) {
      throw spawnError(error, ffmpegPath);
    }
  };
  const [version, encoders] = await Promise.all([
    run(["-hide_banner", "-version"]),
    custom ? Promise.resolve("") : run(["-hide_banner", "-encoders"]),
  ]);
  const match = /^ffmpeg version n?(\d+)\.(\d+)/m.exec(version);
  const old = match !== null && Number(match[1]) * 100 + Number(match[2]) < 501;
  const fpsMode = old ? "-vsync" : "-fps_mode";
  if (custom) return { name: "custom", args: custom, fpsMode };
  return /^\s*V\S*\s+libx264\s/m.test(encoders)
    ? { name: "libx264", args: H264_ARGS, fpsMode }
    : { name: "mpeg4", args: MPEG4_ARGS, fpsMode };
}

/** What one recording's ffmpeg reads: Matroska from stdin, frames of this size and format. */
export interface EncoderInput {
  readonly width: number;
  readonly height: number;
  readonly format: RawFormat;
}

/**
 * The command line of one recording: raw frames in Matroska on stdin, their timestamps kept
 * as they are (passthrough), a keyframe every 2 s, Matroska out with a cluster at least every
 * second, each written out at once (`-flush_packets`), so that a killed ffmpeg leaves a file
 * that plays up to about a second before.
 * The smallest probe: the header says all, and ffmpeg takes the first frame sooner (about
 * 130 ms after it starts rather than 280). `-n`: never overwrite a file.
 */
export function encoderArgs(input: EncoderInput, encoder: EncoderChoice, path: string): string[] {
  // 4:2:0 chroma needs an even size: pad an odd one with a black row or column.
  const even = input.width % 2 === 0 && input.height % 2 === 0;
  return [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "info",
    "-probesize",
    "32",
    "-analyzeduration",
    "0",
    "-f",
    "matroska",
    "-i",
    "pipe:0",
    "-map",
    "0:v",
    ...(even ? [] : ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]),
    ...encoder.args,
    "-force_key_frames",
    "expr:gte(t,n_forced*2)",
    encoder.fpsMode,
    "passthrough",
    "-f",
    "matroska",
    "-cluster_time_limit",
    "1000",
    "-flush_packets",
    "1",
    "-n",
    path,
  ];
}
