/**
 * Scenario (b), Server-1: the docs page's "Bare-Minimum Usage with OpenCV". Where the docs
 * read the webcam with OpenCV (`cv2.VideoCapture(0)`) instead of vidgear's CamGear, this
 * server runs ffmpeg itself and reads its raw output: each frame is exactly
 * `width × height × 3` bytes of BGR on ffmpeg's stdout, wrapped as a frame with
 * `createFrame`. It publishes them to the client over Publish/Subscribe (pattern 2).
 *
 *   deno task example:b:server1 [--source /dev/video0] [--address 127.0.0.1] [--port 5566]
 *
 * It stops after --frames or --duration, at the end of the source, or on Ctrl+C.
 *
 * @module
 */

import { createFrame, NetGear } from "../../mod.ts";
import { parseServerFlags, patternName, type ServerFlags, ServerRun } from "../_shared/mod.ts";

/** Runs one server; Server-2 is the same program with another name and port. */
export async function main(name: string, defaultPort: number): Promise<void> {
  const flags = parseServerFlags(
    Deno.args,
    "b",
    name,
    defaultPort,
    `Scenario (b) ${name}: raw ffmpeg frames to the client (pattern 2).`,
  );
  if (flags.source === "synthetic") {
    console.error(
      "Scenario (b) reads raw frames from ffmpeg; for the synthetic source, which needs no " +
        `ffmpeg, run scenario (a): deno task example:a:server${name.at(-1)} --source synthetic`,
    );
    Deno.exit(2);
  }
  using run = new ServerRun(flags, name);

  // Activate multi-server mode over Publish/Subscribe. (Before ffmpeg starts, so that a failure
  // here leaves no ffmpeg behind.)
  await using server = new NetGear({
    address: flags.address,
    port: flags.port,
    protocol: "tcp",
    pattern: 2,
    multiserverMode: true,
  });

  // Open a suitable video stream: ffmpeg decodes it and writes raw BGR frames to stdout.
  const ffmpeg = new Deno.Command("ffmpeg", {
    args: ffmpegArgs(flags),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit", // ffmpeg's own errors (a missing device, a bad URL) show as they are
  }).spawn();
  const stream = ffmpeg.stdout.getReader({ mode: "byob" });
  // SIGKILL: a raw pipe has nothing to finish, and ffmpeg would only complain of the closed pipe.
  const endFfmpeg = () => {
    try {
      ffmpeg.kill("SIGKILL");
    } catch { /* already exited */ }
  };
  let stopped = false; // by --duration or Ctrl+C
  const stopFfmpeg = () => {
    stopped = true;
    endFfmpeg();
  };
  run.stop.addEventListener("abort", stopFfmpeg);
  run.started();

  const { width, height } = flags;
  try {
    for (;;) {
      // Read one frame's bytes; check that a whole frame was grabbed.
      const bytes = await readExactly(stream, width * height * 3);
      if (bytes === null) break;
      const frame = createFrame(bytes, [height, width, 3]);

      // {do something with the frame here}

      // Send the frame to the client.
      await server.send(frame, { signal: run.interrupt });
    }
  } catch (error) {
    if (!run.interrupted) throw error;
  } finally {
    // Release the video stream.
    run.stop.removeEventListener("abort", stopFfmpeg);
    endFfmpeg(); // e.g. after a failed send; ffmpeg has usually ended already
    await stream.cancel().catch(() => {});
  }
  const status = await ffmpeg.status;
  run.finished(server);
  // ffmpeg ending on its own with an error (a bad device, file or URL) fails this server too;
  // being stopped is no failure.
  if (!status.success && !stopped) {
    console.error(`${name}: ffmpeg failed with exit code ${status.code}; its message is above`);
    Deno.exitCode = 1;
  }
  // Leaving the function closes the server: it tells the client it left.
}

/** ffmpeg's arguments: the source in, raw BGR frames of the asked size and rate out. */
function ffmpegArgs(flags: ServerFlags): string[] {
  const { source, width, height, fps } = flags;
  const paced = flags.fast ? [] : ["-re"]; // read files and patterns at their own rate
  const pattern = patternName(source);
  let input: string[];
  if (pattern !== undefined) {
    input = [...paced, "-f", "lavfi", "-i", `${pattern}=size=${width}x${height}:rate=${fps}`];
  } else if (/^\d+$/.test(source) || source.startsWith("/dev/")) {
    // A Linux camera (v4l2). FfmpegSource, in scenario (a), knows macOS and Windows cameras too.
    input = ["-f", "v4l2", "-i", /^\d+$/.test(source) ? `/dev/video${source}` : source];
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    input = ["-i", source];
  } else {
    input = [...paced, "-i", `file:${source}`];
  }
  const frames = flags.frames === null ? [] : ["-frames:v", String(flags.frames)];
  return [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", ...input, "-map", "0:v:0"],
    ...["-vf", `fps=${fps},scale=${width}:${height}`, ...frames],
    ...["-pix_fmt", "bgr24", "-f", "rawvideo", "pipe:1"],
  ];
}

/** Reads exactly `size` bytes, or returns `null` when the stream ends first. */
async function readExactly(
  reader: ReadableStreamBYOBReader,
  size: number,
): Promise<Uint8Array | null> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    // A BYOB read moves the buffer into the result; keep working in the returned one.
    const { value, done } = await reader.read(buffer.subarray(filled));
    if (done || value === undefined) return null;
    buffer = new Uint8Array(value.buffer, 0, size);
    filled += value.byteLength;
  }
  return buffer;
}

if (import.meta.main) await main("Server-1", 5566);
