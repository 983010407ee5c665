import assert from "node:assert/strict";
import { FrameRate } from "../src/frame_rate.ts";

Deno.test("a steady 15 fps stream reads 15 recent and 15 on average", () => {
  const rate = new FrameRate();
  for (let i = 0; i <= 150; i++) rate.tick(10_000 + i * (1000 / 15));
  const end = 10_000 + 150 * (1000 / 15);
  assert.ok(Math.abs(rate.recent(end) - 15) <= 0.6, `recent ${rate.recent(end)}`);
  assert.ok(Math.abs(rate.average - 15) < 0.01, `average ${rate.average}`);
  assert.equal(rate.frames, 151);
});

Deno.test("a burst of queued frames moves the recent rate by its size over the window, not to hundreds", () => {
  const rate = new FrameRate({ windowMs: 2000 });
  for (let i = 0; i < 60; i++) rate.tick(i * 66.7); // 4 s at 15 fps
  for (let i = 0; i < 16; i++) rate.tick(4000 + i * 0.5); // 16 frames within 8 ms
  const recent = rate.recent(4010);
  assert.ok(recent < 25, `recent ${recent}`);
  assert.ok(recent > 15, `the burst counts: ${recent}`);
});

Deno.test("a stream's first frames do not spike the rate; a stream that stopped falls to 0", () => {
  const rate = new FrameRate();
  assert.equal(rate.recent(0), 0);
  rate.tick(1000);
  rate.tick(1005);
  assert.ok(rate.recent(1010) <= 2, `two frames 5 ms apart: ${rate.recent(1010)}`);
  for (let t = 1100; t <= 5000; t += 100) rate.tick(t);
  assert.ok(Math.abs(rate.recent(5000) - 10) <= 0.6);
  assert.ok(rate.recent(6000) > 0 && rate.recent(6000) < 10, "half the window has frames");
  assert.equal(rate.recent(7100), 0);
  assert.ok(Math.abs(rate.average - 10) < 0.3, `average ${rate.average}`);
});

Deno.test("a window that is not a positive number is refused", () => {
  for (const windowMs of [0, -5, NaN, Infinity]) {
    assert.throws(() => new FrameRate({ windowMs }), RangeError);
  }
});
