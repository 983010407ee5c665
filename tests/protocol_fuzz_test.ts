// Random and mutated input: decoding never throws anything but a ProtocolError, and whatever it
// accepts is consistent.

import assert from "node:assert/strict";
import { ProtocolError } from "../src/errors.ts";
import { DTYPE_SIZES, type Frame } from "../src/frame.ts";
import {
  decodeMessage,
  decodeReply,
  DEFAULT_JPEG_SETTINGS,
  encodeArrayReply,
  encodeDataReply,
  encodeFrameMessage,
  encodeTerminateMessage,
  type NetGearMessage,
  type Reply,
} from "../src/protocol/mod.ts";
import { prng } from "./_random.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const frame: Frame = { shape: [2, 3], dtype: "int16", data: new Uint8Array(12).fill(7) };
const jpeg = { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), settings: DEFAULT_JPEG_SETTINGS };
const message = { text: "héllo", list: [1, 2.5, null, true], nested: { a: [{}] } };

type Decoder = "message" | "reply";

/** Valid inputs, each with the decoder it is meant for. */
const CORPUS: [Decoder, Uint8Array[]][] = [
  ["message", [
    bytes(
      '{"terminate_flag": false, "compression": false, "message": {"a": 1, "2": "x", "u": "\\u00e9", "n": NaN}, "pattern": "1", "dtype": "uint8", "shape": [2, 3, 3]}',
    ),
    new Uint8Array(18),
  ]],
  ["message", [bytes('{"terminate_flag": true, "port": 5566}')]],
  ["reply", [bytes('{"port": "5690", "return_type": "str", "data": [Infinity, -Infinity]}')]],
  ["reply", [bytes("Data received on device: AB12CD34 !")]],
  ["message", encodeFrameMessage({ frame, message, pattern: 1, port: 5566 })],
  ["message", encodeFrameMessage({ frame, message, headerFormat: "msgpack" })],
  [
    "message",
    encodeFrameMessage({
      frame,
      headerFormat: "msgpack",
      message: { f: new Float32Array([1, 2]), b: new Uint8Array([1]), big: 5n, when: new Date(0) },
    }),
  ],
  ["message", encodeFrameMessage({ jpeg, port: "5566", pattern: 2 })],
  ["message", encodeFrameMessage({ jpeg, headerFormat: "msgpack" })],
  ["message", encodeTerminateMessage()],
  ["message", encodeTerminateMessage({ port: "5566", headerFormat: "msgpack" })],
  ["reply", encodeDataReply({ data: message, port: 5690 })],
  ["reply", encodeDataReply({ data: { t: new Int16Array([1]) }, headerFormat: "msgpack" })],
  ["reply", encodeArrayReply({ frame, port: "1" })],
  ["reply", encodeArrayReply({ frame, headerFormat: "msgpack" })],
  ["reply", encodeArrayReply({ jpeg })],
];

const TOKENS = [
  "NaN",
  "-Infinity",
  "Infinity",
  "[",
  "]",
  "{",
  "}",
  '"',
  "\\",
  "\\u",
  ",",
  ":",
  "1e999",
  "-0",
  "null",
  '"__proto__"',
  "[".repeat(300),
].map(bytes);
const MSGPACK_BYTES = [
  0xc0,
  0xc1,
  0xc4,
  0xc7,
  0xc9,
  0xd4,
  0xd8,
  0xdc,
  0xdd,
  0xde,
  0xdf,
  0x91,
  0x81,
  0x4e,
];

function mutate(input: Uint8Array, next: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(next() * n);
  let out = Uint8Array.from(input);
  const rounds = 1 + pick(4);
  for (let round = 0; round < rounds; round++) {
    const at = pick(out.length + 1);
    switch (pick(7)) {
      case 0: // flip a bit
        if (out.length > 0) out[Math.min(at, out.length - 1)] ^= 1 << pick(8);
        break;
      case 1: // set a byte, often to a structural msgpack byte
        if (out.length > 0) {
          out[Math.min(at, out.length - 1)] = next() < 0.5
            ? pick(256)
            : MSGPACK_BYTES[pick(MSGPACK_BYTES.length)];
        }
        break;
      case 2: { // delete a range
        const end = Math.min(out.length, at + 1 + pick(8));
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(end)]);
        break;
      }
      case 3: { // insert a JSON token
        const token = TOKENS[pick(TOKENS.length)];
        out = Uint8Array.from([...out.subarray(0, at), ...token, ...out.subarray(at)]);
        break;
      }
      case 4: // truncate
        out = out.slice(0, at);
        break;
      case 5: { // duplicate a range
        const end = Math.min(out.length, at + 1 + pick(16));
        out = Uint8Array.from([
          ...out.subarray(0, end),
          ...out.subarray(at, end),
          ...out.subarray(end),
        ]);
        break;
      }
      default: // random bytes
        out = Uint8Array.from([
          ...out.subarray(0, at),
          ...Array.from({ length: 1 + pick(6) }, () => pick(256)),
        ]);
    }
  }
  return out;
}

function checkMessage(decoded: NetGearMessage): void {
  if (decoded.kind === "frame" && decoded.frame) {
    const { shape, dtype, data } = decoded.frame;
    assert.equal(data.byteLength, shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype]);
  }
}

function checkReply(decoded: Reply): void {
  if (decoded.kind === "array" && decoded.frame) {
    const { shape, dtype, data } = decoded.frame;
    assert.equal(data.byteLength, shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype]);
  }
}

/** Runs both decoders on `parts`; returns how many accepted it. */
function tryBoth(parts: Uint8Array[], label: string): number {
  let accepted = 0;
  for (
    const [decode, check] of [[decodeMessage, checkMessage], [decodeReply, checkReply]] as const
  ) {
    let result: NetGearMessage | Reply;
    try {
      result = decode(parts);
    } catch (error) {
      if (!(error instanceof ProtocolError)) {
        throw new Error(`${decode.name} threw a non-ProtocolError for ${label}: ${error}`, {
          cause: error,
        });
      }
      continue;
    }
    (check as (value: NetGearMessage | Reply) => void)(result);
    accepted++;
  }
  return accepted;
}

Deno.test("mutated valid messages and replies only ever fail with a ProtocolError", () => {
  const next = prng(0x5eed);
  const pick = (n: number) => Math.floor(next() * n);
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const original = CORPUS[i % CORPUS.length][1];
    const header = mutate(original[0], next);
    let parts: Uint8Array[];
    switch (pick(5)) {
      case 0:
        parts = [header];
        break;
      case 1:
        parts = [header, new Uint8Array(pick(40))];
        break;
      case 2:
        parts = [header, original[1] ?? new Uint8Array(0), new Uint8Array(1)];
        break;
      default:
        parts = [header, ...original.slice(1)];
    }
    accepted += tryBoth(parts, `case ${i}: ${JSON.stringify([...header])}`);
  }
  // Some mutations stay valid (a changed digit, a changed string byte): both paths are exercised.
  assert.ok(accepted > 100, `only ${accepted} mutated inputs were accepted`);
});

Deno.test("random bytes that open like a header only ever fail with a ProtocolError", () => {
  const next = prng(42);
  const pick = (n: number) => Math.floor(next() * n);
  const openers = [0x7b, 0x20, 0x80, 0x83, 0x86, 0x8f, 0xde, 0xdf];
  for (let i = 0; i < 3000; i++) {
    const header = Uint8Array.from({ length: pick(64) }, () => pick(256));
    if (header.length > 0) header[0] = openers[pick(openers.length)];
    tryBoth([header, new Uint8Array(pick(16))], `random case ${i}: ${JSON.stringify([...header])}`);
    tryBoth([header], `random case ${i} alone`);
  }
});

Deno.test("the unmutated corpus decodes without error", () => {
  for (const [decoder, parts] of CORPUS) {
    if (decoder === "message") checkMessage(decodeMessage(parts));
    else checkReply(decodeReply(parts));
  }
});
