// Fuzzing a multi-server NetGear client over the wire: raw sockets send tens of thousands of
// random, mutated, truncated and oversized messages; the client must answer every one (pattern
// 1), count every one as dropped by its reason, stay up, keep its memory bounded, and still
// deliver a real server's frames byte-exact afterwards.
//
// The seed is random per run; set NETGEAR_FUZZ_SEED to replay one (it is printed on failure).
// NETGEAR_LONG_TESTS=1 sends ten times as many.

import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear, ProtocolError } from "../mod.ts";
import {
  decodeMessage,
  decodeReply,
  encodeFrameMessage,
  encodeTerminateMessage,
} from "../src/protocol/mod.ts";
import { libzmqInfo, Socket } from "../src/zmq/mod.ts";
import { delay, freePorts, within } from "./_endpoints.ts";
import { Random, seedFrom } from "./_random.ts";
import { multiServerClient } from "./_netgear_server.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const SEED = seedFrom("NETGEAR_FUZZ_SEED");
const LONG = Deno.env.get("NETGEAR_LONG_TESTS") === "1";

class Fuzzer extends Random {
  readonly #text = new TextEncoder();

  utf8(text: string): Uint8Array {
    return this.#text.encode(text);
  }

  /** A frame of random size and bytes. */
  frame(): Frame {
    const shape = this.pick([[2, 3], [4, 5, 3], [1], [3, 3, 4], [0, 5]]);
    return createFrame(this.bytes(shape.reduce((a, b) => a * b, 1)), shape);
  }

  /** A well-formed header object (as Python's json.dumps writes it) and its payload. */
  #validHeader(): { header: Record<string, unknown>; payload: Uint8Array } {
    const frame = this.frame();
    return {
      header: {
        port: this.pick([5566, "5567", 1]),
        terminate_flag: false,
        compression: false,
        message: this.pick([null, "hi", { a: [1, 2] }, 3.5]),
        pattern: "1",
        dtype: "uint8",
        shape: frame.shape,
      },
      payload: frame.data,
    };
  }

  /** A header object with one or more semantic mutations. */
  #mutatedObject(): Uint8Array[] {
    const { header, payload } = this.#validHeader();
    let body = payload;
    let parts: number | undefined;
    const rounds = 1 + this.int(3);
    for (let r = 0; r < rounds; r++) {
      switch (this.int(12)) {
        case 0:
          header.dtype = this.pick(["uint9", "", 5, null, "float128", "<u1", ["uint8"], "UINT8"]);
          break;
        case 1:
          header.shape = this.pick([
            [-1, 3],
            [2, -3],
            [1e9, 1e9, 1e9],
            [2 ** 53, 2],
            [1.5, 4],
            [],
            Array(33).fill(1),
            "2,3",
            null,
            [[2], 3],
            [NaN],
          ]);
          break;
        case 2:
          body = this.bytes(Math.max(0, payload.length + this.pick([-1, 1, 7, -payload.length])));
          break;
        case 3:
          delete header[this.pick(["terminate_flag", "compression", "dtype", "shape", "port"])];
          break;
        case 4:
          header.terminate_flag = this.pick(["false", 0, 1, null, "true", []]);
          break;
        case 5:
          header.compression = this.pick([
            "jpeg",
            true,
            0,
            {},
            { dct: "yes", ups: false, colorspace: "BGR" },
            { dct: true, ups: false, colorspace: "XYZ" },
          ]);
          break;
        case 6:
          header.port = this.pick([{}, true, [5566], null]);
          break;
        case 7: {
          const depth = this.pick([255, 257, 300, 5000, 100_000]);
          header.message = "__DEEP__";
          const text = JSON.stringify(header).replace(
            '"__DEEP__"',
            this.pick(["[", '{"a":'] as const).repeat(depth) + "0" +
              "]".repeat(depth),
          );
          return [this.utf8(text), body];
        }
        case 8:
          header.terminate_flag = true; // a terminate with a payload part
          break;
        case 9:
          parts = this.pick([1, 3, 4]);
          break;
        case 10:
          header.pattern = this.pick([1, "9", null, {}]);
          break;
        default:
          header.message = this.pick([{ deep: { er: [1, [2, [3]]] } }, "x".repeat(5000), -0]);
      }
    }
    const head = this.utf8(JSON.stringify(header));
    const all = [head, body, this.bytes(this.int(8)), this.bytes(this.int(8))];
    return all.slice(0, parts ?? 2);
  }

  /** Byte-level mutations of a real encoded message (JSON or msgpack header). */
  #mutatedBytes(): Uint8Array[] {
    const headerFormat = this.pick(["json", "msgpack"] as const);
    const parts = this.int(5) === 0
      ? encodeTerminateMessage({ port: this.pick([5566, undefined]), headerFormat })
      : encodeFrameMessage({
        frame: this.frame(),
        message: this.pick([null, "hi", [1, 2, 3]]),
        pattern: 1,
        port: this.pick([5566, undefined]),
        headerFormat,
      });
    const head = parts[0].slice();
    let out: Uint8Array;
    switch (this.int(4)) {
      case 0: // truncate
        out = head.subarray(0, this.int(head.length));
        break;
      case 1: // flip a few bytes
        out = head;
        for (let i = 0, n = 1 + this.int(3); i < n; i++) out[this.int(out.length)] = this.int(256);
        break;
      case 2: // garbage appended
        out = new Uint8Array([...head, ...this.bytes(1 + this.int(16))]);
        break;
      default: { // a slice cut out of the middle
        const at = this.int(head.length);
        out = new Uint8Array([...head.subarray(0, at), ...head.subarray(at + 1 + this.int(8))]);
      }
    }
    return [out, ...parts.slice(1)];
  }

  /** Deeply nested msgpack: a 1-key map whose value nests fixarrays `depth` deep. */
  #deepMsgpack(): Uint8Array[] {
    const depth = this.pick([200, 257, 1000, 50_000]);
    const key = this.utf8("message");
    const head = new Uint8Array([
      0x81,
      0xa0 | key.length,
      ...key,
      ...Array(depth).fill(0x91),
      0xc0,
    ]);
    return [head, this.bytes(this.int(4))];
  }

  /** A message far larger than its header says, or than any header: 64 KiB to 1 MiB. */
  oversized(): Uint8Array[] {
    const size = 65_536 + this.int(1_048_576 - 65_536);
    const { header, payload } = this.#validHeader();
    switch (this.int(5)) {
      case 0: // the payload does not match the shape
        return [this.utf8(JSON.stringify(header)), this.bytes(size)];
      case 1: // one huge part of noise
        return [this.bytes(size)];
      case 2: { // a huge header, missing a key
        header.message = "x".repeat(size);
        delete header.dtype;
        return [this.utf8(JSON.stringify(header)), payload];
      }
      case 3: // hundreds of parts
        return Array.from({ length: 50 + this.int(300) }, () => this.bytes(this.int(2048)));
      default: // an absurd shape with a big payload
        header.shape = [1e6, 1e6, 3];
        return [this.utf8(JSON.stringify(header)), this.bytes(size)];
    }
  }

  /** One random message of 1 to 4 parts. */
  message(): Uint8Array[] {
    switch (this.int(5)) {
      case 0:
        return Array.from(
          { length: 1 + this.int(4) },
          () => this.bytes(this.pick([0, 1, 4, 16, 64, 300])),
        );
      case 1: { // starts like a header, then noise
        const prefix = this.pick(["{", '{"terminate_flag":', "\x81", "\x8f", "\xde\xff\xff", "["]);
        return [
          new Uint8Array([...this.utf8(prefix), ...this.bytes(this.int(40))]),
          this.bytes(this.int(20)),
        ];
      }
      case 2:
        return this.#mutatedBytes();
      case 3:
        return this.int(10) === 0 ? this.#deepMsgpack() : this.#mutatedObject();
      default:
        return this.#mutatedObject();
    }
  }

  /**
   * The next message that a multi-server client must refuse, with the reason it will count.
   * Well-formed messages (a mutation can leave one valid) are skipped.
   */
  malformed(oversizedShare = 0): { parts: Uint8Array[]; reason: string } {
    for (let tries = 0; tries < 1000; tries++) {
      const parts = this.float() < oversizedShare ? this.oversized() : this.message();
      let decoded;
      try {
        decoded = decodeMessage(parts);
      } catch (error) {
        if (error instanceof ProtocolError) return { parts, reason: error.reason };
        // Anything else would escape the client's receive loop: a library bug.
        throw new Error(`decodeMessage threw a non-protocol error: ${error}`, { cause: error });
      }
      if (decoded.kind === "frame" && decoded.port === undefined) {
        return { parts, reason: "missing-key" }; // multi-server frames need their port
      }
    }
    throw new Error("could not generate a malformed message");
  }
}

function add(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

function sorted(counts: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
}

/** Runs `body` and prints the seed if it fails. */
async function withSeed(body: (fuzz: Fuzzer) => Promise<void>): Promise<void> {
  try {
    await body(new Fuzzer(SEED));
  } catch (error) {
    console.error(`netgear fuzz failed: rerun with NETGEAR_FUZZ_SEED=${SEED}`);
    throw error;
  }
}

/** A real multi-server server sends `frames` to the client; they must arrive byte-exact. */
async function checkGoodFrames(
  client: NetGear,
  first: Promise<unknown>,
  port: number,
  pattern: 1 | 2,
  fuzz: Fuzzer,
): Promise<void> {
  const frames = Array.from({ length: 5 }, () => fuzz.frame());
  const server = new NetGear({ address: "127.0.0.1", port, pattern, multiserverMode: true });
  try {
    const sending = (async () => {
      for (let i = 0; i < frames.length; i++) await server.send(frames[i], { message: { i } });
    })();
    const got = [await within(first, 10_000, "first good frame")];
    for (let i = 1; i < frames.length; i++) got.push(await within(client.recv(), 10_000, "frame"));
    await within(sending, 10_000, "good server");
    got.forEach((item, i) => {
      const { port: from, frame, message } = item as {
        port: unknown;
        frame: Frame;
        message: unknown;
      };
      assert.equal(from, port);
      assert.deepEqual(message, { i });
      assert.deepEqual(frame.shape, frames[i].shape);
      assert.equal(frame.dtype, "uint8");
      assert.deepEqual(frame.data, frames[i].data, `good frame ${i} bytes`);
    });
  } finally {
    await server.close();
  }
}

/** Resident memory of this process, in MiB (after a full GC when `--v8-flags=--expose-gc`). */
function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** How much the resident memory may grow over the fuzzing, after a warm-up (generous: it is
 * the allocator's business when freed memory goes back; a leak per message would pass it). */
const RSS_GROWTH_MIB = 160;

const FUZZ_RUNS = [
  { pattern: 1 as const, total: LONG ? 200_000 : 20_000, oversizedShare: 0.03 },
  { pattern: 2 as const, total: LONG ? 300_000 : 30_000, oversizedShare: 0.03 },
];

for (const { pattern, total, oversizedShare } of FUZZ_RUNS) {
  Deno.test(
    `fuzz pattern ${pattern}: ${total} random, truncated and oversized messages from a raw ${
      pattern === 1 ? "REQ are all answered" : "XPUB are all"
    } counted, memory stays bounded, good frames still arrive`,
    async () => {
      await withSeed(async (fuzz) => {
        const ports = freePorts(2);
        // Liveness off: the listed servers stay "waiting" however long the fuzzing takes.
        const client = multiServerClient(ports, pattern, { livenessTimeout: 0 });
        const raw = new Socket(pattern === 1 ? "REQ" : "XPUB");
        raw.linger = 0;
        // XPUB: wait instead of dropping, so that every message reaches the client.
        if (pattern === 2) raw.xpubNoDrop = true;
        let settled: string | undefined;
        const first = client.recv();
        first.then(
          (v) => settled = `resolved with ${v === null ? "null" : "an item"}`,
          (e) => settled = `rejected: ${e}`,
        );
        const expected: Record<string, number> = {};
        const dropped = () => Object.values(client.stats.dropped).reduce((a, b) => a + b, 0);
        /** Sends `count` malformed messages; pattern 1 checks each reply. */
        const fire = async (count: number, sent: number) => {
          for (let n = sent; n < sent + count; n++) {
            const { parts, reason } = fuzz.malformed(oversizedShare);
            await raw.send(parts, { timeout: 5000 });
            add(expected, reason);
            if (pattern === 2) continue;
            const reply = await raw.receive({ timeout: 5000 }).catch((error) => {
              throw new Error(
                `no reply to message ${n} (${reason}); client ${settled ?? "pending"}`,
                {
                  cause: error,
                },
              );
            });
            assert.equal(decodeReply(reply).kind, "text", `reply ${n} is an acknowledgement`);
            assert.equal(settled, undefined, `after message ${n}`);
          }
          // Pattern 2: the client reads on in the background; wait (bounded) until it caught up.
          const deadline = performance.now() + 30_000;
          while (dropped() < sent + count && performance.now() < deadline && !settled) {
            await delay(10);
          }
          assert.equal(dropped(), sent + count, "every malformed message counted");
        };
        try {
          raw.connect(`tcp://127.0.0.1:${ports[0]}`);
          if (pattern === 2) {
            const subscription = await raw.receive({ timeout: 10_000 });
            assert.equal(subscription[0][0], 1, "the client subscribes");
          }
          const warmUp = total / 10; // the heap and the allocators reach their working size
          await fire(warmUp, 0);
          const rssBefore = rssMiB();
          await within(fire(total - warmUp, warmUp), 120_000, "fuzzing");
          const rssAfter = rssMiB();
          if (Deno.env.get("NETGEAR_FUZZ_VERBOSE")) {
            console.log(
              SEED,
              expected,
              `RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB`,
            );
          }
          assert.equal(settled, undefined, "the client stays up");
          assert.deepEqual(sorted(client.stats.dropped), sorted(expected));
          assert.equal(dropped(), total);
          assert.equal(client.stats.frames, 0);
          assert.ok(client.servers.every((s) => s.state === "waiting" && s.frames === 0));
          assert.ok(
            rssAfter - rssBefore < RSS_GROWTH_MIB,
            `RSS grew from ${rssBefore.toFixed(0)} to ${rssAfter.toFixed(0)} MiB`,
          );
          await checkGoodFrames(client, first, ports[1], pattern, fuzz);
        } finally {
          await raw.close();
          await client.close();
          await first.catch(() => {});
        }
      });
    },
  );
}
