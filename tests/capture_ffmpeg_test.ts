// FfmpegSource against the real ffmpeg, plus fake "ffmpeg" scripts for failures that real
// ffmpeg cannot be made to show on demand (a stream dying mid-frame, a process that hangs).

import assert from "node:assert/strict";
import { CaptureError, FfmpegSource, type PixelFormat } from "../src/capture/mod.ts";
import { skipIf } from "./_skip.ts";

const FRAMES_IN_CLIP = 10;
const CLIP_FPS = 10;
const isWindows = skipIf(
  import.meta.url,
  Deno.build.os === "windows" ? "the fake ffmpeg scripts and signals are POSIX shell" : undefined,
);

const fixtures = await Deno.makeTempDir({ prefix: "netgear_capture_" });
globalThis.addEventListener("unload", () => Deno.removeSync(fixtures, { recursive: true }));

let clipPromise: Promise<string> | undefined;

/** A 64×48 ffv1 clip of 10 frames at 10 fps with an audio track, made once. */
function clip(): Promise<string> {
  clipPromise ??= (async () => {
    const path = `${fixtures}/clip.mkv`;
    const { success, stderr } = await new Deno.Command("ffmpeg", {
      args: [
        ...["-hide_banner", "-loglevel", "error", "-y"],
        ...["-f", "lavfi", "-i", `testsrc2=size=64x48:rate=${CLIP_FPS}`],
        ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000"],
        ...["-frames:v", String(FRAMES_IN_CLIP), "-t", "1", "-c:v", "ffv1", "-c:a", "pcm_s16le"],
        path,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(success, `making the test clip failed: ${new TextDecoder().decode(stderr)}`);
    return path;
  })();
  return clipPromise;
}

/** Writes an executable shell script that stands in for ffmpeg. */
async function fakeFfmpeg(name: string, body: string): Promise<string> {
  const path = `${fixtures}/${name}.sh`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** The stderr lines by which ffmpeg describes a `width`×`height` raw video output. */
function outputDescription(width: number, height: number, format = "bgr24"): string {
  return [
    `echo "Output #0, rawvideo, to 'pipe:1':" >&2`,
    `echo "  Stream #0:0: Video: rawvideo (BGR[24] / 0x18524742), ${format}, ${width}x${height}, q=2-31" >&2`,
  ].join("\n");
}

async function readAll(source: FfmpegSource): Promise<number> {
  let frames = 0;
  for await (const frame of source) {
    assert.deepEqual(frame.shape, source.shape);
    frames++;
  }
  return frames;
}

Deno.test("a testsrc2 pattern gives exactly maxFrames frames of the asked size, then null", async () => {
  await using source = await FfmpegSource.open({
    source: { type: "pattern", name: "testsrc2" },
    width: 64,
    height: 48,
    maxFrames: 5,
  });
  assert.deepEqual(source.shape, [48, 64, 3]);
  for (let i = 0; i < 5; i++) {
    const frame = await source.read();
    assert.ok(frame, `frame ${i} is missing`);
    assert.deepEqual(frame.shape, [48, 64, 3]);
    assert.equal(frame.dtype, "uint8");
    assert.equal(frame.data.byteLength, 48 * 64 * 3);
    assert.equal(frame.data.buffer.byteLength, 48 * 64 * 3, "one buffer per frame, no slack");
  }
  assert.equal(await source.read(), null);
  assert.equal(await source.read(), null);
  assert.equal(source.stats.framesRead, 5);
  assert.ok(source.stats.fps > 0);
});

Deno.test("each pixel format gives its shape and byte count", async () => {
  const cases: [PixelFormat, number[]][] = [
    ["gray", [48, 64]],
    ["rgba", [48, 64, 4]],
    ["bgra", [48, 64, 4]],
    ["rgb24", [48, 64, 3]],
  ];
  for (const [pixelFormat, shape] of cases) {
    await using source = await FfmpegSource.open({
      source: "pattern:smptebars",
      width: 64,
      height: 48,
      maxFrames: 2,
      pixelFormat,
    });
    assert.deepEqual(source.shape, shape, pixelFormat);
    const frame = await source.read();
    assert.ok(frame);
    assert.deepEqual(frame.shape, shape, pixelFormat);
    assert.equal(frame.data.byteLength, shape.reduce((a, b) => a * b), pixelFormat);
  }
});

Deno.test("bgr24 and rgb24 frames hold the same picture with red and blue swapped", async () => {
  const first = async (pixelFormat: PixelFormat): Promise<Uint8Array> => {
    await using source = await FfmpegSource.open({
      source: "pattern:smptebars",
      width: 64,
      height: 48,
      maxFrames: 1,
      pixelFormat,
    });
    const frame = await source.read();
    assert.ok(frame);
    return frame.data;
  };
  const bgr = await first("bgr24");
  const rgb = await first("rgb24");
  for (let i = 0; i < bgr.length; i += 3) {
    assert.deepEqual([bgr[i], bgr[i + 1], bgr[i + 2]], [rgb[i + 2], rgb[i + 1], rgb[i]]);
  }
});

Deno.test("a video file is read to its end; its size comes from ffmpeg, not the caller", async () => {
  await using source = await FfmpegSource.open({ source: await clip() });
  assert.deepEqual(source.shape, [48, 64, 3]);
  assert.equal(await readAll(source), FRAMES_IN_CLIP);
  assert.equal(await source.read(), null);
});

Deno.test("a width alone scales a file and keeps its aspect ratio", async () => {
  await using source = await FfmpegSource.open({ source: await clip(), width: 32, maxFrames: 1 });
  assert.deepEqual(source.shape, [24, 32, 3]);
  assert.equal(await readAll(source), 1);
});

Deno.test("a looped file reads past its length", async () => {
  await using source = await FfmpegSource.open({
    source: { type: "file", path: await clip() },
    loop: true,
    maxFrames: FRAMES_IN_CLIP * 2 + 5,
  });
  assert.equal(await readAll(source), FRAMES_IN_CLIP * 2 + 5);
});

Deno.test("realtime paces a file at its frame rate", async () => {
  await using source = await FfmpegSource.open({ source: await clip(), realtime: true });
  const start = performance.now();
  assert.equal(await readAll(source), FRAMES_IN_CLIP);
  const elapsed = performance.now() - start;
  // The last of 10 frames at 10 fps is due 900 ms after the first; allow for timer slack.
  // Only a lower bound: a slow machine may take longer, never shorter.
  const expected = ((FRAMES_IN_CLIP - 1) * 1000) / CLIP_FPS;
  assert.ok(elapsed >= expected * 0.7, `read ${FRAMES_IN_CLIP} frames in ${elapsed} ms`);
});

Deno.test("stop() mid-stream ends ffmpeg, is idempotent, and later reads give null", async () => {
  const source = await FfmpegSource.open({ source: "pattern:testsrc2", width: 320, height: 240 });
  assert.ok(await source.read());
  assert.ok(await source.read());
  await source.stop();
  await source.stop();
  assert.equal(await source.read(), null);
  // Deno's resource and op sanitizers fail this test if ffmpeg or its pipes were left open.
});

Deno.test("stop() resolves a pending read to null", async () => {
  const source = await FfmpegSource.open({
    source: { type: "pattern", name: "testsrc2", width: 64, height: 48, rate: 1 },
    realtime: true,
  });
  assert.ok(await source.read());
  const pending = source.read(); // the next frame is a second away
  await source.stop();
  assert.equal(await pending, null);
});

Deno.test("leaving a for-await loop early stops the source", async () => {
  const source = await FfmpegSource.open({ source: "pattern:testsrc2", width: 64, height: 48 });
  for await (const _ of source) break;
  assert.equal(await source.read(), null);
});

Deno.test("aborting the signal stops the source", async () => {
  const controller = new AbortController();
  const source = await FfmpegSource.open({
    source: "pattern:testsrc2",
    width: 64,
    height: 48,
    signal: controller.signal,
  });
  assert.ok(await source.read());
  controller.abort();
  await source.stop(); // waits for the stop the abort began
  assert.equal(await source.read(), null);
});

Deno.test("a second read while one is pending is refused", async () => {
  await using source = await FfmpegSource.open({
    source: { type: "pattern", width: 64, height: 48, rate: 1 },
    realtime: true,
  });
  assert.ok(await source.read());
  const pending = source.read();
  await assert.rejects(source.read(), (error: unknown) => {
    assert.ok(error instanceof CaptureError);
    assert.equal(error.reason, "busy");
    return true;
  });
  await source.stop();
  assert.equal(await pending, null);
});

Deno.test("a missing file fails with ffmpeg's own message", async () => {
  const path = `${fixtures}/no-such-clip.mp4`;
  await assert.rejects(FfmpegSource.open({ source: path }), (error: unknown) => {
    assert.ok(error instanceof CaptureError);
    assert.equal(error.reason, "ffmpeg-failed");
    assert.notEqual(error.exitCode, 0);
    assert.match(error.message, /No such file or directory/);
    assert.match(error.message, /no-such-clip\.mp4/);
    assert.ok(error.stderr.some((line) => line.includes("No such file or directory")));
    return true;
  });
});

Deno.test("an unknown pattern fails with ffmpeg's message", async () => {
  await assert.rejects(
    FfmpegSource.open({ source: "pattern:nosuchpattern" }),
    (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.reason, "ffmpeg-failed");
      assert.match(error.message, /nosuchpattern/);
      return true;
    },
  );
});

Deno.test("a missing ffmpeg binary fails with how to install ffmpeg", async () => {
  await assert.rejects(
    FfmpegSource.open({ source: "pattern:testsrc2", ffmpegPath: `${fixtures}/no-ffmpeg-here` }),
    (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.reason, "ffmpeg-not-found");
      assert.match(error.message, /apt-get install ffmpeg/);
      assert.match(error.message, /brew install ffmpeg/);
      assert.match(error.message, /Windows/);
      assert.match(error.message, /ffmpegPath/);
      return true;
    },
  );
});

Deno.test("bad options are refused before ffmpeg starts", async () => {
  await assert.rejects(FfmpegSource.open({ source: "pattern:testsrc2", width: 0 }), RangeError);
  await assert.rejects(FfmpegSource.open({ source: "pattern:testsrc2", fps: -1 }), RangeError);
  await assert.rejects(
    FfmpegSource.open({ source: "pattern:testsrc2", pixelFormat: "yuv420p" as PixelFormat }),
    TypeError,
  );
  await assert.rejects(FfmpegSource.open({ source: 0, loop: true }), TypeError);
});

Deno.test({
  name: "a stream that dies mid-frame is an error carrying the exit code and stderr",
  ignore: isWindows,
  async fn() {
    // Two 4×2 bgr24 frames are 24 bytes each: write one and a half, then fail.
    const ffmpegPath = await fakeFfmpeg(
      "dies_mid_frame",
      [
        outputDescription(4, 2),
        "head -c 36 /dev/zero",
        'echo "Connection reset by peer" >&2',
        "exit 1",
      ]
        .join("\n"),
    );
    await using source = await FfmpegSource.open({ source: "rtsp://cam.local/live", ffmpegPath });
    assert.ok(await source.read());
    await assert.rejects(source.read(), (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.reason, "ffmpeg-failed");
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /after 1 frames/);
      assert.match(error.message, /12 of 24 bytes/);
      assert.match(error.message, /Connection reset by peer/);
      return true;
    });
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "a failure after whole frames is still an error",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg(
      "dies_between_frames",
      [outputDescription(4, 2), "head -c 48 /dev/zero", "exit 1"].join("\n"),
    );
    await using source = await FfmpegSource.open({ source: "/dev/video9", ffmpegPath });
    assert.ok(await source.read());
    assert.ok(await source.read());
    await assert.rejects(source.read(), (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.exitCode, 1);
      assert.doesNotMatch(error.message, /middle of a frame/);
      return true;
    });
  },
});

Deno.test({
  name: "a frame cut short by a successful exit ends the stream",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg(
      "short_last_frame",
      [outputDescription(4, 2), "head -c 36 /dev/zero", "exit 0"].join("\n"),
    );
    await using source = await FfmpegSource.open({ source: "clip.mp4", ffmpegPath });
    assert.ok(await source.read());
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "a source that never opens times out",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg("never_opens", "exec sleep 30");
    await assert.rejects(
      FfmpegSource.open({
        source: "rtsp://cam.local/live",
        ffmpegPath,
        timeout: 200,
        stopGracePeriod: 100,
      }),
      (error: unknown) => {
        assert.ok(error instanceof CaptureError);
        assert.equal(error.reason, "timeout");
        assert.match(error.message, /timeout option/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "a stalled source times out on read and is stopped",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg("stalls", `${outputDescription(4, 2)}\nexec sleep 30`);
    await using source = await FfmpegSource.open({
      source: "/dev/video9",
      ffmpegPath,
      timeout: 200,
      stopGracePeriod: 100,
    });
    await assert.rejects(source.read(), (error: unknown) => {
      assert.ok(error instanceof CaptureError);
      assert.equal(error.reason, "timeout");
      return true;
    });
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "stop() kills an ffmpeg that ignores q and SIGTERM",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg(
      "ignores_term",
      `trap '' TERM INT\n${outputDescription(4, 2)}\nwhile :; do sleep 0.05; done`,
    );
    const source = await FfmpegSource.open({
      source: "/dev/video9",
      ffmpegPath,
      stopGracePeriod: 100,
    });
    const start = performance.now();
    await source.stop();
    assert.ok(performance.now() - start >= 150, "stop() waited a grace period per signal");
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "output in another pixel format than asked is refused",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg(
      "gray_output",
      `${outputDescription(4, 2, "gray")}\nexec sleep 30`,
    );
    await assert.rejects(
      FfmpegSource.open({ source: "clip.mp4", ffmpegPath, stopGracePeriod: 100 }),
      (error: unknown) => {
        assert.ok(error instanceof CaptureError);
        assert.equal(error.reason, "bad-output");
        assert.match(error.message, /"gray"/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "an unreadable output description falls back to an explicit width and height",
  ignore: isWindows,
  async fn() {
    const ffmpegPath = await fakeFfmpeg(
      "odd_log",
      [
        `echo "Output #0, rawvideo, to 'pipe:1':" >&2`,
        `echo "  Stream #0:0: Video: rawvideo, bgr24, size unknown" >&2`,
        "head -c 48 /dev/zero",
      ].join("\n"),
    );
    await using sized = await FfmpegSource.open({
      source: "clip.mp4",
      ffmpegPath,
      width: 4,
      height: 2,
    });
    assert.deepEqual(sized.shape, [2, 4, 3]);
    assert.ok(await sized.read());
    assert.ok(await sized.read());
    assert.equal(await sized.read(), null);

    await assert.rejects(
      FfmpegSource.open({ source: "clip.mp4", ffmpegPath }),
      (error: unknown) => {
        assert.ok(error instanceof CaptureError);
        assert.equal(error.reason, "bad-output");
        assert.match(error.message, /size unknown/);
        assert.match(error.message, /width and height/);
        return true;
      },
    );
  },
});
