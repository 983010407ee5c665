// The recorder with real ffmpeg and ffprobe: files per server with the frames and sizes sent,
// timing that follows the frames, new files on a size change and per segment, a slow encoder
// that drops (counted) instead of holding up the stream, an encoder that dies and is reported
// with ffmpeg's reason, and `netgear recv --record` under SIGINT and SIGKILL.

import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear } from "../mod.ts";
import {
  Recorder,
  type RecorderOptions,
  RecordError,
  type RecordEvent,
} from "../src/record/mod.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";
import { delay, freePorts, within } from "./_endpoints.ts";
import { Cli } from "./_cli.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

/** What ffprobe reads in a file: decoded frames, size, codec and each packet's time. */
interface Probe {
  frames: number;
  width: number;
  height: number;
  codec: string;
  times: number[];
}

async function probe(path: string): Promise<Probe> {
  const output = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-count_frames",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,width,height,nb_read_frames:packet=pts_time",
      "-of",
      "json",
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.ok(output.success, `ffprobe ${path}: ${new TextDecoder().decode(output.stderr)}`);
  const json = JSON.parse(text);
  const stream = json.streams[0];
  return {
    frames: Number(stream.nb_read_frames),
    width: stream.width,
    height: stream.height,
    codec: stream.codec_name,
    times: (json.packets ?? []).map((p: { pts_time: string }) => Number(p.pts_time) * 1000),
  };
}

/** The files in `dir`, sorted by name (port, then start time). */
function filesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((entry) => `${dir}/${entry.name}`).sort();
}

function frameOf(width: number, height: number, i: number): Frame {
  const data = new Uint8Array(width * height * 3);
  data.fill((i * 7) % 256);
  return createFrame(data, [height, width, 3]);
}

/** A recorder into a fresh temp folder, with its events collected. */
function recorderIn(options: Partial<RecorderOptions> = {}) {
  const directory = Deno.makeTempDirSync({ prefix: "netgear-record-" });
  const events: RecordEvent[] = [];
  const recorder = new Recorder({ directory, onEvent: (event) => events.push(event), ...options });
  return { directory, events, recorder };
}

/** The pid of this process's one ffmpeg child (the recording's encoder). */
async function encoderPid(): Promise<number> {
  const output = await new Deno.Command("pgrep", {
    args: ["-P", String(Deno.pid), "-x", "ffmpeg"],
    stdout: "piped",
  }).output();
  const pids = new TextDecoder().decode(output.stdout).trim().split("\n").filter(Boolean);
  assert.equal(pids.length, 1, `ffmpeg children: ${pids}`);
  return Number(pids[0]);
}

/** Waits until `test()` holds, polling; fails after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  await within(
    (async () => {
      while (!test()) await delay(20);
    })(),
    ms,
    what,
  );
}

Deno.test("two servers x 150 frames over NetGear: two H.264 files with every frame, at their sizes", async () => {
  const ports = freePorts(2);
  const sizes = [[160, 120], [176, 144]];
  // A queue as long as the run: no frame may drop however slow the machine is.
  const { directory, events, recorder } = recorderIn({ queueFrames: 150 });
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
    onServerEvent: (event) => {
      if (event.type === "leave") void recorder.end(event.port);
    },
  });
  const serving = ports.map(async (port, s) => {
    await using server = new NetGear({
      address: "127.0.0.1",
      port,
      pattern: 1,
      multiserverMode: true,
    });
    const [width, height] = sizes[s];
    for (let i = 0; i < 150; i++) await server.send(frameOf(width, height, i));
  });
  let received = 0;
  for await (const item of client) {
    recorder.write(item.port, item.frame); // zero-copy frames: write() copies before returning
    if (++received > 300) break;
  }
  await Promise.all(serving);
  await client.close();
  await recorder.close();
  assert.equal(received, 300);
  assert.equal(recorder.stats.recorded, 300);
  assert.deepEqual(recorder.stats.dropped, {});
  assert.equal(recorder.stats.errors, 0, JSON.stringify(events));
  const files = filesIn(directory);
  assert.equal(files.length, 2);
  for (const [s, port] of ports.entries()) {
    const path = files.find((file) => file.includes(`/${port}_`));
    assert.ok(path, `a file for ${port}: ${files}`);
    assert.match(path, new RegExp(`/${port}_\\d{8}T\\d{6}\\.\\d{3}Z\\.mkv$`));
    const info = await probe(path);
    assert.equal(info.codec, "h264");
    assert.equal(info.frames, 150);
    assert.deepEqual([info.width, info.height], sizes[s]);
    assert.ok(events.some((e) => e.type === "end" && e.path === path && e.frames === 150));
  }
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("a file's timing is the frames' own: 15 fps stays 15 fps, and uneven gaps stay uneven", async () => {
  const { directory, recorder } = recorderIn();
  const start = Date.now();
  const times = [0, 66.7, 133.3, 200, 266.7, 333.3, 400, 1400, 1450, 1466.7, 2500];
  for (const time of times) {
    assert.ok(recorder.write(5566, frameOf(64, 48, time), { time: start + time }));
  }
  await recorder.close();
  const [path] = filesIn(directory);
  const info = await probe(path);
  assert.equal(info.frames, times.length);
  assert.equal(info.times.length, times.length);
  for (const [i, time] of times.entries()) {
    assert.ok(Math.abs(info.times[i] - time) <= 2, `frame ${i} at ${info.times[i]}, not ${time}`);
  }
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("without a time, a file's timing follows the frames' arrival", async () => {
  const { directory, recorder } = recorderIn();
  const arrivals: number[] = [];
  for (let i = 0; i < 12; i++) {
    arrivals.push(performance.now());
    // A time that is not a number means now, as no time does: never a broken timestamp.
    recorder.write(undefined, frameOf(64, 48, i), i % 2 ? { time: NaN } : {});
    await delay(i === 6 ? 400 : 66); // about 15 fps, with one longer gap
  }
  await recorder.close();
  const [path] = filesIn(directory);
  assert.match(path, /\/stream_/);
  const info = await probe(path);
  assert.equal(info.frames, 12);
  for (const [i, arrival] of arrivals.entries()) {
    const expected = arrival - arrivals[0];
    assert.ok(
      Math.abs(info.times[i] - expected) <= 3,
      `frame ${i} at ${info.times[i]}, not ${expected}`,
    );
  }
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("a new frame size starts a new file, and so do segmentSeconds and a clock set back", async () => {
  const { directory, events, recorder } = recorderIn({ segmentSeconds: 1 });
  const start = Date.now();
  for (let i = 0; i < 10; i++) recorder.write(1, frameOf(64, 48, i), { time: start + i * 50 });
  for (let i = 10; i < 20; i++) recorder.write(1, frameOf(80, 60, i), { time: start + i * 50 });
  // Port 2: 25 frames 100 ms apart: segments of 0-0.9 s, 1.0-1.9 s and 2.0-2.4 s.
  for (let i = 0; i < 25; i++) recorder.write(2, frameOf(64, 48, i), { time: start + i * 100 });
  // Port 3: a clock set back 5 s after 5 frames: a new file rather than squeezed frames.
  for (let i = 0; i < 10; i++) {
    recorder.write(3, frameOf(64, 48, i), { time: start + 5000 + i * 100 - (i < 5 ? 0 : 5000) });
  }
  await recorder.close();
  const files = filesIn(directory);
  const probes = await Promise.all(files.map(probe));
  const of = (port: number) => probes.filter((_, i) => files[i].includes(`/${port}_`));
  assert.deepEqual(of(1).map((p) => [p.frames, p.width, p.height]), [[10, 64, 48], [10, 80, 60]]);
  assert.deepEqual(of(2).map((p) => p.frames), [10, 10, 5]);
  // Named by start time, the file after the clock went back sorts first.
  assert.deepEqual(of(3).map((p) => [p.frames, Math.round(Math.max(...p.times))]), [
    [5, 400],
    [5, 400],
  ]);
  assert.equal(events.filter((e) => e.type === "start").length, 7);
  assert.equal(recorder.stats.files, 7);
  assert.equal(recorder.stats.recorded, 55);
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("an encoder that cannot keep up: frames are dropped and counted, memory stays bounded, the file keeps what was queued", async () => {
  const { directory, recorder } = recorderIn({ queueFrames: 5 });
  const start = Date.now();
  const frame = frameOf(320, 240, 0);
  recorder.write(7, frame, { time: start });
  await until(() => recorder.stats.recorded === 1, 20_000, "the first frame to reach ffmpeg");
  const pid = await encoderPid();
  Deno.kill(pid, "SIGSTOP"); // a stalled encoder: it reads nothing more
  try {
    let accepted = 0;
    for (let i = 1; i <= 200; i++) {
      if (recorder.write(7, frame, { time: start + i * 33 })) accepted++;
      if (i % 20 === 0) await delay(5); // let the pipe take what it can
    }
    const stats = recorder.stats;
    // The pipe holds at most a frame or two (64 KiB); the queue holds 5.
    assert.ok(accepted <= 5 + 3, `accepted ${accepted}`);
    assert.equal(stats.dropped.behind, 200 - accepted);
    assert.ok(stats.recording[0].queued <= 5);
    assert.ok(stats.queuedBytes <= 5 * (320 * 240 * 3 + 100), `${stats.queuedBytes} bytes queued`);
  } finally {
    Deno.kill(pid, "SIGCONT");
  }
  await recorder.close();
  const stats = recorder.stats;
  const [path] = filesIn(directory);
  assert.equal((await probe(path)).frames, stats.recorded);
  assert.equal(stats.recorded + stats.dropped.behind, 201);
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("an encoder killed mid-file: reported, its file still decodes, and the stream goes on in a new file", async () => {
  const { directory, events, recorder } = recorderIn({ restartDelay: 1000 });
  const start = Date.now();
  for (let i = 0; i < 30; i++) recorder.write(9, frameOf(320, 240, i), { time: start + i * 100 });
  await until(() => recorder.stats.recorded === 30, 20_000, "30 frames to reach ffmpeg");
  await delay(1000); // ffmpeg encodes what it read
  const pid = await encoderPid();
  Deno.kill(pid, "SIGKILL");
  await until(() => events.some((e) => e.type === "error"), 10_000, "the failure to be reported");
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error");
  assert.equal(error.port, 9);
  const failedAt = performance.now();
  assert.match(error.error.message, /killed by SIGKILL/);
  // Frames in the restart delay are dropped and counted, never thrown.
  assert.equal(recorder.write(9, frameOf(320, 240, 30)), false);
  assert.ok(recorder.stats.dropped["encoder-failed"] >= 1);
  // Matroska written as it goes: every complete cluster (one a second at most) decodes.
  const [killed] = filesIn(directory);
  const { frames } = await probe(killed);
  assert.ok(frames >= 15 && frames <= 30, `${frames} of 30 frames decode after the kill`);
  await delay(Math.max(0, failedAt + 1100 - performance.now()));
  for (let i = 0; i < 5; i++) assert.ok(recorder.write(9, frameOf(320, 240, 31 + i)));
  await recorder.close();
  const files = filesIn(directory);
  assert.equal(files.length, 2);
  assert.equal((await probe(files[1])).frames, 5);
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("an encoder that fails is reported with ffmpeg's own words, and write() never throws", async () => {
  const { directory, events, recorder } = recorderIn({
    encoderArgs: ["-c:v", "no_such_encoder"],
    restartDelay: 60_000,
  });
  recorder.write(5, frameOf(64, 48, 0));
  await until(() => events.some((e) => e.type === "error"), 20_000, "the failure to be reported");
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error");
  assert.match(
    error.error.message,
    /Recording of server 5 to ".*" stopped: ffmpeg exited with code/,
  );
  assert.match(error.error.message, /no_such_encoder/);
  assert.ok(error.error.stderr.length > 0);
  for (let i = 1; i < 10; i++) assert.equal(recorder.write(5, frameOf(64, 48, i)), false);
  await recorder.close();
  // The first frame was queued; ffmpeg may have read it before it gave up.
  const { recorded, dropped } = recorder.stats;
  assert.equal(recorded + dropped["encoder-failed"], 10);
  assert.ok(recorded <= 1);
  assert.equal(recorder.stats.errors, 1);
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("frames it cannot record are dropped, counted and reported once", async () => {
  const { directory, events, recorder } = recorderIn();
  const depth = createFrame(new Float32Array(4 * 4), [4, 4], "float32");
  assert.equal(recorder.write(1, depth), false);
  assert.equal(recorder.write(1, depth), false);
  await recorder.close();
  assert.equal(recorder.stats.dropped.unsupported, 2);
  assert.equal(events.filter((e) => e.type === "error").length, 1);
  assert.throws(() => recorder.write(1, frameOf(4, 4, 0)), /closed recorder/);
  assert.deepEqual(filesIn(directory), []);
  Deno.removeSync(directory, { recursive: true });
});

Deno.test("an ffmpeg without libx264, older than 5.1: MPEG-4 part 2, still timed by the frames", async () => {
  // This machine's ffmpeg has libx264 and is 5.1: a wrapper hides libx264 from its encoder list
  // and reports version 4.4, so the recorder falls back to mpeg4 and -vsync (a stand-in for such
  // an ffmpeg; everything else is the real one).
  const bin = Deno.makeTempDirSync({ prefix: "netgear-old-ffmpeg-" });
  const wrapper = `${bin}/ffmpeg`;
  Deno.writeTextFileSync(
    wrapper,
    [
      "#!/bin/sh",
      'case "$*" in',
      '  *-version*) echo "ffmpeg version 4.4.2-0+deb11u1 Copyright (c) 2000-2021"; exit 0 ;;',
      '  *-encoders*) ffmpeg "$@" | grep -v libx264; exit 0 ;;',
      "esac",
      `echo "$*" >> ${bin}/args.log`,
      'exec ffmpeg "$@"',
      "",
    ].join("\n"),
  );
  Deno.chmodSync(wrapper, 0o755);
  const { directory, events, recorder } = recorderIn({ ffmpegPath: wrapper });
  const start = Date.now();
  for (let i = 0; i < 15; i++) recorder.write(3, frameOf(64, 48, i), { time: start + i * 66.7 });
  await recorder.close();
  assert.equal(recorder.stats.encoder, "mpeg4");
  assert.equal(recorder.stats.errors, 0, JSON.stringify(events));
  const [path] = filesIn(directory);
  const info = await probe(path);
  assert.equal(info.codec, "mpeg4");
  assert.equal(info.frames, 15);
  assert.ok(Math.abs(info.times[14] - 14 * 66.7) <= 2, `last frame at ${info.times[14]} ms`);
  assert.match(Deno.readTextFileSync(`${bin}/args.log`), / -vsync passthrough /);
  Deno.removeSync(directory, { recursive: true });
  Deno.removeSync(bin, { recursive: true });
});

Deno.test("a folder it cannot create, or a bad option, is refused at once with what to do", () => {
  const file = Deno.makeTempFileSync();
  try {
    assert.throws(
      () => new Recorder({ directory: `${file}/recordings` }),
      (error: unknown) =>
        error instanceof RecordError &&
        /Cannot record to ".*": .*; pick a folder/.test(error.message),
    );
    assert.throws(() => new Recorder({ directory: "x", queueFrames: 0 }), RangeError);
    assert.throws(() => new Recorder({ directory: "x", segmentSeconds: -1 }), RangeError);
  } finally {
    Deno.removeSync(file);
  }
});

/** Two `netgear send` servers streaming until stopped: 320x240 and 160x120, at 15 fps. */
function senders(ports: number[]): Cli[] {
  const sizes = ["320x240", "160x120"];
  return ports.map((port, s) =>
    new Cli(["send", "--address=127.0.0.1", `--port=${port}`, `--size=${sizes[s]}`, "--fps=15"])
  );
}

/** Waits until `recv` has started a file for each of `ports`. */
async function filesStarted(recv: Cli, ports: number[]): Promise<void> {
  for (const port of ports) await recv.waitFor(new RegExp(`recording ${port} to `));
}

for (const group of [false, true]) {
  const to = group
    ? "its process group, ffmpeg too (a terminal's Ctrl+C)"
    : "the CLI alone, recording in 1 s segments";
  Deno.test(`netgear recv --record: SIGINT to ${to} closes every file complete, as the summary says`, async () => {
    await sigintCase(group);
  });
}

async function sigintCase(group: boolean): Promise<void> {
  const ports = freePorts(2);
  const directory = Deno.makeTempDirSync({ prefix: "netgear-record-cli-" });
  const recv = new Cli(
    [
      "recv",
      "--address=127.0.0.1",
      `--ports=${ports}`,
      "--record",
      directory,
      "--json",
      ...(group ? [] : ["--record-segment=1"]),
    ],
    { task: group },
  );
  const sending = senders(ports);
  try {
    await filesStarted(recv, ports);
    await recv.waitFor(/recorded [1-9]\d*, 0 not recorded/); // the status line counts
    await delay(1500);
    recv.ctrlC();
    const { code, stdout } = await recv.finish(30_000);
    assert.equal(code, 130, recv.stderr);
    const { recording } = JSON.parse(stdout);
    assert.equal(recording.encoder, "libx264");
    assert.equal(recording.errors, 0, recv.stderr);
    // One file per server, or (segments) at least two; an ffmpeg stopped by the SIGINT may see
    // one more frame start a last file before the loop ends.
    for (const port of ports) {
      const count = recording.files.filter((file: { port: number }) => file.port === port).length;
      assert.ok(count >= (group ? 1 : 2), `${count} files for ${port}: ${recv.stderr}`);
    }
    const sizes: Record<number, number[]> = { [ports[0]]: [320, 240], [ports[1]]: [160, 120] };
    let frames = 0;
    for (const file of recording.files) {
      const info = await probe(file.path);
      // An ffmpeg that got the SIGINT itself ends its file at once: frames still in its pipe
      // (written, so counted) are not in it.
      if (group) assert.ok(info.frames > 0 && info.frames <= file.frames, file.path);
      else assert.equal(info.frames, file.frames, file.path);
      assert.deepEqual([info.width, info.height], sizes[file.port]);
      frames += file.frames;
    }
    assert.ok(frames > 0);
    assert.equal(recording.recorded, frames);
  } finally {
    for (const run of [recv, ...sending]) run.ctrlC();
    await Promise.allSettled([recv, ...sending].map((run) => run.finish(10_000)));
    Deno.removeSync(directory, { recursive: true });
  }
}

Deno.test("netgear recv --record killed with SIGKILL, ffmpeg and all: each file still decodes up to about a second before the kill", async () => {
  const ports = freePorts(2);
  const directory = Deno.makeTempDirSync({ prefix: "netgear-record-cli-" });
  // Under deno task, in a process group of its own: the kill takes its ffmpeg children too.
  const recv = new Cli(
    ["recv", "--address=127.0.0.1", `--ports=${ports}`, "--record", directory],
    { task: true },
  );
  const sending = senders(ports);
  try {
    await filesStarted(recv, ports);
    await delay(4000);
    const killedAt = Date.now();
    recv.kill("SIGKILL");
    await recv.finish(10_000);
    const files = filesIn(directory);
    assert.equal(files.length, 2);
    for (const path of files) {
      const info = await probe(path);
      // The file's start time is in its name; its frames are timed by their arrival.
      const [, y, mo, d, h, mi, sec] = path.match(
        /_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d\.\d{3})Z/,
      )!;
      const start = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}Z`);
      const last = start + Math.max(...info.times);
      assert.ok(info.frames > 15, `${path}: ${info.frames} frames`);
      assert.ok(last >= killedAt - 3000, `${path}: ends ${killedAt - last} ms before the kill`);
    }
  } finally {
    for (const run of sending) run.ctrlC();
    await Promise.allSettled([recv, ...sending].map((run) => run.finish(10_000)));
    Deno.removeSync(directory, { recursive: true });
  }
});
