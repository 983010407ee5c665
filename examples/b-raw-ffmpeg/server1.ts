/**
 * Scenario (b), Server-1: the docs page's "Bare-Minimum Usage with OpenCV". Where the docs
 * read the webcam with OpenCV (`cv2.VideoCapture(0)`) instead of vidgear's CamGear, this
 * server runs ffmpeg itself and reads its raw output: each frame is exactly
 * `width × height × 3` bytes of BGR on ffmpeg's stdout, wrapped as a frame with
 * `createFrame`. It publishes them to the client over Publish/Subscribe (pattern 2).
 *
 *   deno task example:b:server1 [SOURCE] [--address 127.0.0.1] [--port 5566] [--size WxH]
 *
 * It stops after --frames or --duration, at the end of the source, or on Ctrl+C.
 *
 * @module
 */

import { createFrame, NetGear } from "../../mod.ts";
import { sourceOf } from "../../src/capture/mod.ts";
import { serverProgram, type ServerSettings } from "../../cli.ts";

/** Runs one server; Server-2 is the same program with another name and port. */
export async function main(name: string, port: number): Promise<void> {
  await serverProgram({
    program: `deno task example:b:server${name.at(-1)}`,
    summary: `Scenario (b) ${name}: raw ffmpeg frames to the client (pattern 2).`,
    description: "Frames are 640x480 unless --size says otherwise; every SOURCE but synthetic.",
    name,
    port,
    source: "testsrc", // ffmpeg's test pattern: this scenario is about reading ffmpeg itself
  }, async (run) => {
    const [width, height] = run.settings.size ?? [640, 480];
    const args = ffmpegArgs(run.settings, width, height); // a source ffmpeg cannot read fails here

    // Activate multi-server mode over Publish/Subscribe. (Before ffmpeg starts, so that a
    // failure here leaves no ffmpeg behind.)
    await using server = run.watch(
      new NetGear({
        address: run.settings.address,
        port: run.settings.port,
        protocol: "tcp",
        pattern: 2,
        multiserverMode: true,
      }),
    );

    // Open a suitable video stream: ffmpeg decodes it and writes raw BGR frames to stdout.
    const ffmpeg = new Deno.Command("ffmpeg", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit", // ffmpeg's own errors (a missing device, a bad URL) show as they are
    }).spawn();
    const stream = ffmpeg.stdout.getReader({ mode: "byob" });
    // SIGKILL: a raw pipe has nothing to finish, and ffmpeg would only complain of the pipe.
    const endFfmpeg = () => {
      try {
        ffmpeg.kill("SIGKILL");
      } catch { /* already exited */ }
    };
    run.stop.addEventListener("abort", endFfmpeg); // --duration or Ctrl+C

    try {
      for (;;) {
        // Read one frame's bytes; check that a whole frame was grabbed.
        const bytes = await readExactly(stream, width * height * 3);
        if (bytes === null) break;
        const frame = createFrame(bytes, [height, width, 3]);

        // {do something with the frame here}

        // Send the frame to the client.
        await server.send(frame, { signal: run.signal });
      }
    } finally {
      // Release the video stream.
      run.stop.removeEventListener("abort", endFfmpeg);
      endFfmpeg(); // e.g. after a failed send; ffmpeg has usually ended already
      await stream.cancel().catch(() => {});
    }
    // ffmpeg failing on its own (a bad device, file or URL) fails this server too.
    const status = await ffmpeg.status;
    if (!status.success && !run.stop.aborted) {
      throw new Error(`ffmpeg failed with exit code ${status.code}; its message is above`);
    }
    // Leaving closes the server: it tells the client it left.
  });
}

/** ffmpeg's arguments: the source in, raw BGR frames of the asked size and rate out. */
function ffmpegArgs(settings: ServerSettings, width: number, height: number): string[] {
  const source = sourceOf(settings.source);
  const paced = settings.realtime ? ["-re"] : []; // read files and patterns at their own rate
  const rate = settings.fps === undefined ? "" : `:rate=${settings.fps}`;
  let input: string[];
  if (source === "synthetic") {
    throw new Error("Scenario (b) reads frames from ffmpeg: run scenario (a) for synthetic ones");
  } else if (typeof source === "string" && source.startsWith("pattern:")) {
    input = [...paced, "-f", "lavfi", "-i", `${source.slice(8)}=size=${width}x${height}${rate}`];
  } else if (/^\d+$/.test(String(source)) || String(source).startsWith("/dev/")) {
    // A Linux camera (v4l2). FfmpegSource, in scenario (a), knows macOS and Windows cameras too.
    input = [
      "-f",
      "v4l2",
      "-i",
      /^\d+$/.test(String(source)) ? `/dev/video${source}` : `${source}`,
    ];
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(String(source))) {
    input = ["-i", String(source)];
  } else {
    input = [...paced, "-i", `file:${source}`];
  }
  const fps = settings.fps === undefined ? "" : `fps=${settings.fps},`;
  const frames = settings.frames === undefined ? [] : ["-frames:v", String(settings.frames)];
  return [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", ...input, "-map", "0:v:0"],
    ...["-vf", `${fps}scale=${width}:${height}`, ...frames],
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
