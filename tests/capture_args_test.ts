// The ffmpeg command line and the parsing of ffmpeg's stderr, for every OS's camera input.

import assert from "node:assert/strict";
import {
  type ArgsPlan,
  buildFfmpegArgs,
  describeSource,
  OutputDescriptionParser,
  parseDshowDevices,
  redact,
  resolveSource,
} from "../src/capture/_ffmpeg_args.ts";
import type { CaptureSource } from "../src/capture/mod.ts";

function plan(source: CaptureSource, overrides: Partial<ArgsPlan> = {}): ArgsPlan {
  return {
    input: resolveSource(source),
    os: "linux",
    pixelFormat: "bgr24",
    realtime: false,
    loop: false,
    maxFrames: null,
    rtspTransport: "tcp",
    inputArgs: [],
    outputArgs: [],
    ...overrides,
  };
}

/** The arguments just before and including `-i <input>`. */
function inputOf(args: string[]): string[] {
  return args.slice(args.indexOf("-loglevel") + 2, args.indexOf("-i") + 2);
}

Deno.test("shorthand sources resolve to cameras, streams, patterns and files", () => {
  assert.deepEqual(resolveSource(0), { type: "camera", device: 0 });
  assert.deepEqual(resolveSource("2"), { type: "camera", device: 2 });
  assert.deepEqual(resolveSource("/dev/video1"), { type: "camera", device: "/dev/video1" });
  assert.deepEqual(resolveSource("rtsp://cam/live"), { type: "stream", url: "rtsp://cam/live" });
  assert.deepEqual(resolveSource("https://x/y.m3u8"), { type: "stream", url: "https://x/y.m3u8" });
  assert.deepEqual(resolveSource("pattern:smptebars"), { type: "pattern", name: "smptebars" });
  assert.deepEqual(resolveSource({ type: "pattern" }), { type: "pattern", name: "testsrc2" });
  assert.deepEqual(resolveSource("clip.mp4"), { type: "file", path: "clip.mp4" });
  assert.deepEqual(resolveSource("C:\\videos\\a.mp4"), { type: "file", path: "C:\\videos\\a.mp4" });
});

Deno.test("bad sources are refused with a TypeError or RangeError", () => {
  assert.throws(() => resolveSource(-1), RangeError);
  assert.throws(() => resolveSource(""), TypeError);
  assert.throws(() => resolveSource("pattern:testsrc2,format=gray"), TypeError);
  assert.throws(() => resolveSource({ type: "pattern", width: 64 }), TypeError);
  assert.throws(() => resolveSource({ type: "webcam" } as unknown as CaptureSource), TypeError);
});

Deno.test("camera 0 is /dev/video0 through v4l2 on Linux", () => {
  assert.deepEqual(inputOf(buildFfmpegArgs(plan(0))), ["-f", "v4l2", "-i", "/dev/video0"]);
  assert.deepEqual(
    inputOf(buildFfmpegArgs(plan("/dev/video3", { inputArgs: ["-video_size", "1280x720"] }))),
    ["-f", "v4l2", "-video_size", "1280x720", "-i", "/dev/video3"],
  );
});

Deno.test("camera 0 is avfoundation device 0 without audio on macOS", () => {
  assert.deepEqual(inputOf(buildFfmpegArgs(plan(0, { os: "darwin" }))), [
    ...["-f", "avfoundation", "-framerate", "30", "-i", "0:none"],
  ]);
  const named = plan({ type: "camera", device: "FaceTime HD Camera" }, { os: "darwin" });
  assert.equal(inputOf(buildFfmpegArgs(named)).at(-1), "FaceTime HD Camera:none");
});

Deno.test("a camera on Windows is a dshow video device by name", () => {
  const numbered = plan(0, { os: "windows", dshowName: "Integrated Camera" });
  assert.deepEqual(inputOf(buildFfmpegArgs(numbered)), [
    ...["-f", "dshow", "-i", "video=Integrated Camera"],
  ]);
  const named = plan({ type: "camera", device: "USB Cam" }, { os: "windows" });
  assert.equal(inputOf(buildFfmpegArgs(named)).at(-1), "video=USB Cam");
});

Deno.test("rtsp streams use the chosen transport; other streams get no rtsp option", () => {
  assert.deepEqual(inputOf(buildFfmpegArgs(plan("rtsp://cam/live"))), [
    ...["-rtsp_transport", "tcp", "-i", "rtsp://cam/live"],
  ]);
  assert.deepEqual(
    inputOf(buildFfmpegArgs(plan("rtsp://cam/live", { rtspTransport: "udp" }))).slice(0, 2),
    ["-rtsp_transport", "udp"],
  );
  assert.deepEqual(inputOf(buildFfmpegArgs(plan("http://cam/mjpg"))), ["-i", "http://cam/mjpg"]);
});

Deno.test("files can be paced and looped; their path goes through the file protocol", () => {
  const args = buildFfmpegArgs(plan("a:b.mp4", { realtime: true, loop: true }));
  assert.deepEqual(inputOf(args), ["-re", "-stream_loop", "-1", "-i", "file:a:b.mp4"]);
});

Deno.test("patterns are generated at the output size and rate", () => {
  const args = buildFfmpegArgs(plan("pattern:testsrc2", { width: 64, height: 48, fps: 15 }));
  assert.deepEqual(inputOf(args), ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=15"]);
  const own = plan({ type: "pattern", name: "smptebars", width: 32, height: 16, rate: 5 });
  assert.equal(inputOf(buildFfmpegArgs(own)).at(-1), "smptebars=size=32x16:rate=5");
  assert.equal(inputOf(buildFfmpegArgs(plan("pattern:life"))).at(-1), "life");
});

Deno.test("size, rate, frame limit and pixel format shape the output arguments", () => {
  const args = buildFfmpegArgs(
    plan("clip.mp4", {
      width: 320,
      height: 240,
      fps: 15,
      maxFrames: 5,
      pixelFormat: "gray",
      outputArgs: ["-sws_flags", "area"],
    }),
  );
  const output = args.slice(args.indexOf("-i") + 2);
  assert.deepEqual(output, [
    ...["-map", "0:v:0", "-vf", "fps=15,scale=320:240", "-frames:v", "5"],
    ...["-sws_flags", "area", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"],
  ]);
  const widthOnly = buildFfmpegArgs(plan("clip.mp4", { width: 320 }));
  assert.equal(widthOnly[widthOnly.indexOf("-vf") + 1], "scale=320:-1");
  assert.ok(!buildFfmpegArgs(plan("clip.mp4")).includes("-vf"));
});

Deno.test("the output description is read from the output section of ffmpeg's log", () => {
  const log = [
    "Input #0, lavfi, from 'testsrc2=size=320x240:rate=30':",
    "  Stream #0:0: Video: rawvideo (I420 / 0x30323449), yuv420p, 320x240 [SAR 1:1 DAR 4:3], 30 tbr",
    "Stream mapping:",
    "  Stream #0:0 -> #0:0 (rawvideo (native) -> rawvideo (native))",
    "Output #0, rawvideo, to 'pipe:1':",
    "  Metadata:",
    "    encoder         : Lavf59.27.100",
    "  Stream #0:0: Video: rawvideo (BGR[24] / 0x18524742), bgr24(pc, gbr/unknown/unknown, progressive), 64x48 [SAR 1:1 DAR 4:3], q=2-31, 2211 kb/s, 30 fps, 30 tbn",
  ];
  const parser = new OutputDescriptionParser();
  const found = log.map((line) => parser.push(line)).filter((x) => x !== undefined);
  assert.deepEqual(found, [{ kind: "described", pixelFormat: "bgr24", width: 64, height: 48 }]);

  const gray = new OutputDescriptionParser();
  gray.push("Output #0, rawvideo, to 'pipe:1':");
  assert.deepEqual(
    gray.push("  Stream #0:0(und): Video: rawvideo (Y800 / 0x30303859), gray, 1280x720, q=2-31"),
    { kind: "described", pixelFormat: "gray", width: 1280, height: 720 },
  );

  const odd = new OutputDescriptionParser();
  odd.push("Output #0, rawvideo, to 'pipe:1':");
  assert.deepEqual(odd.push("  Stream #0:0: Video: rawvideo, bgr24, size unknown"), {
    kind: "unreadable",
    line: "Stream #0:0: Video: rawvideo, bgr24, size unknown",
  });
});

Deno.test("dshow video devices are listed in both of ffmpeg's layouts", () => {
  const modern = [
    '[dshow @ 000001] "Integrated Camera" (video)',
    '[dshow @ 000001]   Alternative name "@device_pnp_\\\\?\\usb#vid_04f2"',
    '[dshow @ 000001] "Microphone Array (Realtek)" (audio)',
    '[dshow @ 000001] "OBS Virtual Camera" (video)',
    "dummy: Immediate exit requested",
  ].join("\r\n");
  assert.deepEqual(parseDshowDevices(modern), ["Integrated Camera", "OBS Virtual Camera"]);
  const legacy = [
    "[dshow @ 0000] DirectShow video devices (some may be both video and audio devices)",
    '[dshow @ 0000]  "USB2.0 HD UVC WebCam"',
    '[dshow @ 0000]     Alternative name "@device_pnp_\\\\?\\usb"',
    "[dshow @ 0000] DirectShow audio devices",
    '[dshow @ 0000]  "Microphone (Realtek)"',
  ].join("\n");
  assert.deepEqual(parseDshowDevices(legacy), ["USB2.0 HD UVC WebCam"]);
});

Deno.test("passwords in URLs are hidden from messages", () => {
  assert.equal(
    redact("Input #0, rtsp, from 'rtsp://admin:s3cret@10.0.0.5/live':"),
    "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5/live':",
  );
  assert.equal(
    describeSource(resolveSource("rtsp://admin:s3cret@cam/live")),
    'stream "rtsp://admin:***@cam/live"',
  );
  assert.equal(redact("rtsp://cam/live"), "rtsp://cam/live");
});
