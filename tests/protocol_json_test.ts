// Reading JSON headers as Python writes them: NaN/Infinity tokens, escapes, nesting limits.

import assert from "node:assert/strict";
import { ProtocolError } from "../src/errors.ts";
import { decodeMessage, type FrameMessage, MAX_HEADER_DEPTH } from "../src/protocol/mod.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Decodes a Python-style frame header whose `message` is the given raw JSON text. */
function messageOf(rawMessage: string): unknown {
  const header = bytes(
    `{"terminate_flag": false, "compression": false, "message": ${rawMessage}, "pattern": "1", "dtype": "uint8", "shape": [1]}`,
  );
  return (decodeMessage([header, new Uint8Array(1)]) as FrameMessage).message;
}

function assertBadHeader(rawMessage: string): void {
  assert.throws(
    () => messageOf(rawMessage),
    (error: unknown) => error instanceof ProtocolError && error.reason === "bad-header",
    `expected bad-header for ${rawMessage.slice(0, 60)}`,
  );
}

Deno.test("accepts Python's NaN, Infinity and -Infinity tokens", () => {
  const message = messageOf('[NaN, Infinity, -Infinity, {"x": NaN, "y": [1, -Infinity]}, 2.5, -0]');
  assert.deepEqual(message, [NaN, Infinity, -Infinity, { x: NaN, y: [1, -Infinity] }, 2.5, -0]);
  assert.ok(Number.isNaN(messageOf("NaN")));
  assert.equal(messageOf("-Infinity"), -Infinity);
});

Deno.test("leaves NaN and Infinity inside strings untouched", () => {
  assert.deepEqual(
    messageOf('["NaN", "Infinity -Infinity", NaN, "a\\"NaN\\"b", "\\\\", "x\\\\"]'),
    ["NaN", "Infinity -Infinity", NaN, 'a"NaN"b', "\\", "x\\"],
  );
  assert.deepEqual(messageOf('{"NaN": "Infinity"}'), { NaN: "Infinity" });
});

Deno.test("reads \\u escapes and every JSON escape on both parsing paths", () => {
  const escapes = '"\\u00e9\\ud83d\\ude00\\u0041\\/\\b\\f\\n\\r\\t\\"\\\\"';
  const expected = 'é😀A/\b\f\n\r\t"\\';
  assert.equal(messageOf(escapes), expected); // standard JSON: the fast path
  assert.deepEqual(messageOf(`[${escapes}, NaN]`), [expected, NaN]); // the Python fallback path
  assert.deepEqual(messageOf('["\\uD83D\\uDE00", NaN]'), ["😀", NaN]);
});

Deno.test("accepts any JSON whitespace, as json.loads does", () => {
  const header = bytes(
    '\n {\n  "terminate_flag": false,\r\n\t"compression": false,\n  "message": [\n    NaN\n  ],\n  "dtype": "uint8",\n  "shape": [\n    1\n  ]\n}\n',
  );
  const decoded = decodeMessage([header, new Uint8Array(1)]) as FrameMessage;
  assert.deepEqual(decoded.message, [NaN]);
});

Deno.test("reads numbers as JSON defines them on the fallback path", () => {
  assert.deepEqual(
    messageOf("[0, -0, 1.5, -2.25e3, 1E2, 3e-2, 1e+2, 123456789012, NaN]"),
    [0, -0, 1.5, -2250, 100, 0.03, 100, 123456789012, NaN],
  );
});

Deno.test("keeps the last of duplicate keys, as Python does", () => {
  assert.deepEqual(messageOf('{"a": 1, "a": 2}'), { a: 2 });
  assert.deepEqual(messageOf('{"a": 1, "a": NaN}'), { a: NaN });
});

Deno.test("a __proto__ key is plain data and never changes a prototype", () => {
  for (
    const raw of [
      '{"__proto__": {"polluted": true}}',
      '{"__proto__": {"polluted": true}, "n": NaN}',
    ]
  ) {
    const message = messageOf(raw) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(message), Object.prototype);
    assert.ok(Object.hasOwn(message, "__proto__"));
    assert.equal((message as { polluted?: boolean }).polluted, undefined);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  }
});

Deno.test("refuses what Python's json.loads refuses", () => {
  for (
    const raw of [
      "nan",
      "NAN",
      "Inf",
      "-inf",
      "NaNx",
      "+1",
      "01",
      "1.",
      ".5",
      "1e",
      "-",
      "[1, 2,]",
      '{"a": 1,}',
      "'single'",
      '"tab\there"',
      '"unterminated',
      '"bad \\x escape"',
      '"bad \\u12G4"',
      "[NaN",
      "undefined",
      "True",
      "None",
    ]
  ) {
    assertBadHeader(raw);
  }
});

Deno.test("refuses data after the header object", () => {
  const header = bytes('{"terminate_flag": true} x');
  assert.throws(
    () => decodeMessage([header]),
    (error: unknown) => error instanceof ProtocolError && error.reason === "bad-header",
  );
  const withNaN = bytes('{"terminate_flag": true, "n": NaN} {}');
  assert.throws(
    () => decodeMessage([withNaN]),
    (error: unknown) => error instanceof ProtocolError && error.reason === "bad-header",
  );
});

Deno.test("accepts nesting up to the limit and refuses one level more", () => {
  assert.equal(MAX_HEADER_DEPTH, 256);
  // The header object is level 1, so the message may nest 255 levels.
  const nested = (levels: number, inner = "1") => "[".repeat(levels) + inner + "]".repeat(levels);
  let value = messageOf(nested(MAX_HEADER_DEPTH - 1));
  for (let i = 0; i < MAX_HEADER_DEPTH - 1; i++) value = (value as unknown[])[0];
  assert.equal(value, 1);
  assert.ok(Array.isArray(messageOf(nested(MAX_HEADER_DEPTH - 1, "NaN"))));
  assertBadHeader(nested(MAX_HEADER_DEPTH));
  assertBadHeader(nested(MAX_HEADER_DEPTH, "NaN"));
  assertBadHeader('{"a": '.repeat(MAX_HEADER_DEPTH) + "1" + "}".repeat(MAX_HEADER_DEPTH));
});

Deno.test("refuses a million levels of nesting without crashing", () => {
  const deep = 1_000_000;
  assertBadHeader("[".repeat(deep) + "]".repeat(deep));
  assertBadHeader("[".repeat(deep)); // unbalanced
  assertBadHeader("[".repeat(deep) + "NaN" + "]".repeat(deep));
  assert.throws(
    () => decodeMessage([bytes("{" + '"a":{'.repeat(deep))]),
    (error: unknown) => error instanceof ProtocolError && error.reason === "bad-header",
  );
});

Deno.test("brackets inside strings do not count as nesting", () => {
  const brackets = "[{".repeat(5000);
  assert.equal(messageOf(JSON.stringify(brackets)), brackets);
  assert.deepEqual(messageOf(`[${JSON.stringify(brackets)}, NaN]`), [brackets, NaN]);
  const escapedQuotes = '"\\"[[[[\\""';
  assert.equal(messageOf(escapedQuotes), '"[[[["');
});

Deno.test("parses a large Python message with NaN on the fallback path", () => {
  const items = Array.from({ length: 50_000 }, (_, i) => `{"i": ${i}, "v": NaN, "s": "x\\u00e9"}`);
  const message = messageOf(`[${items.join(", ")}]`) as { i: number; v: number; s: string }[];
  assert.equal(message.length, 50_000);
  assert.equal(message[49_999].i, 49_999);
  assert.ok(Number.isNaN(message[123].v));
  assert.equal(message[7].s, "xé");
});
