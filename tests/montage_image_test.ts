import assert from "node:assert/strict";
import { type Image, importImagescript } from "../src/_deps/imagescript.ts";
import { createFrame, type Frame } from "../src/frame.ts";
import { skipIf } from "./_skip.ts";
import {
  buildMontages,
  drawText,
  encodeJpegPreview,
  encodePng,
  frameToImage,
  imageToFrame,
} from "../src/montage/mod.ts";

// imagescript's npm build loads a native codec addon and reads one environment variable: these
// tests run only with --allow-ffi and --allow-env=IMAGESCRIPT_WASM_SIMD (as `deno task test`).
const granted = async (descriptor: Deno.PermissionDescriptor): Promise<boolean> =>
  (await Deno.permissions.query(descriptor)).state === "granted";
const canLoadImagescript = await granted({ name: "ffi" }) &&
  await granted({ name: "env", variable: "IMAGESCRIPT_WASM_SIMD" }) &&
  await granted({ name: "read" });
const needsImagescript = {
  ignore: skipIf(
    import.meta.url,
    canLoadImagescript ? undefined : "imagescript needs --allow-ffi, --allow-read and its env",
  ),
};

async function decode(bytes: Uint8Array): Promise<Image> {
  const { Image } = await importImagescript();
  return await Image.decode(bytes);
}

/** A 3×2 frame with distinct bytes in every pixel, in `channels` channels. */
function pattern(channels: number, flat = true): Frame {
  const data = Uint8Array.from({ length: 3 * 2 * channels }, (_, i) => 20 + i * 9);
  return createFrame(data, channels === 1 && flat ? [2, 3] : [2, 3, channels]);
}

Deno.test({
  name: "frameToImage() swaps BGR to RGBA and imageToFrame() swaps it back",
  ...needsImagescript,
  fn: async () => {
    const frame = pattern(3);
    const image = await frameToImage(frame);
    assert.equal(image.width, 3);
    assert.equal(image.height, 2);
    const [b, g, r] = frame.data;
    assert.deepEqual([...image.bitmap.subarray(0, 4)], [r, g, b, 255]);
    assert.deepEqual(imageToFrame(image), frame);
  },
});

Deno.test({
  name: "frameToImage() and imageToFrame() round-trip RGB, BGRA, RGBA and gray frames",
  ...needsImagescript,
  fn: async () => {
    for (const channelOrder of ["rgb", "bgr"] as const) {
      for (const channels of [3, 4] as const) {
        const frame = pattern(channels);
        const image = await frameToImage(frame, { channelOrder });
        assert.deepEqual(imageToFrame(image, { channels, channelOrder }), frame);
      }
    }
    const rgb = await frameToImage(pattern(3), { channelOrder: "rgb" });
    assert.deepEqual([...rgb.bitmap.subarray(0, 4)], [...pattern(3).data.subarray(0, 3), 255]);
    const gray = pattern(1);
    const grayImage = await frameToImage(gray);
    assert.deepEqual([...grayImage.bitmap.subarray(0, 4)], [
      gray.data[0],
      gray.data[0],
      gray.data[0],
      255,
    ]);
    assert.deepEqual(imageToFrame(grayImage, { channels: 1 }), gray);
    assert.deepEqual(imageToFrame(await frameToImage(pattern(1, false)), { channels: 1 }).shape, [
      2,
      3,
    ]);
  },
});

Deno.test({
  name: "frame and image conversions reject bad frames and options",
  ...needsImagescript,
  fn: async () => {
    await assert.rejects(
      () => frameToImage(createFrame(new Uint8Array(0), [0, 0, 3])),
      /at least one pixel/,
    );
    await assert.rejects(
      () => frameToImage(pattern(3), { channelOrder: "xyz" as "rgb" }),
      TypeError,
    );
    const image = await frameToImage(pattern(3));
    assert.throws(() => imageToFrame(image, { channels: 2 as 3 }), {
      name: "TypeError",
      message: 'Cannot make a frame with channels "2": use 1, 3 or 4',
    });
  },
});

Deno.test({
  name: "encodePng() output decodes back to the same size and pixels",
  ...needsImagescript,
  fn: async () => {
    const frames = [0, 1, 2].map((i) =>
      createFrame(new Uint8Array(48 * 64 * 3).fill(i * 100), [48, 64, 3])
    );
    const [montage] = buildMontages(frames, [32, 24], [2, 2]);
    drawText(montage, "5566", { x: 2, y: 2, color: [255, 0, 0] });
    const png = await encodePng(montage);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const decoded = await decode(png);
    assert.equal(decoded.width, 64);
    assert.equal(decoded.height, 48);
    assert.deepEqual(imageToFrame(decoded), montage);
  },
});

Deno.test({
  name: "encodeJpegPreview() output decodes back to the same size and about the same colour",
  ...needsImagescript,
  fn: async () => {
    const frame = createFrame(new Uint8Array(48 * 64 * 3), [48, 64, 3]);
    for (let i = 0; i < frame.data.length; i += 3) frame.data.set([40, 120, 200], i);
    const jpeg = await encodeJpegPreview(frame, 90);
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
    const decoded = imageToFrame(await decode(jpeg));
    assert.deepEqual(decoded.shape, [48, 64, 3]);
    const [b, g, r] = decoded.data.subarray(32 * 3 * 24, 32 * 3 * 24 + 3);
    assert.ok(
      Math.abs(b - 40) <= 4 && Math.abs(g - 120) <= 4 && Math.abs(r - 200) <= 4,
      `${[b, g, r]}`,
    );
    assert.ok((await encodeJpegPreview(createFrame(new Uint8Array(16), [4, 4]))).length > 0);
  },
});

Deno.test("encodeJpegPreview() rejects a quality outside 1–100 before loading anything", async () => {
  const frame = createFrame(new Uint8Array(4 * 4 * 3), [4, 4, 3]);
  for (const quality of [0, 101, 50.5, Number.NaN]) {
    await assert.rejects(() => encodeJpegPreview(frame, quality), {
      name: "RangeError",
      message: `Cannot encode a JPEG with quality "${quality}": use an integer from 1 to 100`,
    });
  }
});

Deno.test({
  name: "encodePng() without --allow-ffi explains which permissions imagescript needs",
  ignore: skipIf(
    import.meta.url,
    canLoadImagescript ? "it runs where imagescript cannot load (no --allow-ffi)" : undefined,
  ),
  fn: async () => {
    const frame = createFrame(new Uint8Array(4 * 4 * 3), [4, 4, 3]);
    await assert.rejects(() => encodePng(frame), {
      message:
        /^Cannot load "imagescript" .*run with --allow-read --allow-ffi --allow-env=IMAGESCRIPT_WASM_SIMD/,
    });
  },
});
