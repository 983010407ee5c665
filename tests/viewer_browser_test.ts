/// <reference lib="dom" />
// The live viewer in a real headless browser (Debian chromium through playwright-core): the
// page shows every server's frames in their true colours, they change over time, and a server
// that leaves disappears; once fed directly, once through real NetGear sockets.
//
// NETGEAR_UPDATE_SCREENSHOT=1 also rewrites docs/viewer.png from the NetGear test.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { createFrame, type Frame, NetGear } from "../mod.ts";
import { SyntheticSource } from "../src/capture/mod.ts";
import { jpegCodec } from "../src/codec/mod.ts";
import { removeOnLeave, startViewer, watchClient } from "../src/viewer/mod.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";
import { delay, freePort, within } from "./_endpoints.ts";
import { launchChromium, SKIP_BROWSER } from "./_browser.ts";
import { skipIf } from "./_skip.ts";

libzmqInfo(); // native libraries load once, before the sanitizers watch
(await jpegCodec()).close();

const WAIT_MS = 20_000; // generous: the machine is shared

/** A `[h, w, 3]` frame of one colour, given as bytes in the frame's own channel order. */
function solid(bytes: [number, number, number], [h, w] = [120, 160]): Frame {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i += 3) data.set(bytes, i);
  return createFrame(data, [h, w, 3]);
}

/** The selector of the tile of server `key`. */
const tileOf = (key: string | number) => `figure.tile[data-key="${key}"]`;

/** The painted colour at the centre of a tile's canvas, `[r, g, b]`. */
async function centre(page: Page, key: string | number): Promise<number[]> {
  return await page.$eval(`${tileOf(key)} canvas`, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const pixel = c.getContext("2d")!.getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
    return [pixel[0], pixel[1], pixel[2]];
  });
}

/** A fingerprint of everything painted in a tile's canvas. */
async function fingerprint(page: Page, key: string | number): Promise<string> {
  return await page.$eval(`${tileOf(key)} canvas`, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 16777619);
    return `${c.width}x${c.height}:${hash >>> 0}`;
  });
}

/** Waits (bounded) until the pixels of `key`'s tile differ from `old`. */
async function untilChanged(page: Page, key: string | number, old: string): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (await fingerprint(page, key) === old) {
    if (performance.now() > deadline) throw new Error(`tile ${key} did not change`);
    await delay(200);
  }
}

/** Waits until the centre of `key`'s tile shows about `rgb`. */
async function untilColour(page: Page, key: string | number, rgb: number[]): Promise<void> {
  await page.waitForFunction(
    ([selector, expected]) => {
      const c = document.querySelector(`${selector} canvas`) as HTMLCanvasElement | null;
      if (!c || c.width === 0) return false;
      const pixel = c.getContext("2d")!.getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
      return (expected as number[]).every((v, i) => Math.abs(pixel[i] - v) <= 16);
    },
    [tileOf(key), rgb] as const,
    { timeout: WAIT_MS },
  );
}

/** Waits until the page shows exactly the tiles `keys`, in any order. */
async function untilTiles(page: Page, keys: (string | number)[]): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll("figure.tile")]
        .map((f) => (f as HTMLElement).dataset.key).sort();
      return JSON.stringify(shown) === JSON.stringify(expected);
    },
    keys.map(String).sort(),
    { timeout: WAIT_MS },
  );
}

Deno.test({
  name: "viewer in chromium: tiles fed directly show their colours, change, and leave",
  ignore: skipIf(import.meta.url, SKIP_BROWSER ? "NETGEAR_SKIP_BROWSER=1 is set" : undefined),
  fn: async () => {
    await using viewer = await startViewer({ title: "direct", maxFps: 20 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(viewer.url);
      assert.equal(await page.title(), "direct");
      await page.waitForSelector("#empty", { state: "visible", timeout: WAIT_MS });

      viewer.update(5566, solid([255, 0, 0]), { message: "I'm Server-1", fps: 29.97 }); // BGR blue
      viewer.update(5567, solid([255, 0, 0]), { channelOrder: "rgb", label: "rgb cam" }); // red
      const gray = createFrame(new Uint8Array(120 * 160).fill(180), [120, 160]);
      viewer.update("gray", gray);
      await untilTiles(page, [5566, 5567, "gray"]);
      await untilColour(page, 5566, [0, 0, 255]);
      await untilColour(page, 5567, [255, 0, 0]);
      await untilColour(page, "gray", [180, 180, 180]);
      assert.equal(await page.isHidden("#empty"), true);
      assert.equal(await page.textContent(`${tileOf(5566)} .message`), "I'm Server-1");
      assert.equal(await page.textContent(`${tileOf(5566)} .fps`), "30.0 fps");
      assert.equal(await page.textContent(`${tileOf(5567)} .label`), "rgb cam");

      // New frames replace the old ones on the page.
      viewer.update(5566, solid([0, 255, 0])); // BGR green
      viewer.update(5567, solid([0, 0, 255]), { channelOrder: "rgb" }); // blue
      await untilColour(page, 5566, [0, 255, 0]);
      await untilColour(page, 5567, [0, 0, 255]);

      // A bad frame is named on its tile; the last good frame stays.
      viewer.update("gray", createFrame(new Uint8Array(7), [7]));
      await page.waitForFunction(
        (selector) => /dropped frame/.test(document.querySelector(selector)?.textContent ?? ""),
        `${tileOf("gray")} .error`,
        { timeout: WAIT_MS },
      );
      assert.deepEqual(
        (await centre(page, "gray")).map((v) => Math.abs(v - 180) <= 16),
        [true, true, true],
      );

      viewer.remove(5567);
      await untilTiles(page, [5566, "gray"]);
      viewer.remove(5566);
      viewer.remove("gray");
      await untilTiles(page, []);
      await page.waitForSelector("#empty", { state: "visible", timeout: WAIT_MS });
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "viewer in chromium: a NetGear client's two servers show live, and one that leaves goes",
  ignore: skipIf(import.meta.url, SKIP_BROWSER ? "NETGEAR_SKIP_BROWSER=1 is set" : undefined),
  fn: async () => {
    const address = "127.0.0.1";
    const ports = [freePort(), freePort()];
    await using viewer = await startViewer({ title: "NetGear multi-server" });
    const client = new NetGear({
      address,
      port: ports,
      pattern: 1,
      receiveMode: true,
      multiserverMode: true,
      onServerEvent: removeOnLeave(viewer),
    });
    const receiving = (async () => {
      for await (const item of client) watchClient(viewer, item, client);
    })();
    const stops = ports.map(() => new AbortController());
    const serving = ports.map(async (port, i) => {
      const name = `Server-${i + 1}`;
      const signal = stops[i].signal;
      await using source = new SyntheticSource({ width: 320, height: 240, fps: 15, name, signal });
      await using server = new NetGear({ address, port, pattern: 1, multiserverMode: true });
      let n = 0;
      for await (const frame of source) {
        await server.send(frame, { message: `${name} frame ${n++}` });
      }
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 440 } });
      await page.goto(viewer.url);
      await untilTiles(page, ports);
      for (const [i, port] of ports.entries()) {
        await page.waitForFunction(
          (selector) => Number(document.querySelector(selector)?.getAttribute("data-painted")) >= 2,
          tileOf(port),
          { timeout: WAIT_MS },
        );
        assert.match(
          await page.textContent(`${tileOf(port)} .label`) ?? "",
          new RegExp(`^port ${port}.* · age \\d+ ms \\(p99 \\d+\\)$`),
          "the label names the port and shows the frames' age",
        );
        await page.waitForFunction(
          ([selector, name]) =>
            new RegExp(`^${name} frame \\d+$`).test(
              document.querySelector(selector)?.textContent ?? "",
            ),
          [`${tileOf(port)} .message`, `Server-${i + 1}`] as const,
          { timeout: WAIT_MS },
        );
      }

      // The frames move: each tile's pixels change over time.
      const before = await Promise.all(ports.map((port) => fingerprint(page, port)));
      for (const [i, port] of ports.entries()) await untilChanged(page, port, before[i]);
      assert.match(before[0], /^320x240:/, "the frame at its own size");
      const fps = Number.parseFloat(await page.textContent(`${tileOf(ports[0])} .fps`) ?? "");
      assert.ok(fps > 0, `fps shown: ${fps}`);

      if (Deno.env.get("NETGEAR_UPDATE_SCREENSHOT") === "1") {
        await page.screenshot({ path: "docs/viewer.png" });
      }

      // Server 2 stops (its close sends the terminate): its tile goes, server 1 keeps going.
      stops[1].abort();
      await untilTiles(page, [ports[0]]);
      await untilChanged(page, ports[0], await fingerprint(page, ports[0]));
    } finally {
      await browser.close();
      for (const stop of stops) stop.abort();
      await within(Promise.all(serving), WAIT_MS, "the servers' end");
      await within(receiving, WAIT_MS, "the client's end");
      await client.close();
    }
  },
});

Deno.test({
  name: "viewer in chromium: tiles are in port order, whatever order servers join in",
  ignore: skipIf(import.meta.url, SKIP_BROWSER ? "NETGEAR_SKIP_BROWSER=1 is set" : undefined),
  fn: async () => {
    await using viewer = await startViewer({ title: "order", maxFps: 20 });
    const browser = await launchChromium();
    const order = (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll("figure.tile")].map((f) => (f as HTMLElement).dataset.key)
      );
    try {
      for (const key of [5570, "cam", 5566]) viewer.update(key, solid([90, 90, 90]));
      const page = await browser.newPage();
      await page.goto(viewer.url);
      await untilTiles(page, [5566, 5570, "cam"]);
      assert.deepEqual(await order(page), ["5566", "5570", "cam"]);
      // Servers joining later take their place by port, not at the end.
      viewer.update(5568, solid([90, 90, 90]));
      viewer.update(10000, solid([90, 90, 90]));
      await untilTiles(page, [5566, 5568, 5570, 10000, "cam"]);
      assert.deepEqual(await order(page), ["5566", "5568", "5570", "10000", "cam"]);
      await untilColour(page, 5568, [90, 90, 90]);
    } finally {
      await browser.close();
    }
  },
});
