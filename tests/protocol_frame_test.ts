// Frame messages and terminates: encoding, decoding, Python compatibility, malformed input.

import assert from "node:assert/strict";
import { ProtocolError, type ProtocolErrorReason } from "../src/errors.ts";
import { type DType, DTYPE_SIZES, type Frame } from "../src/frame.ts";
import {
  decodeMessage,
  DEFAULT_JPEG_SETTINGS,
  detectHeaderFormat,
  encodeFrameMessage,
  encodeTerminateMessage,
  type FrameMessage,
  type NetGearMessage,
} from "../src/protocol/mod.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (part: Uint8Array): string => new TextDecoder().decode(part);

function frameOf(message: NetGearMessage): FrameMessage {
  assert.equal(message.kind, "frame");
  return message as FrameMessage;
}

function assertReason(parts: Uint8Array[], reason: ProtocolErrorReason): void {
  assert.throws(
    () => decodeMessage(parts),
    (error: unknown) => {
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${error}`);
      assert.equal(error.reason, reason, error.message);
      return true;
    },
  );
}

/** A header as Python's json.dumps writes it, for the given raw JSON fragments. */
function pythonHeader(fields: Record<string, string>): Uint8Array {
  return bytes(`{${Object.entries(fields).map(([k, v]) => `"${k}": ${v}`).join(", ")}}`);
}

const PYTHON_FIELDS = {
  terminate_flag: "false",
  compression: "false",
  message: "null",
  pattern: '"0"',
  dtype: '"uint8"',
  shape: "[2, 2]",
};

// ---- Python compatibility ---------------------------------------------------------------------

Deno.test("decodes the exact header a Python vidgear sender writes (facts §3.3)", () => {
  const header = bytes(
    '{"terminate_flag": false, "compression": false, "message": {"a": 1, "2": "x", "u": "\\u00e9"}, "pattern": "1", "dtype": "uint8", "shape": [2, 3, 3]}',
  );
  assert.ok(text(header).includes('"u": "\\u00e9"'), "the escape stays raw in the bytes");
  const payload = new Uint8Array(18).map((_, i) => i);
  const decoded = frameOf(decodeMessage([header, payload]));
  assert.deepEqual(decoded.message, { a: 1, "2": "x", u: "é" });
  assert.equal(decoded.pattern, 1);
  assert.equal(decoded.port, undefined);
  assert.equal("port" in decoded, false);
  assert.equal(decoded.format, "json");
  assert.ok(decoded.frame);
  assert.deepEqual(decoded.frame.shape, [2, 3, 3]);
  assert.equal(decoded.frame.dtype, "uint8");
  assert.equal(decoded.frame.data, payload);
});

Deno.test("decodes a Python multi-server header with a numeric or string port kept as sent", () => {
  const numeric = bytes(
    '{"port": 5670, "terminate_flag": false, "compression": false, "message": "first", "pattern": "2", "dtype": "uint8", "shape": [1, 1]}',
  );
  const decoded = frameOf(decodeMessage([numeric, new Uint8Array(1)]));
  assert.equal(decoded.port, 5670);
  assert.equal(decoded.message, "first");
  assert.equal(decoded.pattern, 2);
  const stringy = pythonHeader({ port: '"5566"', ...PYTHON_FIELDS });
  assert.equal(frameOf(decodeMessage([stringy, new Uint8Array(4)])).port, "5566");
});

Deno.test("decodes a minimal Python header without message or pattern", () => {
  const header = bytes(
    '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [3]}',
  );
  const decoded = frameOf(decodeMessage([header, new Uint8Array(3)]));
  assert.equal(decoded.message, null);
  assert.equal(decoded.pattern, undefined);
});

Deno.test("decodes a Python JPEG header into the JPEG bytes and settings", () => {
  const header = bytes(
    '{"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "GRAY"}, "message": null, "pattern": "1", "dtype": "", "shape": ""}',
  );
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
  const decoded = frameOf(decodeMessage([header, jpeg]));
  assert.equal(decoded.frame, undefined);
  assert.ok(decoded.jpeg);
  assert.equal(decoded.jpeg.bytes, jpeg);
  assert.deepEqual(decoded.jpeg.settings, { dct: true, ups: false, colorspace: "GRAY" });
});

Deno.test("writes vidgear's key order in standard JSON, byte for byte", () => {
  const frame: Frame = { shape: [2, 3, 3], dtype: "uint8", data: new Uint8Array(18) };
  const [header, payload] = encodeFrameMessage({
    frame,
    message: { a: 1, u: "é" },
    pattern: 1,
  });
  assert.equal(
    text(header),
    '{"terminate_flag":false,"compression":false,"message":{"a":1,"u":"é"},"pattern":"1","dtype":"uint8","shape":[2,3,3]}',
  );
  assert.equal(payload, frame.data);
  // The same keys in the same order as the Python example, with the same values.
  const python =
    '{"terminate_flag": false, "compression": false, "message": {"a": 1, "u": "\\u00e9"}, "pattern": "1", "dtype": "uint8", "shape": [2, 3, 3]}';
  assert.deepEqual(Object.keys(JSON.parse(text(header))), Object.keys(JSON.parse(python)));
  assert.deepEqual(JSON.parse(text(header)), JSON.parse(python));
});

Deno.test("writes the port first in multi-server mode, as the user gave it", () => {
  const frame: Frame = { shape: [1], dtype: "uint8", data: new Uint8Array(1) };
  assert.equal(
    text(encodeFrameMessage({ frame, port: 5670, message: "first", pattern: 2 })[0]),
    '{"port":5670,"terminate_flag":false,"compression":false,"message":"first","pattern":"2","dtype":"uint8","shape":[1]}',
  );
  assert.ok(text(encodeFrameMessage({ frame, port: "5566" })[0]).startsWith('{"port":"5566",'));
});

Deno.test("writes a JPEG payload with compression settings and empty dtype and shape", () => {
  const jpeg = { bytes: new Uint8Array([0xff, 0xd8]), settings: DEFAULT_JPEG_SETTINGS };
  const [header, payload] = encodeFrameMessage({ jpeg, port: "5566", pattern: 2 });
  assert.equal(
    text(header),
    '{"port":"5566","terminate_flag":false,"compression":{"dct":true,"ups":false,"colorspace":"BGR"},"message":null,"pattern":"2","dtype":"","shape":""}',
  );
  assert.equal(payload, jpeg.bytes);
  const decoded = frameOf(decodeMessage([header, payload]));
  assert.deepEqual(decoded.jpeg, jpeg);
  assert.equal(decoded.port, "5566");
});

Deno.test("writes message null by default and for undefined", () => {
  const frame: Frame = { shape: [1], dtype: "uint8", data: new Uint8Array(1) };
  for (
    const parts of [
      encodeFrameMessage({ frame }),
      encodeFrameMessage({ frame, message: undefined }),
    ]
  ) {
    assert.equal(
      text(parts[0]),
      '{"terminate_flag":false,"compression":false,"message":null,"pattern":"0","dtype":"uint8","shape":[1]}',
    );
  }
});

// ---- Round trips and zero copy ----------------------------------------------------------------

Deno.test("round-trips every dtype and several shapes byte-exact, in both header formats", () => {
  const shapes = [[3], [2, 3], [2, 3, 4], [1, 1, 1, 1], [0, 5], [4, 4, 1]];
  let seed = 7;
  for (const dtype of Object.keys(DTYPE_SIZES) as DType[]) {
    for (const shape of shapes) {
      const length = shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype];
      const data = new Uint8Array(length).map(() =>
        (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff
      );
      for (const headerFormat of ["json", "msgpack"] as const) {
        const parts = encodeFrameMessage({
          frame: { shape, dtype, data },
          headerFormat,
          pattern: 2,
        });
        assert.equal(detectHeaderFormat(parts[0]), headerFormat);
        const decoded = frameOf(decodeMessage(parts));
        assert.equal(decoded.format, headerFormat);
        assert.ok(decoded.frame);
        assert.equal(decoded.frame.dtype, dtype);
        assert.deepEqual(decoded.frame.shape, shape);
        assert.deepEqual(decoded.frame.data, data);
      }
    }
  }
});

Deno.test("neither encoding nor decoding copies an 8 MB payload", () => {
  const data = new Uint8Array(8 * 1024 * 1024);
  data[0] = 1;
  data[data.length - 1] = 2;
  const frame: Frame = { shape: [1024, 2048, 4], dtype: "uint8", data };
  const parts = encodeFrameMessage({ frame, message: "big" });
  assert.equal(parts[1], data);
  const decoded = frameOf(decodeMessage(parts));
  assert.ok(decoded.frame);
  assert.equal(decoded.frame.data, data);
  assert.equal(decoded.frame.data.buffer, data.buffer);
});

Deno.test("decoded frame data is a view of the received payload when aligned", () => {
  const buffer = new ArrayBuffer(64);
  const payload = new Uint8Array(buffer, 16, 16); // aligned for float32
  const header = pythonHeader({ ...PYTHON_FIELDS, dtype: '"float32"', shape: "[4]" });
  const decoded = frameOf(decodeMessage([header, payload]));
  assert.equal(decoded.frame?.data.buffer, buffer);
  assert.equal(decoded.frame?.data.byteOffset, 16);
});

Deno.test("a payload misaligned for its dtype is copied to an aligned buffer with equal bytes", () => {
  const buffer = new ArrayBuffer(64);
  const payload = new Uint8Array(buffer, 3, 16);
  payload.forEach((_, i) => payload[i] = i + 1);
  const header = pythonHeader({ ...PYTHON_FIELDS, dtype: '"float32"', shape: "[4]" });
  const frame = frameOf(decodeMessage([header, payload])).frame!;
  assert.notEqual(frame.data.buffer, buffer);
  assert.equal(frame.data.byteOffset % 4, 0);
  assert.deepEqual(frame.data, payload);
  // uint8 never needs alignment: it stays a view.
  const byteHeader = pythonHeader({ ...PYTHON_FIELDS, shape: "[16]" });
  assert.equal(frameOf(decodeMessage([byteHeader, payload])).frame!.data, payload);
});

// ---- Terminate --------------------------------------------------------------------------------

Deno.test("encodes a one-part terminate, with the port after the flag in multi-server mode", () => {
  const plain = encodeTerminateMessage();
  assert.equal(plain.length, 1);
  assert.equal(text(plain[0]), '{"terminate_flag":true}');
  const multi = encodeTerminateMessage({ port: 5566 });
  assert.equal(multi.length, 1);
  assert.equal(text(multi[0]), '{"terminate_flag":true,"port":5566}');
  assert.deepEqual(decodeMessage(plain), { kind: "terminate", format: "json" });
  assert.deepEqual(decodeMessage(multi), { kind: "terminate", port: 5566, format: "json" });
  assert.deepEqual(decodeMessage(encodeTerminateMessage({ port: "x", headerFormat: "msgpack" })), {
    kind: "terminate",
    port: "x",
    format: "msgpack",
  });
});

Deno.test("decodes Python terminates with and without a port", () => {
  assert.deepEqual(decodeMessage([bytes('{"terminate_flag": true}')]), {
    kind: "terminate",
    format: "json",
  });
  assert.deepEqual(decodeMessage([bytes('{"terminate_flag": true, "port": "5577"}')]), {
    kind: "terminate",
    port: "5577",
    format: "json",
  });
});

// ---- Malformed input --------------------------------------------------------------------------

const good = pythonHeader(PYTHON_FIELDS);

Deno.test("refuses wrong part counts with bad-parts", () => {
  assertReason([], "bad-parts");
  assertReason([good, new Uint8Array(4), new Uint8Array(0)], "bad-parts");
  assertReason([good], "bad-parts");
  assertReason([bytes('{"terminate_flag": true}'), new Uint8Array(0)], "bad-parts");
});

Deno.test("refuses headers that are not a well-formed object with bad-header", () => {
  const payload = new Uint8Array(4);
  for (
    const header of [
      new Uint8Array(0),
      bytes("   "),
      bytes("hello"),
      bytes("[1, 2]"),
      bytes('"text"'),
      bytes("\ufeff{}"),
      bytes('{"terminate_flag": false'),
      bytes('{"terminate_flag": false} {}'),
      new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), // {"\xff":1}: invalid UTF-8
      new Uint8Array([0x91, 0xc0]), // a msgpack array, not a map
      new Uint8Array([0x81]), // a truncated msgpack map
      pythonHeader({ ...PYTHON_FIELDS, terminate_flag: '"yes"' }),
      pythonHeader({ ...PYTHON_FIELDS, terminate_flag: "0" }),
      pythonHeader({ port: "null", ...PYTHON_FIELDS }),
      pythonHeader({ port: "[5566]", ...PYTHON_FIELDS }),
      pythonHeader({ port: "NaN", ...PYTHON_FIELDS }),
    ]
  ) {
    assertReason([header, payload], "bad-header");
  }
  assertReason([bytes('{"terminate_flag": true, "port": {}}')], "bad-header");
});

Deno.test("refuses missing keys with missing-key", () => {
  const payload = new Uint8Array(4);
  const without = (key: keyof typeof PYTHON_FIELDS) => {
    const fields: Record<string, string> = { ...PYTHON_FIELDS };
    delete fields[key];
    return pythonHeader(fields);
  };
  assertReason([without("terminate_flag"), payload], "missing-key");
  assertReason([bytes("{}")], "missing-key");
  assertReason([without("compression"), payload], "missing-key");
  assertReason([without("dtype"), payload], "missing-key");
  assertReason([without("shape"), payload], "missing-key");
});

Deno.test("refuses unknown dtypes with bad-dtype", () => {
  for (const dtype of ['"complex128"', '">u2"', '"<f4"', '"UINT8"', "5", '""', "null"]) {
    assertReason([pythonHeader({ ...PYTHON_FIELDS, dtype }), new Uint8Array(4)], "bad-dtype");
  }
});

Deno.test("refuses bad, negative and absurd shapes with bad-shape", () => {
  for (
    const shape of [
      "[-1, 2]",
      "[2.5]",
      '""',
      "[]",
      '["2"]',
      "[null]",
      "{}",
      "4",
      "[9007199254740993]",
      "[100000, 100000]",
      `[${new Array(33).fill(1).join(", ")}]`,
      "[NaN]",
      "[Infinity]",
    ]
  ) {
    assertReason([pythonHeader({ ...PYTHON_FIELDS, shape }), new Uint8Array(4)], "bad-shape");
  }
});

Deno.test("refuses a payload whose length is not product(shape) × item size", () => {
  assertReason([good, new Uint8Array(3)], "size-mismatch");
  assertReason([good, new Uint8Array(5)], "size-mismatch");
  const float = pythonHeader({ ...PYTHON_FIELDS, dtype: '"float64"', shape: "[480, 640, 3]" });
  assertReason([float, new Uint8Array(480 * 640 * 3)], "size-mismatch");
});

Deno.test("refuses bad compression objects with bad-compression", () => {
  for (
    const compression of [
      "true",
      "null",
      '"BGR"',
      "[]",
      "{}",
      '{"dct": true, "ups": false}',
      '{"dct": true, "ups": false, "colorspace": "bgr"}',
      '{"dct": true, "ups": false, "colorspace": "HSV"}',
      '{"dct": "yes", "ups": false, "colorspace": "BGR"}',
      '{"dct": true, "ups": 1, "colorspace": "BGR"}',
    ]
  ) {
    assertReason(
      [pythonHeader({ ...PYTHON_FIELDS, compression }), new Uint8Array(4)],
      "bad-compression",
    );
  }
});

Deno.test("keeps an unknown pattern value out instead of refusing the frame", () => {
  const header = pythonHeader({ ...PYTHON_FIELDS, pattern: '"7"' });
  const decoded = frameOf(decodeMessage([header, new Uint8Array(4)]));
  assert.equal(decoded.pattern, undefined);
  assert.equal("pattern" in decoded, false);
});

// ---- Encoder argument checks ------------------------------------------------------------------

Deno.test("refuses JSON messages that JSON cannot carry, suggesting msgpack", () => {
  const frame: Frame = { shape: [1], dtype: "uint8", data: new Uint8Array(1) };
  for (
    const message of [
      12n,
      { big: 12n },
      new Uint8Array(2),
      { nested: [new Float32Array(2)] },
      NaN,
      { x: Infinity },
      [-Infinity],
      new ArrayBuffer(4),
    ]
  ) {
    assert.throws(
      () => encodeFrameMessage({ frame, message }),
      (error: unknown) =>
        error instanceof TypeError && /as JSON/.test(error.message) &&
        /headerFormat "msgpack"/.test(error.message),
    );
  }
  for (
    const message of [
      () => 1,
      { fn: () => 1 },
      new Map([[1, 2]]),
      { s: new Set([1]) },
      Symbol("x"),
    ]
  ) {
    assert.throws(
      () => encodeFrameMessage({ frame, message }),
      (error: unknown) => error instanceof TypeError && /convert it/.test(error.message),
    );
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => encodeFrameMessage({ frame, message: cyclic }), TypeError);
});

Deno.test("refuses invalid frames, payload choices, patterns, ports and formats", () => {
  const frame: Frame = { shape: [2, 2], dtype: "uint8", data: new Uint8Array(4) };
  assert.throws(
    () => encodeFrameMessage({ frame: { ...frame, data: new Uint8Array(3) } }),
    RangeError,
  );
  assert.throws(() => encodeFrameMessage({ frame: { ...frame, shape: [-2, -2] } }), RangeError);
  assert.throws(
    () => encodeFrameMessage({ frame: { ...frame, dtype: "complex64" as DType } }),
    TypeError,
  );
  assert.throws(() => encodeFrameMessage({} as never), TypeError);
  assert.throws(
    () =>
      encodeFrameMessage(
        { frame, jpeg: { bytes: new Uint8Array(1), settings: DEFAULT_JPEG_SETTINGS } } as never,
      ),
    TypeError,
  );
  assert.throws(
    () =>
      encodeFrameMessage({
        jpeg: {
          bytes: new Uint8Array(1),
          settings: { ...DEFAULT_JPEG_SETTINGS, colorspace: "HSV" as "BGR" },
        },
      }),
    RangeError,
  );
  assert.throws(() => encodeFrameMessage({ frame, pattern: 3 as 0 }), RangeError);
  assert.throws(() => encodeFrameMessage({ frame, port: {} as string }), TypeError);
  assert.throws(() => encodeFrameMessage({ frame, headerFormat: "xml" as "json" }), TypeError);
  assert.throws(() => encodeTerminateMessage({ port: [1] as unknown as number }), TypeError);
});
