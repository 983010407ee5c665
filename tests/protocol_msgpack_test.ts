// msgpack headers: key order, binary and typed-array messages, the extension layout, and
// malformed msgpack.

import assert from "node:assert/strict";
import { decode as rawDecode, encode as rawEncode, ExtData } from "../src/_deps/msgpack.ts";
import { ProtocolError } from "../src/errors.ts";
import type { Frame } from "../src/frame.ts";
import {
  decodeMessage,
  decodeReply,
  encodeDataReply,
  encodeFrameMessage,
  encodeTerminateMessage,
  type FrameMessage,
  MAX_HEADER_DEPTH,
  TYPED_ARRAY_EXTENSION_TYPE,
  TYPED_ARRAY_KIND_CODES,
} from "../src/protocol/mod.ts";

const frame: Frame = { shape: [2, 2], dtype: "uint8", data: new Uint8Array([1, 2, 3, 4]) };

function roundTrip(message: unknown): unknown {
  const parts = encodeFrameMessage({ frame, message, headerFormat: "msgpack", pattern: 1 });
  const decoded = decodeMessage(parts) as FrameMessage;
  assert.equal(decoded.format, "msgpack");
  return decoded.message;
}

function assertBadHeader(header: Uint8Array, detail?: RegExp): void {
  assert.throws(
    () => decodeMessage([header, frame.data]),
    (error: unknown) => {
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${error}`);
      assert.equal(error.reason, "bad-header", error.message);
      if (detail) assert.match(error.message, detail);
      return true;
    },
  );
}

/** A msgpack frame header whose `message` is the given raw msgpack value bytes. */
function headerWithRawMessage(rawMessage: Uint8Array): Uint8Array {
  const before = rawEncode({
    terminate_flag: false,
    compression: false,
    dtype: "uint8",
    shape: [2, 2],
  });
  // Bump the fixmap count from 4 to 5 and append "message": <raw>.
  const key = rawEncode("message");
  const out = new Uint8Array(before.length + key.length + rawMessage.length);
  out.set(before);
  out[0] = 0x85;
  out.set(key, before.length);
  out.set(rawMessage, before.length + key.length);
  return out;
}

Deno.test("a msgpack header is a map with the JSON header's keys in the same order", () => {
  const [header] = encodeFrameMessage({
    frame,
    headerFormat: "msgpack",
    message: "hi",
    pattern: 2,
  });
  assert.equal(header[0], 0x86); // a fixmap of 6 keys
  const map = rawDecode(header) as Record<string, unknown>;
  assert.deepEqual(Object.keys(map), [
    "terminate_flag",
    "compression",
    "message",
    "pattern",
    "dtype",
    "shape",
  ]);
  assert.deepEqual(map, {
    terminate_flag: false,
    compression: false,
    message: "hi",
    pattern: "2",
    dtype: "uint8",
    shape: [2, 2],
  });
  const [withPort] = encodeFrameMessage({ frame, headerFormat: "msgpack", port: 5566 });
  assert.equal(withPort[0], 0x87);
  assert.equal(Object.keys(rawDecode(withPort) as object)[0], "port");
  const [terminate] = encodeTerminateMessage({ headerFormat: "msgpack", port: "5566" });
  assert.deepEqual(Object.keys(rawDecode(terminate) as object), ["terminate_flag", "port"]);
});

Deno.test("round-trips binary data, every typed array kind, bigints and nested values", () => {
  const message = {
    bin: new Uint8Array([0, 1, 254, 255]),
    i8: new Int8Array([-128, 127]),
    u8c: new Uint8ClampedArray([0, 255]),
    i16: new Int16Array([-2, 300]),
    u16: new Uint16Array([65535, 1]),
    i32: new Int32Array([-(2 ** 31), 5]),
    u32: new Uint32Array([2 ** 32 - 1]),
    f16: new Float16Array([1.5, -2]),
    f32: new Float32Array([1.5, -0.25, NaN, Infinity]),
    f64: new Float64Array([Math.PI, -Infinity]),
    b64: new BigInt64Array([-(2n ** 63n), 7n]),
    bu64: new BigUint64Array([2n ** 64n - 1n]),
    empty: new Float32Array(0),
    nested: {
      list: [1, "two", null, true, 2.5, { deep: [new Uint16Array([9])] }],
      map: { "2": "x" },
    },
    numbers: [2 ** 40, -(2 ** 40), 2 ** 53 - 1, 0.1, NaN, -Infinity],
    bigints: [2n ** 63n - 1n, -5n, 0n, 2n ** 64n - 1n],
    when: new Date(1_700_000_000_123),
  };
  const decoded = roundTrip(message) as typeof message;
  assert.deepEqual(decoded, message);
  for (const key of Object.keys(message) as (keyof typeof message)[]) {
    assert.equal(decoded[key].constructor, message[key].constructor, key);
  }
  assert.equal((decoded.nested.list[5] as { deep: unknown[] }).deep[0]?.constructor, Uint16Array);
  assert.equal(typeof decoded.numbers[0], "number");
  assert.equal(typeof decoded.bigints[1], "bigint");
});

Deno.test("binary messages and plain values round-trip at the top level", () => {
  for (
    const message of [
      null,
      "s",
      0,
      -1,
      1.5,
      true,
      [],
      {},
      new Uint8Array(300),
      new Float64Array([1, 2]),
    ]
  ) {
    assert.deepEqual(roundTrip(message), message);
  }
  assert.equal(roundTrip(undefined), null);
  assert.deepEqual(roundTrip({ kept: 1, dropped: undefined }), { kept: 1 });
});

Deno.test("typed arrays use extension 0x4e: a kind byte then little-endian items", () => {
  assert.equal(TYPED_ARRAY_EXTENSION_TYPE, 0x4e);
  const [header] = encodeFrameMessage({
    frame,
    headerFormat: "msgpack",
    message: [new Int16Array([1, -2]), new Float32Array([1])],
  });
  const { message } = rawDecode(header) as { message: ExtData[] };
  assert.ok(message[0] instanceof ExtData);
  assert.equal(message[0].type, 0x4e);
  assert.deepEqual(
    message[0].data,
    new Uint8Array([TYPED_ARRAY_KIND_CODES.Int16Array, 1, 0, 0xfe, 0xff]),
  );
  assert.deepEqual(
    message[1].data,
    new Uint8Array([TYPED_ARRAY_KIND_CODES.Float32Array, 0, 0, 0x80, 0x3f]),
  );
  // A hand-built extension value decodes back to the kind it names.
  const ext = rawEncode(
    new ExtData(0x4e, new Uint8Array([TYPED_ARRAY_KIND_CODES.Uint32Array, 1, 0, 0, 0])),
  );
  const decoded = decodeMessage([headerWithRawMessage(ext), frame.data]) as FrameMessage;
  assert.deepEqual(decoded.message, new Uint32Array([1]));
  // A Uint8Array is plain msgpack bin (0xc4), not an extension.
  const [binHeader] = encodeFrameMessage({
    frame,
    headerFormat: "msgpack",
    message: new Uint8Array([7]),
  });
  assert.deepEqual(rawDecode(binHeader), {
    terminate_flag: false,
    compression: false,
    message: new Uint8Array([7]),
    pattern: "0",
    dtype: "uint8",
    shape: [2, 2],
  });
});

Deno.test("msgpack replies carry typed arrays and answer in msgpack", () => {
  const data = { samples: new Float32Array([0.5, 1.5]), raw: new Uint8Array([1]) };
  const parts = encodeDataReply({ data, port: "5690", headerFormat: "msgpack" });
  assert.equal(parts.length, 1);
  assert.deepEqual(decodeReply(parts), {
    kind: "data",
    port: "5690",
    returnType: "dict",
    data,
    format: "msgpack",
  });
  assert.deepEqual(decodeReply(encodeDataReply({ data: 2n ** 62n, headerFormat: "msgpack" })), {
    kind: "data",
    returnType: "int",
    data: 2n ** 62n,
    format: "msgpack",
  });
});

Deno.test("refuses values msgpack would mangle, with a TypeError", () => {
  for (
    const message of [
      new Map([["a", 1]]),
      { s: new Set([1]) },
      () => 1,
      { f: () => 1 },
      Symbol("s"),
      new ArrayBuffer(2),
      2n ** 64n,
      { big: -(2n ** 63n) - 1n },
      [2n ** 70n],
    ]
  ) {
    assert.throws(
      () => encodeFrameMessage({ frame, message, headerFormat: "msgpack" }),
      TypeError,
    );
  }
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(
    () => encodeFrameMessage({ frame, message: cyclic, headerFormat: "msgpack" }),
    TypeError,
  );
});

Deno.test("refuses malformed msgpack headers with bad-header", () => {
  const valid = encodeFrameMessage({ frame, headerFormat: "msgpack" })[0];
  assertBadHeader(valid.subarray(0, valid.length - 1)); // truncated
  assertBadHeader(new Uint8Array([...valid, 0xc0])); // trailing byte
  assertBadHeader(headerWithRawMessage(new Uint8Array([0xc1]))); // never-used byte
  // Declares 2^32-1 array items in a few bytes: refused before anything is allocated.
  const tooMany = /more items than bytes remain/;
  assertBadHeader(headerWithRawMessage(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff])), tooMany);
  assertBadHeader(headerWithRawMessage(new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff])), tooMany);
  assertBadHeader(headerWithRawMessage(new Uint8Array([0xc6, 0xff, 0xff, 0xff, 0xff, 0]))); // bin 32
  // Nested containers whose declared sizes add up to more than the bytes left.
  assertBadHeader(
    headerWithRawMessage(new Uint8Array([0xdc, 0x00, 0x04, 0xdc, 0x00, 0x04, 1, 2, 3, 4, 5, 6])),
    tooMany,
  );
  // Typed-array extensions with an unknown kind, or a length that is not whole items.
  assertBadHeader(headerWithRawMessage(rawEncode(new ExtData(0x4e, new Uint8Array([99, 0, 0])))));
  assertBadHeader(headerWithRawMessage(rawEncode(new ExtData(0x4e, new Uint8Array([7, 0, 0, 0])))));
  assertBadHeader(headerWithRawMessage(new Uint8Array([0xc7, 0x00, 0x4e]))); // empty extension
  // A map with a nil key, and a __proto__ key.
  assertBadHeader(headerWithRawMessage(new Uint8Array([0x81, 0xc0, 0x01])));
  assertBadHeader(headerWithRawMessage(rawEncode(JSON.parse('{"__proto__": 1}'))));
  // A top-level msgpack value that is not a map is not a header at all.
  assertBadHeader(rawEncode([1, 2]));
});

Deno.test("refuses msgpack nesting beyond the limit, even a million levels deep", () => {
  const nested = (levels: number) => new Uint8Array([...new Array(levels).fill(0x91), 0x01]);
  const ok = decodeMessage([headerWithRawMessage(nested(MAX_HEADER_DEPTH - 1)), frame.data]);
  assert.equal(ok.kind, "frame");
  assertBadHeader(headerWithRawMessage(nested(MAX_HEADER_DEPTH)));
  assertBadHeader(headerWithRawMessage(nested(1_000_000)));
});

Deno.test("unknown extension types decode as ExtData instead of failing", () => {
  const other = rawEncode(new ExtData(5, new Uint8Array([1, 2])));
  const decoded = decodeMessage([headerWithRawMessage(other), frame.data]) as FrameMessage;
  assert.ok(decoded.message instanceof ExtData);
  assert.equal((decoded.message as ExtData).type, 5);
});
