import assert from "node:assert/strict";
import { skipIf } from "./_skip.ts";
import { createFrame, type Frame } from "../src/frame.ts";
import {
  ImageScriptCodec,
  type JpegCodec,
  jpegCodec,
  type JpegColorspace,
  JpegError,
  JpegLibraryError,
  TurboJpegCodec,
} from "../src/codec/mod.ts";

// libjpeg-turbo is loaded once per process and kept; load it before the sanitizers watch.
new TurboJpegCodec().close();

const HEIGHT = 48;
const WIDTH = 64;

/** A smooth BGR image: a gradient in each channel, no noise. */
function smoothBgr(height = HEIGHT, width = WIDTH): Frame {
  const data = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = 40 + Math.round((150 * x) / width); // blue
      data[o + 1] = 60 + Math.round((120 * y) / height); // green
      data[o + 2] = 200 - Math.round((100 * (x + y)) / (width + height)); // red
    }
  }
  return createFrame(data, [height, width, 3]);
}

/** The same pixels in another layout (X/alpha bytes 255), or as BT.601 gray. */
function relayout(bgr: Frame, colorspace: JpegColorspace): Frame {
  const [height, width] = bgr.shape;
  const pixels = height * width;
  if (colorspace === "GRAY") {
    const data = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const [b, g, r] = bgr.data.subarray(i * 3, i * 3 + 3);
      data[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
    return createFrame(data, [height, width]);
  }
  const order = colorspace.replace("A", "X");
  const channels = order.length;
  const data = new Uint8Array(pixels * channels);
  for (let i = 0; i < pixels; i++) {
    const [b, g, r] = bgr.data.subarray(i * 3, i * 3 + 3);
    const value: Record<string, number> = { R: r, G: g, B: b, X: 255 };
    for (let c = 0; c < channels; c++) data[i * channels + c] = value[order[c]];
  }
  return createFrame(data, [height, width, channels]);
}

function meanAbsoluteError(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.byteLength, b.byteLength);
  let sum = 0;
  for (let i = 0; i < a.byteLength; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.byteLength;
}

/** The sampling factors (h<<4 | v) of each component, read from the JPEG's SOF marker. */
function samplingFactors(jpeg: Uint8Array): number[] {
  let i = 2;
  while (i + 4 < jpeg.byteLength) {
    const marker = jpeg[i + 1];
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (marker >= 0xc0 && marker <= 0xc2) {
      const components = jpeg[i + 9];
      return Array.from({ length: components }, (_, c) => jpeg[i + 11 + c * 3]);
    }
    i += 2 + length;
  }
  throw new Error("No SOF marker found");
}

function solidBgr(b: number, g: number, r: number): Frame {
  const data = new Uint8Array(HEIGHT * WIDTH * 3);
  for (let i = 0; i < data.length; i += 3) data.set([b, g, r], i);
  return createFrame(data, [HEIGHT, WIDTH, 3]);
}

const makers: Record<string, () => Promise<JpegCodec>> = {
  "libjpeg-turbo": () => jpegCodec({ prefer: "libjpeg-turbo" }),
  imagescript: () => jpegCodec({ prefer: "imagescript" }),
};

for (const [name, make] of Object.entries(makers)) {
  Deno.test(`${name}: a BGR frame round-trips with a small error at quality 90`, async () => {
    using codec = await make();
    assert.equal(codec.name, name);
    const frame = smoothBgr();
    const jpeg = codec.encode(frame, { quality: 90, colorspace: "BGR" });
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
    const back = codec.decode(jpeg, { colorspace: "BGR" });
    assert.deepEqual(back.shape, [HEIGHT, WIDTH, 3]);
    assert.equal(back.dtype, "uint8");
    assert.ok(meanAbsoluteError(frame.data, back.data) < 8);
  });

  Deno.test(`${name}: BGR is the default colourspace both ways`, async () => {
    using codec = await make();
    const frame = smoothBgr();
    const back = codec.decode(codec.encode(frame));
    assert.ok(meanAbsoluteError(frame.data, back.data) < 8);
  });

  Deno.test(`${name}: a pure-blue BGR frame decodes blue, and red-free as RGB`, async () => {
    using codec = await make();
    const jpeg = codec.encode(solidBgr(255, 0, 0), { colorspace: "BGR" });
    const bgr = codec.decode(jpeg, { colorspace: "BGR" }).data;
    assert.ok(bgr[0] > 240 && bgr[1] < 15 && bgr[2] < 15, `BGR pixel ${[...bgr.subarray(0, 3)]}`);
    const rgb = codec.decode(jpeg, { colorspace: "RGB" }).data;
    assert.ok(rgb[0] < 15 && rgb[1] < 15 && rgb[2] > 240, `RGB pixel ${[...rgb.subarray(0, 3)]}`);
  });

  Deno.test(`${name}: an RGB frame round-trips in RGB order`, async () => {
    using codec = await make();
    const frame = relayout(smoothBgr(), "RGB");
    const back = codec.decode(codec.encode(frame, { colorspace: "RGB" }), { colorspace: "RGB" });
    assert.deepEqual(back.shape, [HEIGHT, WIDTH, 3]);
    assert.ok(meanAbsoluteError(frame.data, back.data) < 8);
  });

  Deno.test(`${name}: GRAY accepts [h, w] and [h, w, 1] and decodes to [h, w]`, async () => {
    using codec = await make();
    const gray = relayout(smoothBgr(), "GRAY");
    const flat = codec.decode(codec.encode(gray, { colorspace: "GRAY" }), { colorspace: "GRAY" });
    assert.deepEqual(flat.shape, [HEIGHT, WIDTH]);
    assert.ok(meanAbsoluteError(gray.data, flat.data) < 8);
    const deep = createFrame(gray.data, [HEIGHT, WIDTH, 1]);
    const back = codec.decode(codec.encode(deep, { colorspace: "GRAY" }), { colorspace: "GRAY" });
    assert.deepEqual(back.shape, [HEIGHT, WIDTH]);
  });

  Deno.test(`${name}: a colour JPEG decodes to GRAY as luma`, async () => {
    using codec = await make();
    const frame = smoothBgr();
    const gray = codec.decode(codec.encode(frame), { colorspace: "GRAY" });
    assert.deepEqual(gray.shape, [HEIGHT, WIDTH]);
    assert.ok(meanAbsoluteError(relayout(frame, "GRAY").data, gray.data) < 8);
  });

  for (
    const colorspace of ["RGBA", "BGRA", "ABGR", "ARGB", "RGBX", "BGRX", "XBGR", "XRGB"] as const
  ) {
    Deno.test(`${name}: ${colorspace} frames round-trip as [h, w, 4] with opaque X/alpha`, async () => {
      using codec = await make();
      const frame = relayout(smoothBgr(), colorspace);
      const back = codec.decode(codec.encode(frame, { colorspace }), { colorspace });
      assert.deepEqual(back.shape, [HEIGHT, WIDTH, 4]);
      assert.ok(meanAbsoluteError(frame.data, back.data) < 8);
      const alpha = colorspace.search(/[AX]/);
      for (let i = alpha; i < back.data.length; i += 4) assert.equal(back.data[i], 255);
    });
  }

  Deno.test(`${name}: quality outside 10..100 is a RangeError`, async () => {
    using codec = await make();
    const frame = smoothBgr();
    for (const quality of [9, 101, 0, -5, Number.NaN]) {
      assert.throws(() => codec.encode(frame, { quality }), RangeError, `quality ${quality}`);
    }
    assert.throws(() => codec.encode(frame, { quality: 5 }), /pass a number from 10 to 100/);
    const low = codec.encode(frame, { quality: 10 });
    const high = codec.encode(frame, { quality: 100 });
    assert.ok(high.byteLength > low.byteLength);
  });

  Deno.test(`${name}: frames that do not fit the colourspace are refused`, async () => {
    using codec = await make();
    const frame = smoothBgr();
    assert.throws(() => codec.encode(frame, { colorspace: "RGBA" }), RangeError);
    assert.throws(() => codec.encode(frame, { colorspace: "GRAY" }), /needs \[h, w\] or/);
    const floats = createFrame(new Float32Array(HEIGHT * WIDTH * 3), [HEIGHT, WIDTH, 3], "float32");
    assert.throws(() => codec.encode(floats), /dtype "float32": convert it to "uint8"/);
    assert.throws(
      () => codec.encode(frame, { colorspace: "bgr" as JpegColorspace }),
      /Cannot use colorspace "bgr": use one of RGB, BGR/,
    );
    assert.throws(
      () => codec.decode(new Uint8Array([1]), { colorspace: "HSV" as JpegColorspace }),
      TypeError,
    );
  });

  Deno.test(`${name}: corrupt or truncated JPEG bytes throw a JpegError, then decoding goes on`, async () => {
    using codec = await make();
    const frame = smoothBgr();
    const jpeg = codec.encode(frame);
    const scrambled = jpeg.slice();
    scrambled.fill(0x55, 200, 400);
    const bad = [
      new Uint8Array(0),
      new Uint8Array([1, 2, 3]),
      new Uint8Array([0xff, 0xd8, 0xff]),
      jpeg.subarray(0, 100),
      jpeg.subarray(0, jpeg.byteLength >> 1),
      jpeg.subarray(0, jpeg.byteLength - 2),
      scrambled,
      new TextEncoder().encode("not a jpeg at all, just some text bytes"),
    ];
    for (const bytes of bad) {
      assert.throws(() => codec.decode(bytes), JpegError, `${bytes.byteLength} bytes`);
      // The codec must still decode good data after a failure.
      assert.ok(meanAbsoluteError(frame.data, codec.decode(jpeg).data) < 8);
    }
    assert.throws(
      () => codec.decode(new Uint8Array([1, 2, 3])),
      /Cannot decode the JPEG .*corrupt/,
    );
  });

  Deno.test(`${name}: close() is safe twice and later calls throw`, async () => {
    const codec = await make();
    const jpeg = codec.encode(smoothBgr());
    codec.close();
    codec.close();
    assert.throws(() => codec.decode(jpeg), /the codec is closed; create a new one/);
    assert.throws(() => codec.encode(smoothBgr()), JpegError);
  });
}

Deno.test("each codec decodes the other's output", async () => {
  using turbo = await jpegCodec({ prefer: "libjpeg-turbo" });
  using script = await jpegCodec({ prefer: "imagescript" });
  const frame = smoothBgr();
  for (const [from, to] of [[turbo, script], [script, turbo]]) {
    const back = to.decode(from.encode(frame, { colorspace: "BGR" }), { colorspace: "BGR" });
    assert.deepEqual(back.shape, [HEIGHT, WIDTH, 3]);
    assert.ok(meanAbsoluteError(frame.data, back.data) < 8, `${from.name} → ${to.name}`);
    const gray = relayout(frame, "GRAY");
    const grayBack = to.decode(from.encode(gray, { colorspace: "GRAY" }), { colorspace: "GRAY" });
    assert.deepEqual(grayBack.shape, [HEIGHT, WIDTH]);
    assert.ok(meanAbsoluteError(gray.data, grayBack.data) < 8, `${from.name} → ${to.name} gray`);
  }
});

Deno.test("jpegCodec() picks libjpeg-turbo when the library loads", async () => {
  using codec = await jpegCodec();
  assert.equal(codec.name, "libjpeg-turbo");
  assert.ok(codec instanceof TurboJpegCodec);
});

Deno.test("libjpeg-turbo writes colour as 4:2:2 and GRAY as one component", () => {
  using codec = new TurboJpegCodec();
  // Luma 2×1 (0x21), both chroma 1×1 (0x11): 4:2:2.
  assert.deepEqual(samplingFactors(codec.encode(smoothBgr())), [0x21, 0x11, 0x11]);
  const rgba = relayout(smoothBgr(), "RGBA");
  assert.deepEqual(samplingFactors(codec.encode(rgba, { colorspace: "RGBA" })), [0x21, 0x11, 0x11]);
  const gray = relayout(smoothBgr(), "GRAY");
  assert.deepEqual(samplingFactors(codec.encode(gray, { colorspace: "GRAY" })), [0x11]);
});

Deno.test("libjpeg-turbo: fastdct chooses the DCT, and both decode alike", () => {
  using codec = new TurboJpegCodec();
  const frame = smoothBgr();
  const fast = codec.encode(frame, { fastdct: true });
  const accurate = codec.encode(frame, { fastdct: false });
  assert.notDeepEqual(fast, accurate);
  for (const jpeg of [fast, accurate]) {
    for (const fastdct of [true, false]) {
      for (const fastupsample of [true, false]) {
        const back = codec.decode(jpeg, { fastdct, fastupsample });
        assert.ok(meanAbsoluteError(frame.data, back.data) < 8);
      }
    }
  }
});

Deno.test("libjpeg-turbo round-trips CMYK; imagescript refuses it with a clear error", async () => {
  using turbo = new TurboJpegCodec();
  using script = await ImageScriptCodec.create();
  const data = new Uint8Array(HEIGHT * WIDTH * 4);
  for (let i = 0; i < data.length; i++) data[i] = 40 + ((i >> 2) % 64);
  const cmyk = createFrame(data, [HEIGHT, WIDTH, 4]);
  const jpeg = turbo.encode(cmyk, { colorspace: "CMYK" });
  const back = turbo.decode(jpeg, { colorspace: "CMYK" });
  assert.deepEqual(back.shape, [HEIGHT, WIDTH, 4]);
  assert.ok(meanAbsoluteError(cmyk.data, back.data) < 8);
  assert.throws(
    () => script.encode(cmyk, { colorspace: "CMYK" }),
    /"CMYK" with the imagescript codec/,
  );
  assert.throws(() => script.decode(jpeg, { colorspace: "CMYK" }), JpegError);
  assert.throws(() => script.decode(jpeg), /Cannot decode a CMYK JPEG to BGR/);
  // A colour JPEG cannot become CMYK, in libjpeg-turbo as in simplejpeg.
  assert.throws(() => turbo.decode(turbo.encode(smoothBgr()), { colorspace: "CMYK" }), JpegError);
});

Deno.test("imagescript writes 4:4:4 (it cannot subsample)", async () => {
  using codec = await ImageScriptCodec.create();
  assert.deepEqual(samplingFactors(codec.encode(smoothBgr())), [0x11, 0x11, 0x11]);
});

Deno.test("a wrong explicit library path is an error listing what was tried", async () => {
  const path = "/nonexistent/libturbojpeg.so.0";
  for (
    const attempt of [
      () => new TurboJpegCodec({ libraryPath: path }),
      () => jpegCodec({ libraryPath: path }),
    ]
  ) {
    const error = await (async () => {
      try {
        await attempt();
      } catch (error) {
        return error;
      }
    })();
    assert.ok(error instanceof JpegLibraryError, String(error));
    assert.deepEqual(error.tried, [path]);
    assert.match(
      error.message,
      /^Cannot load libjpeg-turbo: tried "\/nonexistent\/libturbojpeg\.so\.0" \(/,
    );
    assert.match(error.message, /set NETGEAR_LIBTURBOJPEG/);
  }
});

Deno.test({
  name: "NETGEAR_LIBTURBOJPEG names the library to load",
  ignore: skipIf(
    import.meta.url,
    Deno.build.os !== "linux" || Deno.build.arch !== "x86_64"
      ? "it names Debian's x86_64 libturbojpeg path"
      : undefined,
  ),
  // Opening the library under its full path loads it a second time, kept for the process.
  sanitizeResources: false,
}, () => {
  const previous = Deno.env.get("NETGEAR_LIBTURBOJPEG");
  try {
    Deno.env.set("NETGEAR_LIBTURBOJPEG", "/nonexistent/from-env.so");
    assert.throws(() => new TurboJpegCodec(), (error: unknown) => {
      assert.ok(error instanceof JpegLibraryError);
      assert.deepEqual(error.tried, ["/nonexistent/from-env.so"]);
      return true;
    });
    Deno.env.set("NETGEAR_LIBTURBOJPEG", "/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");
    using codec = new TurboJpegCodec();
    assert.equal(codec.libraryPath, "/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");
  } finally {
    if (previous === undefined) Deno.env.delete("NETGEAR_LIBTURBOJPEG");
    else Deno.env.set("NETGEAR_LIBTURBOJPEG", previous);
  }
});

Deno.test("jpegCodec() rejects an unknown preference", async () => {
  await assert.rejects(
    () => jpegCodec({ prefer: "opencv" as "auto" }),
    /Cannot choose JPEG codec "opencv": use "auto", "libjpeg-turbo" or "imagescript"/,
  );
});
