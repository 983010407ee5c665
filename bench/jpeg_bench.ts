/**
 * JPEG codec benchmark: encode and decode of a 640×480 BGR frame with vidgear's defaults
 * (quality 90, fast DCT, smooth upsampling), for each codec that loads.
 *
 * Run: `deno task bench --only jpeg` (or `deno run --allow-ffi --allow-read --allow-env
 * --allow-write --allow-sys bench/jpeg_bench.ts`)
 *
 * Target: with libjpeg-turbo, encode + decode ≤ 5 ms (median).
 *
 * @module
 */

import { createFrame, type Frame } from "../src/frame.ts";
import { type JpegCodec, jpegCodec, type JpegCodecName } from "../src/codec/mod.ts";
import { writeResult } from "./_report.ts";

const HEIGHT = 480;
const WIDTH = 640;
const TARGET_MS = 5;

/** A camera-like test card: smooth gradients, a few solid shapes, mild sensor noise. */
function testCard(): Frame {
  let seed = 0x2545f491;
  const random = (): number => {
    // mulberry32: a small deterministic PRNG, so every run codes the same image.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = new Uint8Array(HEIGHT * WIDTH * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let b = 60 + (140 * x) / WIDTH;
      let g = 40 + (160 * y) / HEIGHT;
      let r = 180 - (120 * (x + y)) / (WIDTH + HEIGHT) + 20 * Math.sin(x / 37) * Math.cos(y / 23);
      const dx = x - 220, dy = y - 200;
      if (dx * dx + dy * dy < 90 * 90) [b, g, r] = [30, 200, 240]; // a yellow disc
      if (x > 400 && x < 560 && y > 80 && y < 180) [b, g, r] = [200, 60, 40]; // a blue box
      if (y > 330 && y < 420 && ((x >> 4) & 1) === 0) [b, g, r] = [250, 250, 250]; // bars
      const noise = (random() - 0.5) * 12;
      const o = (y * WIDTH + x) * 3;
      data[o] = Math.max(0, Math.min(255, b + noise));
      data[o + 1] = Math.max(0, Math.min(255, g + noise));
      data[o + 2] = Math.max(0, Math.min(255, r + noise));
    }
  }
  return createFrame(data, [HEIGHT, WIDTH, 3]);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds of `run` over `iterations`, after `warmup` untimed calls. */
function measure(run: () => void, warmup: number, iterations: number): number {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** One codec's figures, median milliseconds. */
export interface Row {
  name: JpegCodecName;
  encodeMs: number;
  decodeMs: number;
  roundTripMs: number;
  bytes: number;
}

function bench(codec: JpegCodec, frame: Frame): Row {
  const encodeOptions = { quality: 90, colorspace: "BGR", fastdct: true } as const;
  const decodeOptions = { colorspace: "BGR", fastdct: true, fastupsample: false } as const;
  const jpeg = codec.encode(frame, encodeOptions);
  const [warmup, iterations] = codec.name === "libjpeg-turbo" ? [30, 300] : [5, 40];
  return {
    name: codec.name,
    encodeMs: measure(() => codec.encode(frame, encodeOptions), warmup, iterations),
    decodeMs: measure(() => codec.decode(jpeg, decodeOptions), warmup, iterations),
    roundTripMs: measure(
      () => codec.decode(codec.encode(frame, encodeOptions), decodeOptions),
      warmup,
      iterations,
    ),
    bytes: jpeg.byteLength,
  };
}

/** Times each codec that loads, prints the figures, and returns them. */
export async function runJpegBench(): Promise<Row[]> {
  const frame = testCard();
  const rows: Row[] = [];
  for (const prefer of ["libjpeg-turbo", "imagescript"] as const) {
    try {
      using codec = await jpegCodec({ prefer });
      rows.push(bench(codec, frame));
    } catch (error) {
      console.log(`${prefer}: not measured (${(error as Error).message})`);
    }
  }

  console.log(`JPEG ${WIDTH}×${HEIGHT}×3 BGR, quality 90, fastdct, median ms`);
  console.log(
    ["codec".padEnd(14), "encode", "decode", "enc+dec", "bytes"].map((c, i) =>
      i === 0 ? c : c.padStart(9)
    ).join(" "),
  );
  for (const row of rows) {
    console.log(
      [
        row.name.padEnd(14),
        row.encodeMs.toFixed(2).padStart(9),
        row.decodeMs.toFixed(2).padStart(9),
        row.roundTripMs.toFixed(2).padStart(9),
        String(row.bytes).padStart(9),
      ].join(" "),
    );
  }
  const turbo = rows.find((row) => row.name === "libjpeg-turbo");
  console.log(
    turbo === undefined
      ? `target: libjpeg-turbo encode + decode ≤ ${TARGET_MS} ms: not measured (library not loaded)`
      : `target: libjpeg-turbo encode + decode ≤ ${TARGET_MS} ms: ${
        turbo.roundTripMs.toFixed(2)
      } ms, ${turbo.roundTripMs <= TARGET_MS ? "met" : "MISSED"}`,
  );
  await writeResult("jpeg", rows);
  return rows;
}

if (import.meta.main) await runJpegBench();
