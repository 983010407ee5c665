/**
 * The plain-text replies a receiver sends: the frame acknowledgement and the terminate acks.
 *
 * @module
 */

import { preview } from "./_preview.ts";
import { utf8Encoder } from "./_text.ts";

/** A pattern-1 receiver's answer to a terminate (plain mode), exactly as vidgear writes it. */
export const TERMINATE_ACK = "Termination signal successfully received at Client's end!";

/** A pattern-1 multi-server receiver's answer to a terminate, exactly as vidgear writes it. */
export const MULTISERVER_TERMINATE_ACK = "Termination signal successfully received at client!";

/**
 * Writes the acknowledgement text a plain receiver answers each frame with:
 * `Data received on device: <ID> !`.
 *
 * @param deviceId The receiver's id, from {@link createDeviceId} (8 chars of `A`–`Z0`–`9`).
 * @returns The text.
 *
 * @example
 * ```ts
 * import { ackText } from "./ack_reply.ts";
 * ackText("AB12CD34"); // "Data received on device: AB12CD34 !"
 * ```
 */
export function ackText(deviceId: string): string {
  return `Data received on device: ${deviceId} !`;
}

/**
 * Encodes the one-part acknowledgement a receiver that is neither bidirectional nor
 * multi-client answers each frame with. It is plain text in either header format.
 *
 * @param deviceId The receiver's id, from {@link createDeviceId}.
 * @returns The single reply part.
 *
 * @example
 * ```ts
 * import { createDeviceId } from "./device_id.ts";
 * import { encodeAckReply } from "./ack_reply.ts";
 * const [part] = encodeAckReply(createDeviceId());
 * new TextDecoder().decode(part).startsWith("Data received on device: "); // true
 * ```
 */
export function encodeAckReply(deviceId: string): Uint8Array[] {
  if (typeof deviceId !== "string") {
    throw new TypeError(
      `Cannot encode the acknowledgement: device id ${
        preview(deviceId)
      } must be a string; use createDeviceId()`,
    );
  }
  return [utf8Encoder.encode(ackText(deviceId))];
}

/** Settings of a terminate acknowledgement. */
export interface TerminateAckOptions {
  /**
   * Whether the receiver is in multi-server mode, which answers with
   * {@link MULTISERVER_TERMINATE_ACK} instead of {@link TERMINATE_ACK}.
   *
   * @default {false}
   */
  readonly multiserver?: boolean;
}

/**
 * Encodes a pattern-1 receiver's one-part answer to a terminate. (Pattern 0 sends none.)
 *
 * @param options Whether the receiver is in multi-server mode.
 * @returns The single reply part.
 *
 * @example
 * ```ts
 * import { encodeTerminateAck } from "./ack_reply.ts";
 * const [part] = encodeTerminateAck({ multiserver: true });
 * new TextDecoder().decode(part); // "Termination signal successfully received at client!"
 * ```
 */
export function encodeTerminateAck(options: TerminateAckOptions = {}): Uint8Array[] {
  return [utf8Encoder.encode(options.multiserver ? MULTISERVER_TERMINATE_ACK : TERMINATE_ACK)];
}
