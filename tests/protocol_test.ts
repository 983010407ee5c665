// The protocol module as a whole: its public surface, and full sender/receiver exchanges.

import assert from "node:assert/strict";
import type { Frame } from "../src/frame.ts";
import * as protocol from "../src/protocol/mod.ts";
import {
  decodeMessage,
  decodeReply,
  encodeAckReply,
  encodeDataReply,
  encodeFrameMessage,
  encodeTerminateAck,
  encodeTerminateMessage,
  type HeaderFormat,
  MULTISERVER_TERMINATE_ACK,
  type NetGearMessage,
  TERMINATE_ACK,
} from "../src/protocol/mod.ts";

Deno.test("mod.ts exports the documented API", () => {
  assert.deepEqual(Object.keys(protocol).sort(), [
    "DEFAULT_JPEG_SETTINGS",
    "DTYPE_SIZES",
    "JPEG_COLORSPACES",
    "MAX_HEADER_DEPTH",
    "MULTISERVER_TERMINATE_ACK",
    "TERMINATE_ACK",
    "TYPED_ARRAY_EXTENSION_TYPE",
    "TYPED_ARRAY_KIND_CODES",
    "ackText",
    "createDeviceId",
    "decodeMessage",
    "decodeReply",
    "detectHeaderFormat",
    "encodeAckReply",
    "encodeArrayReply",
    "encodeDataReply",
    "encodeFrameMessage",
    "encodeTerminateAck",
    "encodeTerminateMessage",
    "pythonTypeName",
  ]);
});

/** A receiver's answer to one message, the way each mode answers (spec §3, §4). */
function answer(
  received: NetGearMessage,
  mode: "plain" | "bidirectional" | "multiserver" | "multiclient",
  deviceId: string,
  returnData: unknown,
): Uint8Array[] {
  const headerFormat: HeaderFormat = received.format;
  if (received.kind === "terminate") {
    return encodeTerminateAck({ multiserver: mode === "multiserver" });
  }
  switch (mode) {
    case "plain":
    case "multiserver":
      return encodeAckReply(deviceId);
    case "bidirectional":
      return encodeDataReply({ data: returnData, headerFormat });
    case "multiclient":
      return encodeDataReply({ data: returnData, port: "5690", headerFormat });
  }
}

Deno.test("a pattern-1 exchange works in every receiver mode and both header formats", () => {
  const frame: Frame = { shape: [4, 4, 3], dtype: "uint8", data: new Uint8Array(48).fill(9) };
  const deviceId = protocol.createDeviceId();
  for (const headerFormat of ["json", "msgpack"] as const) {
    for (const mode of ["plain", "bidirectional", "multiserver", "multiclient"] as const) {
      const port = mode === "multiserver" ? 5566 : undefined;
      // The sender sends a frame.
      const received = decodeMessage(
        encodeFrameMessage({ frame, message: { n: 1 }, pattern: 1, port, headerFormat }),
      );
      assert.equal(received.kind, "frame");
      if (received.kind !== "frame") continue;
      assert.equal(received.port, port);
      assert.deepEqual(received.message, { n: 1 });
      assert.equal(received.frame?.data, frame.data);
      // The receiver answers; the sender reads the answer.
      const reply = decodeReply(answer(received, mode, deviceId, "ok"));
      if (mode === "plain" || mode === "multiserver") {
        assert.deepEqual(reply, { kind: "text", text: `Data received on device: ${deviceId} !` });
      } else {
        assert.equal(reply.kind, "data");
        assert.equal(reply.kind === "data" && reply.data, "ok");
        assert.equal(reply.kind === "data" && reply.format, headerFormat);
        assert.equal(
          reply.kind === "data" && reply.port,
          mode === "multiclient" ? "5690" : undefined,
        );
      }
      // The sender closes.
      const terminate = decodeMessage(encodeTerminateMessage({ port, headerFormat }));
      assert.deepEqual(terminate, {
        kind: "terminate",
        ...(port === undefined ? {} : { port }),
        format: headerFormat,
      });
      const ack = decodeReply(answer(terminate, mode, deviceId, null));
      assert.deepEqual(ack, {
        kind: "text",
        text: mode === "multiserver" ? MULTISERVER_TERMINATE_ACK : TERMINATE_ACK,
      });
    }
  }
});

Deno.test("a bidirectional receiver can return a frame", () => {
  const frame: Frame = { shape: [2], dtype: "float64", data: new Uint8Array(16).fill(3) };
  const reply = decodeReply(encodeDataReply({ data: frame }));
  assert.equal(reply.kind, "array");
  assert.deepEqual(reply.kind === "array" && reply.frame, frame);
});
