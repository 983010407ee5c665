// Receiver replies: acknowledgements, data and array replies, terminate acks, and their decoding.

import assert from "node:assert/strict";
import { ProtocolError } from "../src/errors.ts";
import type { Frame } from "../src/frame.ts";
import {
  ackText,
  type ArrayReply,
  createDeviceId,
  decodeReply,
  encodeAckReply,
  encodeArrayReply,
  encodeDataReply,
  encodeTerminateAck,
  MULTISERVER_TERMINATE_ACK,
  pythonTypeName,
  TERMINATE_ACK,
} from "../src/protocol/mod.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (part: Uint8Array): string => new TextDecoder().decode(part);

function assertBadReply(parts: Uint8Array[]): void {
  assert.throws(
    () => decodeReply(parts),
    (error: unknown) => {
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${error}`);
      assert.equal(error.reason, "bad-reply", error.message);
      return true;
    },
  );
}

Deno.test("device ids are 8 random characters of A-Z and 0-9", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = createDeviceId();
    assert.match(id, /^[A-Z0-9]{8}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 200);
  const seen = new Set([...ids].join(""));
  assert.ok(seen.size > 30, "uses most of the alphabet");
});

Deno.test("the acknowledgement and terminate acks are vidgear's exact strings", () => {
  assert.equal(ackText("AB12CD34"), "Data received on device: AB12CD34 !");
  const ack = encodeAckReply("AB12CD34");
  assert.equal(ack.length, 1);
  assert.equal(text(ack[0]), "Data received on device: AB12CD34 !");
  assert.equal(TERMINATE_ACK, "Termination signal successfully received at Client's end!");
  assert.equal(MULTISERVER_TERMINATE_ACK, "Termination signal successfully received at client!");
  assert.deepEqual(encodeTerminateAck().map(text), [TERMINATE_ACK]);
  assert.deepEqual(encodeTerminateAck({ multiserver: false }).map(text), [TERMINATE_ACK]);
  assert.deepEqual(encodeTerminateAck({ multiserver: true }).map(text), [
    MULTISERVER_TERMINATE_ACK,
  ]);
  assert.throws(() => encodeAckReply(12 as unknown as string), TypeError);
});

Deno.test("maps JS values to Python type names", () => {
  const frame: Frame = { shape: [1], dtype: "uint8", data: new Uint8Array(1) };
  const cases: [unknown, string][] = [
    ["s", "str"],
    ["", "str"],
    [3, "int"],
    [-0, "int"],
    [2 ** 60, "int"],
    [5n, "int"],
    [0.5, "float"],
    [NaN, "float"],
    [Infinity, "float"],
    [true, "bool"],
    [[1, 2], "list"],
    [{ a: 1 }, "dict"],
    [null, "NoneType"],
    [undefined, "NoneType"],
    [frame, "ndarray"],
    [new Uint8Array(2), "bytes"],
    [new Float32Array(2), "array"],
    [new Set([1]), "set"],
    [new Date(0), "datetime"],
  ];
  for (const [value, name] of cases) assert.equal(pythonTypeName(value), name, String(value));
});

Deno.test("encodes bidirectional replies as {return_type, data}", () => {
  const one = (parts: Uint8Array[]) => {
    assert.equal(parts.length, 1);
    return text(parts[0]);
  };
  assert.equal(one(encodeDataReply()), '{"return_type":"NoneType","data":null}');
  assert.equal(one(encodeDataReply({ data: undefined })), '{"return_type":"NoneType","data":null}');
  assert.equal(one(encodeDataReply({ data: "back" })), '{"return_type":"str","data":"back"}');
  assert.equal(one(encodeDataReply({ data: 7 })), '{"return_type":"int","data":7}');
  assert.equal(one(encodeDataReply({ data: 0.25 })), '{"return_type":"float","data":0.25}');
  assert.equal(one(encodeDataReply({ data: false })), '{"return_type":"bool","data":false}');
  assert.equal(one(encodeDataReply({ data: [1, "a"] })), '{"return_type":"list","data":[1,"a"]}');
  assert.equal(
    one(encodeDataReply({ data: { k: [null] } })),
    '{"return_type":"dict","data":{"k":[null]}}',
  );
});

Deno.test("encodes multi-client replies with the port first", () => {
  assert.equal(
    text(encodeDataReply({ data: "back", port: "5690" })[0]),
    '{"port":"5690","return_type":"str","data":"back"}',
  );
  assert.equal(
    text(encodeDataReply({ port: 5690 })[0]),
    '{"port":5690,"return_type":"NoneType","data":null}',
  );
});

Deno.test("refuses JSON reply data that JSON cannot carry", () => {
  for (const data of [1n, new Int16Array(2), { n: NaN }]) {
    assert.throws(() => encodeDataReply({ data }), TypeError);
  }
  assert.throws(() => encodeDataReply({ data: 1, port: null as unknown as string }), TypeError);
});

Deno.test("encodes array replies as a header plus the frame's own bytes", () => {
  const frame: Frame = { shape: [1, 2], dtype: "int16", data: new Uint8Array([1, 0, 2, 0]) };
  const parts = encodeArrayReply({ frame });
  assert.equal(parts.length, 2);
  assert.equal(
    text(parts[0]),
    '{"return_type":"ndarray","compression":false,"array_dtype":"int16","array_shape":[1,2],"data":null}',
  );
  assert.equal(parts[1], frame.data);
  // A frame as reply data gives the same reply.
  assert.deepEqual(encodeDataReply({ data: frame }).map(text), parts.map(text));
  assert.equal(encodeDataReply({ data: frame })[1], frame.data);
  assert.equal(
    text(encodeArrayReply({ frame, port: "5690" })[0]),
    '{"port":"5690","return_type":"ndarray","compression":false,"array_dtype":"int16","array_shape":[1,2],"data":null}',
  );
});

Deno.test("encodes JPEG array replies with empty array_dtype and array_shape", () => {
  const jpeg = {
    bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
    settings: { dct: false, ups: true, colorspace: "GRAY" as const },
  };
  const parts = encodeArrayReply({ jpeg, port: 7 });
  assert.equal(
    text(parts[0]),
    '{"port":7,"return_type":"ndarray","compression":{"dct":false,"ups":true,"colorspace":"GRAY"},"array_dtype":"","array_shape":"","data":null}',
  );
  assert.equal(parts[1], jpeg.bytes);
  assert.deepEqual(decodeReply(parts), { kind: "array", port: 7, format: "json", jpeg });
});

Deno.test("decodes the replies a Python receiver sends", () => {
  assert.deepEqual(decodeReply([bytes("Data received on device: Q2W3E4R5 !")]), {
    kind: "text",
    text: "Data received on device: Q2W3E4R5 !",
  });
  assert.deepEqual(decodeReply([bytes(TERMINATE_ACK)]), { kind: "text", text: TERMINATE_ACK });
  assert.deepEqual(decodeReply([bytes('{"return_type": "NoneType", "data": null}')]), {
    kind: "data",
    returnType: "NoneType",
    data: null,
    format: "json",
  });
  assert.deepEqual(decodeReply([bytes('{"port": "5690", "return_type": "str", "data": "back"}')]), {
    kind: "data",
    port: "5690",
    returnType: "str",
    data: "back",
    format: "json",
  });
  assert.deepEqual(decodeReply([bytes('{"return_type": "float", "data": NaN}')]), {
    kind: "data",
    returnType: "float",
    data: NaN,
    format: "json",
  });
  const payload = new Uint8Array([1, 0, 2, 0]);
  const array = decodeReply([
    bytes(
      '{"return_type": "ndarray", "compression": false, "array_dtype": "int16", "array_shape": [1, 2], "data": null}',
    ),
    payload,
  ]) as ArrayReply;
  assert.equal(array.kind, "array");
  assert.deepEqual(array.frame?.shape, [1, 2]);
  assert.equal(array.frame?.dtype, "int16");
  assert.equal(array.frame?.data, payload);
  assert.equal(array.port, undefined);
});

Deno.test("every reply round-trips through decodeReply in both formats", () => {
  const frame: Frame = { shape: [2, 2], dtype: "float32", data: new Uint8Array(16).fill(1) };
  for (const headerFormat of ["json", "msgpack"] as const) {
    for (const port of [undefined, "5690", 5691]) {
      for (const data of [null, "s", 3, 0.5, true, [1, [2]], { a: { b: "c" } }]) {
        const decoded = decodeReply(encodeDataReply({ data, port, headerFormat }));
        const expected = {
          kind: "data",
          ...(port === undefined ? {} : { port }),
          returnType: pythonTypeName(data),
          data,
          format: headerFormat,
        };
        assert.deepEqual(decoded, expected);
      }
      const array = decodeReply(encodeArrayReply({ frame, port, headerFormat })) as ArrayReply;
      assert.equal(array.kind, "array");
      assert.equal(array.format, headerFormat);
      assert.equal(array.port, port);
      assert.deepEqual(array.frame, frame);
    }
  }
  assert.deepEqual(decodeReply(encodeAckReply("ZZZZ0000")), {
    kind: "text",
    text: "Data received on device: ZZZZ0000 !",
  });
  assert.deepEqual(decodeReply(encodeTerminateAck({ multiserver: true })), {
    kind: "text",
    text: MULTISERVER_TERMINATE_ACK,
  });
});

Deno.test("refuses malformed replies with bad-reply", () => {
  const arrayHeader = (fields: string) =>
    bytes(`{"return_type": "ndarray", ${fields}, "data": null}`);
  const rawFields = '"compression": false, "array_dtype": "int16", "array_shape": [1, 2]';
  const payload = new Uint8Array(4);
  assertBadReply([]);
  assertBadReply([bytes("a"), bytes("b"), bytes("c")]);
  assertBadReply([bytes("text"), payload]);
  assertBadReply([new Uint8Array([0xc3, 0x28])]); // invalid UTF-8 text
  assertBadReply([bytes('{"return_type": "str", "data": ')]);
  assertBadReply([bytes('{"data": 1}')]);
  assertBadReply([bytes('{"return_type": 3, "data": 1}')]);
  assertBadReply([bytes('{"return_type": "str"}')]);
  assertBadReply([bytes('{"return_type": "str", "data": 1}'), payload]);
  assertBadReply([bytes('{"port": [1], "return_type": "str", "data": 1}')]);
  assertBadReply([arrayHeader(rawFields)]);
  assertBadReply([arrayHeader('"array_dtype": "int16", "array_shape": [1, 2]'), payload]);
  assertBadReply([
    arrayHeader('"compression": true, "array_dtype": "int16", "array_shape": [1, 2]'),
    payload,
  ]);
  assertBadReply([arrayHeader('"compression": false, "array_shape": [1, 2]'), payload]);
  assertBadReply([arrayHeader('"compression": false, "array_dtype": "int16"'), payload]);
  assertBadReply([
    arrayHeader('"compression": false, "array_dtype": "c16", "array_shape": [1, 2]'),
    payload,
  ]);
  assertBadReply([
    arrayHeader('"compression": false, "array_dtype": "int16", "array_shape": [-1]'),
    payload,
  ]);
  assertBadReply([arrayHeader(rawFields), new Uint8Array(3)]);
  assertBadReply([
    bytes(`{"return_type": "list", "data": ${"[".repeat(1000)}${"]".repeat(1000)}}`),
  ]);
  assertBadReply([new Uint8Array([0x81, 0xa1])]); // truncated msgpack
});
