// The labelled montage snapshot (SnapshotWriter) that netgear recv --out, the demo and the
// examples write: tiles in port order whatever order servers came in, each labelled from what
// it was told (the label, the rate, the message), a gone server marked so. Real PNG files.
import assert from "node:assert/strict";
import { importImagescript } from "../src/_deps/imagescript.ts";
import { createFrame, type Frame } from "../src/frame.ts";
import { compareKeys, formatMessage, SnapshotWriter } from "../src/montage/mod.ts";

/** A BGR frame of one colour. */
function solid(bgr: [number, number, number], [w, h] = [32, 24]): Frame {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i += 3) data.set(bgr, i);
  return createFrame(data, [h, w, 3]);
}

Deno.test("compareKeys() orders ports numerically, then names", () => {
  assert.deepEqual(
    ["cam", 10000, "5567", 5566, "b", 5568].sort(compareKeys),
    [5566, "5567", 5568, 10000, "b", "cam"],
  );
});

Deno.test("formatMessage() gives one line, cut with an ellipsis, for any value", () => {
  assert.equal(formatMessage(null), "");
  assert.equal(formatMessage("a\n  b"), "a b");
  assert.equal(
    formatMessage({ n: 1n, bytes: new Uint8Array(3) }),
    '{"n":"1","bytes":{"type":"Uint8Array","byteLength":3}}',
  );
  assert.equal(formatMessage("x".repeat(20), 10), "xxxxxxxxx…");
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(formatMessage(cycle), "[object Object]");
});

Deno.test("SnapshotWriter: tiles in port order, whatever order servers came in, each with its label", async () => {
  const dir = await Deno.makeTempDir({ prefix: "netgear-snapshots-" });
  try {
    const files: string[] = [];
    const writer = await SnapshotWriter.create({
      dir,
      keys: [],
      tile: [32, 24],
      intervalMs: 60_000, // only close() writes
      onWrite: (file) => files.push(file),
    });
    // Servers come in the opposite order of their ports.
    writer.update(5568, solid([0, 0, 255]), { label: "port 5568 from 10.0.0.2", fps: 9.5 });
    writer.update(5567, solid([0, 255, 0]), { message: "hi" });
    writer.update("5566", solid([255, 0, 0]));
    writer.remove(5568);
    await writer.close();
    assert.deepEqual(files, [`${dir}/montage-000001.png`]);
    assert.equal(writer.written, 1);
    const { Image } = await importImagescript();
    const image = await Image.decode(await Deno.readFile(files[0]));
    // Three tiles on a 2×2 grid: 5566 (blue), 5567 (green), then 5568 (red), by port.
    assert.deepEqual([image.width, image.height], [64, 48]);
    const rgbAt = (x: number, y: number) => [...Image.colorToRGBA(image.getPixelAt(x + 1, y + 1))];
    assert.deepEqual(rgbAt(16, 4).slice(0, 3), [0, 0, 255]);
    assert.deepEqual(rgbAt(48, 4).slice(0, 3), [0, 255, 0]);
    assert.deepEqual(rgbAt(16, 28).slice(0, 3), [255, 0, 0]);
    // Each tile's bottom rows are its label: light text on black.
    for (const [x, y] of [[0, 0], [32, 0], [0, 24]]) {
      const strip = Array.from({ length: 30 }, (_, i) => rgbAt(x + i, y + 18).slice(0, 3));
      assert.ok(strip.some((p) => p.every((v) => v === 0)), `tile at ${x},${y}: a black strip`);
      assert.ok(strip.some((p) => p.every((v) => v > 200)), `tile at ${x},${y}: light text`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SnapshotWriter with keep leaves only the newest snapshots on disk", async () => {
  const dir = await Deno.makeTempDir({ prefix: "netgear-snapshots-keep-" });
  try {
    const files: string[] = [];
    // A file of someone else's in the folder is never touched.
    await Deno.writeTextFile(`${dir}/notes.txt`, "mine");
    const writer = await SnapshotWriter.create({
      dir,
      keys: [5566],
      tile: [16, 12],
      intervalMs: 10,
      keep: 2,
      onWrite: (file) => files.push(file),
    });
    for (let i = 0; i < 200 && files.length < 5; i++) {
      writer.update(5566, solid([i, 0, 0]));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await writer.close();
    assert.ok(files.length >= 5, `only ${files.length} snapshots written`);
    const left = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
    assert.deepEqual(left, [...files.slice(-2).map((f) => f.slice(dir.length + 1)), "notes.txt"]);
    await assert.rejects(
      SnapshotWriter.create({ dir, keys: [], tile: [16, 12], keep: 0 }),
      /Cannot keep 0 snapshots/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
