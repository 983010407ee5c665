// Live sources that drop and come back, with real ffmpeg: a "network camera" is an ffmpeg
// serving MPEG-TS over HTTP on 127.0.0.1, stopped, paused (SIGSTOP) and restarted under
// FfmpegSource's `reconnect` option and under `netgear send`, with `netgear recv` as the client.

import assert from "node:assert/strict";
import {
  CaptureError,
  FfmpegSource,
  type ReconnectRetry,
  type ReconnectSuccess,
} from "../src/capture/mod.ts";
import { Reconnector, reconnectSettings } from "../src/capture/_reconnect.ts";
import { delay, freePort, freePorts, within } from "./_endpoints.ts";
import { Cli } from "./_cli.ts";
import { skipIf } from "./_skip.ts";

const ignore = skipIf(
  import.meta.url,
  Deno.build.os === "windows" ? "the fake cameras use POSIX signals (SIGSTOP)" : undefined,
);

/** A network camera: ffmpeg serving a 15 fps test picture as MPEG-TS at `url`, one client. */
class Camera {
  readonly url: string;
  #child: Deno.ChildProcess | undefined;
  #stderr: Promise<void> | undefined;

  constructor(port: number) {
    this.url = `http://127.0.0.1:${port}/cam.ts`;
  }

  /** Starts the camera and waits until it is about to listen. */
  async start(): Promise<void> {
    assert.equal(this.#child, undefined, "the camera is already running");
    const child = new Deno.Command("ffmpeg", {
      args: [
        ...["-hide_banner", "-loglevel", "debug", "-re"],
        ...["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=15"],
        ...["-c:v", "mpeg2video", "-g", "5", "-f", "mpegts", "-listen", "1", this.url],
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    // ffmpeg logs its http whitelist just before it listens. A probe connection cannot tell
    // instead: it would use up the one client that `-listen 1` serves.
    let ready!: () => void;
    const listening = new Promise<void>((resolve) => ready = resolve);
    this.#stderr = (async () => {
      let text = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        if (text.length > 100_000) continue; // ready long ago
        text += chunk;
        if (/\[http @ [^\]]*\] Setting default whitelist/.test(text)) ready();
      }
    })();
    await within(listening, 10_000, `the camera serving ${this.url}`);
  }

  /** Freezes the camera, as a hung camera or network would be. */
  pause(): void {
    this.#child?.kill("SIGSTOP");
  }

  /** Stops the camera and waits for it to exit (a paused camera too). */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    try {
      child.kill(signal);
      child.kill("SIGCONT"); // a paused process acts on SIGTERM only once it runs
    } catch {
      // It has exited already.
    }
    await within(child.status, 5000, "the camera to exit").catch(() => child.kill("SIGKILL"));
    await child.status;
    await this.#stderr;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop("SIGKILL");
  }
}

/** The reconnect callbacks' calls, collected. */
function recorder() {
  const retries: ReconnectRetry[] = [];
  const successes: ReconnectSuccess[] = [];
  return {
    retries,
    successes,
    onRetry: (retry: ReconnectRetry) => void retries.push(retry),
    onReconnect: (success: ReconnectSuccess) => void successes.push(success),
  };
}

/** Waits, a bounded number of times, until `condition` holds. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited >= ms) assert.fail(`${what} did not happen within ${ms} ms`);
    await delay(50);
  }
}

/** Reads `source` to its end in the background; resolves with the frames read. */
async function readToEnd(source: FfmpegSource): Promise<number> {
  let frames = 0;
  for (let frame = await source.read(); frame !== null; frame = await source.read()) {
    assert.deepEqual(frame.shape, source.shape);
    frames++;
  }
  return frames;
}

// ffmpeg probes a live MPEG-TS stream for 5 s before it opens it; a second is plenty here.
const QUICK_OPEN = ["-analyzeduration", "1000000"];

Deno.test({
  name: "a stream that drops is reopened when it comes back: same size, maxFrames counted across",
  ignore,
  async fn() {
    await using camera = new Camera(freePort());
    await camera.start();
    const calls = recorder();
    await using source = await FfmpegSource.open({
      source: camera.url,
      inputArgs: QUICK_OPEN,
      maxFrames: 150,
      reconnect: { onRetry: calls.onRetry, onReconnect: calls.onReconnect },
    });
    assert.deepEqual(source.shape, [64, 96, 3]);
    const reading = readToEnd(source);
    await until(() => source.stats.framesRead >= 5, 20_000, "the first frames");

    await camera.stop();
    await until(() => calls.retries.length > 0, 20_000, "the drop");
    const atDrop = source.stats.framesRead;
    assert.ok(atDrop < 150, `all ${atDrop} frames came before the drop`);
    const drop = calls.retries[0];
    assert.equal(drop.attempt, 1);
    assert.equal(drop.delay, 1000);
    assert.ok(drop.error instanceof CaptureError);
    assert.ok(["ended", "ffmpeg-failed"].includes(drop.error.reason), drop.error.reason);
    assert.match(drop.error.message, /stream "http:\/\/127\.0\.0\.1:\d+\/cam\.ts"/);

    await delay(1500);
    await camera.start();
    const frames = await within(reading, 40_000, "the frames after the restart");
    assert.equal(frames, 150, "maxFrames counts the frames before and after the drop");
    assert.equal(calls.successes.length, 1);
    assert.equal(calls.successes[0].attempts, calls.retries.length);
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "a stalled stream (its camera frozen) is dropped after timeout and reopened",
  ignore,
  async fn() {
    await using camera = new Camera(freePort());
    await camera.start();
    const calls = recorder();
    await using source = await FfmpegSource.open({
      source: camera.url,
      inputArgs: QUICK_OPEN,
      timeout: 4000,
      stopGracePeriod: 200,
      reconnect: { initialDelay: 200, onRetry: calls.onRetry, onReconnect: calls.onReconnect },
    });
    const reading = readToEnd(source);
    await until(() => source.stats.framesRead >= 5, 20_000, "the first frames");

    camera.pause();
    await until(() => calls.retries.length > 0, 20_000, "the stall");
    assert.equal(calls.retries[0].error.reason, "timeout");
    assert.match(calls.retries[0].error.message, /did not deliver a frame within 4000 ms/);
    const atStall = source.stats.framesRead;

    await camera.stop("SIGKILL");
    await camera.start();
    await until(() => source.stats.framesRead > atStall, 30_000, "frames from the new camera");
    assert.equal(calls.successes.length, 1);
    await source.stop();
    await within(reading, 10_000, "the end of reading");
  },
});

Deno.test({
  name: "a stream that never comes back gives up after maxAttempts with ffmpeg's last reason",
  ignore,
  async fn() {
    await using camera = new Camera(freePort());
    await camera.start();
    const calls = recorder();
    await using source = await FfmpegSource.open({
      source: camera.url,
      inputArgs: QUICK_OPEN,
      reconnect: { maxAttempts: 2, initialDelay: 100, onRetry: calls.onRetry },
    });
    const reading = readToEnd(source);
    await until(() => source.stats.framesRead >= 1, 20_000, "the first frame");
    await camera.stop();
    await assert.rejects(within(reading, 30_000, "giving up"), (error: unknown) => {
      assert.ok(error instanceof CaptureError, String(error));
      assert.equal(error.reason, "ffmpeg-failed");
      assert.match(error.message, /Cannot reconnect to stream ".*": 2 attempts failed/);
      assert.match(error.message, /Connection refused/);
      return true;
    });
    assert.deepEqual(calls.retries.map((retry) => retry.attempt), [1, 2]);
    assert.deepEqual(calls.retries.map((retry) => retry.delay), [100, 200]);
    assert.equal(await source.read(), null);
  },
});

Deno.test({
  name: "stop() while a stream is being reopened ends the pending read with null",
  ignore,
  async fn() {
    await using camera = new Camera(freePort());
    await camera.start();
    const calls = recorder();
    const source = await FfmpegSource.open({
      source: camera.url,
      inputArgs: QUICK_OPEN,
      reconnect: { initialDelay: 100, maxDelay: 200, onRetry: calls.onRetry },
    });
    const reading = readToEnd(source);
    await until(() => source.stats.framesRead >= 1, 20_000, "the first frame");
    await camera.stop();
    await until(() => calls.retries.length >= 3, 20_000, "three attempts");
    await source.stop();
    await within(reading, 10_000, "the pending read");
    assert.equal(await source.read(), null);
    // The op and resource sanitizers fail this test if an ffmpeg or a timer outlived stop().
  },
});

Deno.test("reopen delays double from initialDelay, and go on across drops that come soon", async () => {
  const drop = new CaptureError("ended", "the stream ended");
  const controller = new AbortController();
  const delays: number[] = [];
  const reconnector = new Reconnector(
    reconnectSettings({ initialDelay: 1, maxDelay: 1000, onRetry: (r) => delays.push(r.delay) })!,
    'stream "test"',
  );
  let failures = 3;
  const attempt = () => failures-- > 0 ? Promise.reject(drop) : Promise.resolve("open");
  assert.equal(await reconnector.reopen(drop, attempt, controller.signal), "open");
  assert.deepEqual(delays, [1, 2, 4, 8]);

  // Dropped again at once: the schedule goes on where it was, so flapping slows down.
  await reconnector.reopen(drop, () => Promise.resolve("open"), controller.signal);
  assert.deepEqual(delays, [1, 2, 4, 8, 16]);
  // Up for maxDelay before the next drop: the schedule starts over.
  await delay(1100);
  await reconnector.reopen(drop, () => Promise.resolve("open"), controller.signal);
  assert.deepEqual(delays, [1, 2, 4, 8, 16, 1]);

  controller.abort();
  const aborted = await reconnector.reopen(drop, () => Promise.resolve("open"), controller.signal);
  assert.equal(aborted, undefined);
});

Deno.test("a file with reconnect still ends at its end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "netgear_reconnect_" });
  try {
    const clip = `${dir}/clip.mkv`;
    const made = await new Deno.Command("ffmpeg", {
      args: [
        ...["-hide_banner", "-loglevel", "error", "-f", "lavfi"],
        ...["-i", "testsrc2=size=64x48:rate=10", "-frames:v", "6", "-c:v", "ffv1", clip],
      ],
      stdin: "null",
      stdout: "null",
    }).output();
    assert.ok(made.success);
    const calls = recorder();
    await using source = await FfmpegSource.open({
      source: clip,
      reconnect: { initialDelay: 100, onRetry: calls.onRetry },
    });
    let frames = 0;
    for await (const _ of source) frames++;
    assert.equal(frames, 6);
    assert.equal(calls.retries.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad reconnect options are refused before ffmpeg starts", async () => {
  const source = "pattern:testsrc2";
  await assert.rejects(
    FfmpegSource.open({ source, reconnect: { maxAttempts: 0 } }),
    /Cannot use reconnect\.maxAttempts 0: use a positive integer/,
  );
  await assert.rejects(
    FfmpegSource.open({ source, reconnect: { initialDelay: -1 } }),
    RangeError,
  );
  await assert.rejects(
    FfmpegSource.open({ source, reconnect: { initialDelay: 5000, maxDelay: 1000 } }),
    /Cannot use reconnect\.maxDelay 1000: use at least reconnect\.initialDelay \(5000\)/,
  );
  await assert.rejects(
    FfmpegSource.open({ source, reconnect: "yes" as unknown as boolean }),
    TypeError,
  );
});

/** Frames `recv` counted for `port`, from its latest plain status line. */
function framesSeen(recv: Cli, port: number): number {
  const counts = [...recv.stderr.matchAll(new RegExp(`^${port}: [^(\\n]*\\((\\d+)\\)`, "gm"))];
  return counts.length ? Number(counts.at(-1)![1]) : 0;
}

/** `recv --json` on `port` and `send` from `camera` to it; both running, frames flowing. */
async function streamFrom(
  camera: Camera,
  port: number,
  sendExtra: string[],
): Promise<{ recv: Cli; send: Cli }> {
  const recv = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${port}`,
    "--json",
    "--liveness=3",
    "--duration=120",
  ]);
  await recv.waitFor(/listening on/);
  const send = new Cli([
    "send",
    camera.url,
    "--address=127.0.0.1",
    `--port=${port}`,
    ...sendExtra,
  ]);
  await recv.waitFor(new RegExp(`server ${port} joined`));
  await until(() => framesSeen(recv, port) > 0, 20_000, "frames at the client");
  return { recv, send };
}

Deno.test({
  name: "send keeps streaming through a camera restart; the client never counts it gone",
  ignore,
  async fn() {
    const [cameraPort, port] = freePorts(2);
    await using camera = new Camera(cameraPort);
    await camera.start();
    const { recv, send } = await streamFrom(camera, port, []);
    await using _recv = recv;
    await using _send = send;

    await camera.stop();
    await send.waitFor(/reopening the source in 1 s/);
    assert.match(
      send.stderr,
      /Capture from stream "http:\/\/127\.0\.0\.1:\d+\/cam\.ts" ended after \d+ frames.*ffmpeg said:\n {2}\S/,
      "ffmpeg's reason for the drop",
    );
    const beforeRestart = framesSeen(recv, port);
    await delay(3000);
    await camera.start();
    const restarted = performance.now();
    await send.waitFor(/the source is back after [\d.]+ s/);
    await until(() => framesSeen(recv, port) > beforeRestart, 20_000, "frames after the restart");
    console.log(
      `frames reached the client ${Math.round(performance.now() - restarted)} ms after the ` +
        `camera restarted`,
    );
    assert.match(send.stderr, /^reconnecting: attempt \d+/m, "the status line says so");
    assert.doesNotMatch(recv.stderr, /server \d+ left/, "the client counted the server gone");
    assert.equal(send.stderr.match(/reopening the source/g)?.length, 1, "one drop, one log");

    send.kill("SIGINT");
    const sent = await send.finish();
    assert.equal(sent.code, 130, sent.stderr);
    assert.match(sent.stderr, /interrupted: \d+ frames sent, 0 lost, 1 reconnect$/m);
    const received = await recv.finish();
    assert.equal(received.code, 0, received.stderr);
    const summary = JSON.parse(received.stdout);
    assert.equal(summary.servers[0].goneReason, "terminated");
    assert.ok(summary.servers[0].frames > beforeRestart);
  },
});

Deno.test({
  name: "send retries a stalled camera that never comes back until Ctrl+C, then leaves cleanly",
  ignore,
  async fn() {
    const [cameraPort, port] = freePorts(2);
    await using camera = new Camera(cameraPort);
    await camera.start();
    const { recv, send } = await streamFrom(camera, port, ["--stall-timeout=8"]);
    await using _recv = recv;
    await using _send = send;

    camera.pause();
    await send.waitFor(/timed out: ffmpeg did not deliver a frame within 8000 ms/);
    await send.waitFor(/reopening the source/);
    await send.waitFor(/^reconnecting: attempt 3 (in \d s|under way) \(attempt 2: /m, 30_000);
    assert.doesNotMatch(recv.stderr, /server \d+ left/, "the client counted the server gone");

    send.kill("SIGINT");
    const sent = await send.finish();
    assert.equal(sent.code, 130, sent.stderr);
    assert.match(sent.stderr, /interrupted: \d+ frames sent, 0 lost$/m);
    const received = await recv.finish();
    assert.equal(received.code, 0, received.stderr);
    assert.equal(JSON.parse(received.stdout).servers[0].goneReason, "terminated");
  },
});

Deno.test({
  name: "send --reconnect-attempts gives up on a camera that never comes back, with exit 1",
  ignore,
  async fn() {
    await using camera = new Camera(freePort());
    await camera.start();
    await using send = new Cli([
      "send",
      camera.url,
      "--address=127.0.0.1",
      `--port=${freePort()}`,
      "--pattern=2", // no client needed
      "--reconnect-attempts=2",
    ]);
    await send.waitFor(/^sent [1-9]\d* frames/m);
    await camera.stop();
    const { code, stderr } = await send.finish();
    assert.equal(code, 1, stderr);
    assert.match(stderr, /for up to 2 attempts/);
    assert.match(stderr, /Cannot reconnect to stream ".*": 2 attempts failed/);
    assert.match(stderr, /Connection refused/);
  },
});

Deno.test("send refuses a bad --stall-timeout or --reconnect-attempts before opening anything", async () => {
  const cases: [string, RegExp][] = [
    ["--stall-timeout=0", /--stall-timeout "0": use a number greater than 0/],
    ["--reconnect-attempts=0", /--reconnect-attempts "0": use a whole number greater than 0/],
    ["--reconnect-attempts=many", /--reconnect-attempts "many"/],
  ];
  for (const [flag, message] of cases) {
    await using send = new Cli(["send", "testsrc", flag]);
    const { code, stderr } = await send.finish();
    assert.equal(code, 2, `${flag}: ${stderr}`);
    assert.match(stderr, message, flag);
  }
});
