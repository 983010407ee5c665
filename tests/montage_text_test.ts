import assert from "node:assert/strict";
import { createFrame, type Frame } from "../src/frame.ts";
import { drawText, measureText } from "../src/montage/mod.ts";

function blank(width: number, height: number, channels = 3): Frame {
  const shape = channels === 1 ? [height, width] : [height, width, channels];
  return createFrame(new Uint8Array(width * height * channels), shape);
}

/** The bounding box of the pixels that differ from zero, or undefined when none do. */
function inkBox(frame: Frame): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const [height, width, channels = 1] = frame.shape;
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      if (frame.data.subarray(at, at + channels).some((v) => v !== 0)) {
        box ??= { x0: x, y0: y, x1: x, y1: y };
        box.x0 = Math.min(box.x0, x);
        box.y0 = Math.min(box.y0, y);
        box.x1 = Math.max(box.x1, x);
        box.y1 = Math.max(box.y1, y);
      }
    }
  }
  return box;
}

function pixelAt(frame: Frame, x: number, y: number): number[] {
  const channels = frame.shape[2] ?? 1;
  const at = (y * frame.shape[1] + x) * channels;
  return [...frame.data.subarray(at, at + channels)];
}

Deno.test("measureText() gives 6·scale per character less the last gap, 10·scale per line less one row, plus padding", () => {
  assert.deepEqual(measureText("abc", { scale: 1, padding: 0 }), { width: 17, height: 9 });
  assert.deepEqual(measureText("abc", { scale: 2 }), { width: 34 + 4, height: 18 + 4 });
  assert.deepEqual(measureText("ab\nlonger", { scale: 3, padding: 1 }), {
    width: 35 * 3 + 2,
    height: 19 * 3 + 2,
  });
});

Deno.test("drawText() inks only inside its text box, padding excluded, and returns the frame", () => {
  const frame = blank(200, 100);
  const result = drawText(frame, "Hello, Server-1", { x: 20, y: 30, scale: 2, padding: 3 });
  assert.equal(result, frame);
  const box = inkBox(frame);
  assert.ok(box);
  const size = measureText("Hello, Server-1", { scale: 2, padding: 0 });
  assert.ok(box.x0 >= 23 && box.y0 >= 33, `ink starts at ${box.x0},${box.y0}`);
  assert.ok(
    box.x1 < 23 + size.width && box.y1 < 33 + size.height,
    `ink ends at ${box.x1},${box.y1}`,
  );
  // "H" starts with a full-height stem at the text's left edge; "," reaches into the descender.
  assert.equal(box.x0, 23);
  assert.equal(box.y0, 33);
  assert.equal(box.y1, 33 + 9 * 2 - 1);
  assert.deepEqual(pixelAt(frame, 23, 33), [255, 255, 255]);
});

Deno.test("drawText() fills the background box exactly, padding included", () => {
  const frame = blank(120, 60);
  drawText(frame, "30.0 fps", { x: 5, y: 7, scale: 2, background: [0, 0, 255] });
  const size = measureText("30.0 fps", { scale: 2 });
  const box = inkBox(frame);
  assert.deepEqual(box, { x0: 5, y0: 7, x1: 5 + size.width - 1, y1: 7 + size.height - 1 });
  assert.deepEqual(pixelAt(frame, 5, 7), [255, 0, 0]); // red in BGR
  assert.deepEqual(pixelAt(frame, 4, 7), [0, 0, 0]);
});

Deno.test("drawText() maps [r, g, b] colours to BGR by default and to RGB on request", () => {
  const bgr = drawText(blank(20, 20), "#", {
    x: 0,
    y: 0,
    scale: 1,
    padding: 0,
    color: [10, 20, 30],
  });
  const rgb = drawText(blank(20, 20), "#", {
    x: 0,
    y: 0,
    scale: 1,
    padding: 0,
    color: [10, 20, 30],
    channelOrder: "rgb",
  });
  // "#" has ink at (1, 0).
  assert.deepEqual(pixelAt(bgr, 1, 0), [30, 20, 10]);
  assert.deepEqual(pixelAt(rgb, 1, 0), [10, 20, 30]);
});

Deno.test("drawText() draws on gray frames with the colour's luma and on 4-channel frames opaquely", () => {
  const gray = drawText(blank(20, 20, 1), "I", { scale: 1, padding: 0, color: [255, 0, 0] });
  assert.deepEqual(pixelAt(gray, 2, 1), [76]);
  const grayOne = drawText(createFrame(new Uint8Array(400), [20, 20, 1]), "I", {
    scale: 1,
    padding: 0,
  });
  assert.deepEqual(pixelAt(grayOne, 2, 1), [255]);
  const bgra = drawText(blank(20, 20, 4), "I", { scale: 1, padding: 0, color: [1, 2, 3] });
  assert.deepEqual(pixelAt(bgra, 2, 1), [3, 2, 1, 255]);
  assert.deepEqual(pixelAt(bgra, 0, 1), [0, 0, 0, 0]);
});

Deno.test("drawText() draws characters outside printable ASCII as '?'", () => {
  const unknown = drawText(blank(80, 30), "é€\t😀", { scale: 2 });
  const question = drawText(blank(80, 30), "????", { scale: 2 });
  assert.deepEqual(measureText("😀"), measureText("?"));
  assert.deepEqual(unknown.data, question.data);
  assert.ok(question.data.some((v) => v !== 0));
});

Deno.test("drawText() draws the labels' separator '·' and ellipsis '…' as themselves, not '?'", () => {
  const question = drawText(blank(5, 9, 1), "?", { scale: 1, padding: 0 });
  const dot = drawText(blank(5, 9, 1), "·", { scale: 1, padding: 0 });
  const ellipsis = drawText(blank(5, 9, 1), "…", { scale: 1, padding: 0 });
  assert.deepEqual([...dot.data].filter((v) => v !== 0).length, 1);
  assert.deepEqual([...ellipsis.data].filter((v) => v !== 0).length, 3);
  assert.notDeepEqual(dot.data, question.data);
  assert.deepEqual(measureText("a·b…"), measureText("abcd"));
});

Deno.test("drawText() draws distinct glyphs for every printable ASCII character", () => {
  const seen = new Map<string, string>();
  for (let code = 33; code <= 126; code++) {
    const char = String.fromCharCode(code);
    const frame = drawText(blank(5, 9, 1), char, { scale: 1, padding: 0 });
    const key = [...frame.data].join("");
    assert.ok(frame.data.some((v) => v !== 0), `${char} draws nothing`);
    assert.equal(seen.get(key), undefined, `${char} looks like ${seen.get(key)}`);
    seen.set(key, char);
  }
  assert.ok(drawText(blank(5, 9, 1), " ", { scale: 1, padding: 0 }).data.every((v) => v === 0));
});

Deno.test("drawText() starts a new line at each newline", () => {
  const frame = drawText(blank(40, 60, 1), "A\nA", { scale: 1, padding: 0 });
  assert.deepEqual(pixelAt(frame, 0, 1), [255]); // the A's left stem, line 1
  assert.deepEqual(pixelAt(frame, 0, 11), [255]); // and line 2, 10 rows down
  assert.equal(inkBox(frame)?.x1, 4);
});

Deno.test("drawText() clips at every edge and never throws for text off the frame", () => {
  const long = "5566  30.0 fps  I'm Server-1 ".repeat(50);
  for (
    const [x, y] of [[-7, -5], [630, 470], [-10_000, 10], [10, 10_000], [635, -3], [1e9, -1e9]]
  ) {
    const frame = blank(640, 480);
    drawText(frame, long, { x, y, scale: 3, background: [40, 40, 40] });
    assert.equal(frame.data.byteLength, 640 * 480 * 3);
  }
  const clipped = drawText(blank(10, 10, 1), "WWW", {
    x: -3,
    y: -2,
    scale: 4,
    background: [9, 9, 9],
  });
  assert.ok(clipped.data.every((v) => v === 9 || v === 255));
  assert.deepEqual(drawText(blank(4, 4), "", { background: [1, 1, 1] }).shape, [4, 4, 3]);
  assert.deepEqual(drawText(blank(0, 0), "nothing to draw on").shape, [0, 0, 3]);
});

Deno.test("drawText() rejects bad options with messages that say what to do", () => {
  const frame = blank(10, 10);
  assert.throws(() => drawText(frame, "x", { scale: 0 }), {
    name: "RangeError",
    message: 'Cannot draw text at scale "0": use an integer from 1 to 1000',
  });
  assert.throws(() => drawText(frame, "x", { scale: 1.5 }), RangeError);
  assert.throws(() => drawText(frame, "x", { padding: -1 }), /non-negative integer/);
  assert.throws(() => drawText(frame, "x", { x: Number.NaN }), /x "NaN": use a finite number/);
  assert.throws(() => drawText(frame, "x", { color: [256, 0, 0] }), /color "\[256,0,0\]"/);
  assert.throws(
    () => drawText(frame, "x", { background: [1, 2] as unknown as [number, number, number] }),
    /background/,
  );
  assert.throws(() => drawText(frame, "x", { channelOrder: "bgra" as "bgr" }), TypeError);
  assert.throws(
    () => drawText(createFrame(new Uint16Array(4), [2, 2], "uint16"), "x"),
    {
      name: "TypeError",
      message: 'Cannot draw text on a frame of dtype "uint16": convert it to uint8 first',
    },
  );
});
