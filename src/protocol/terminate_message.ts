/**
 * Encoding the terminate message a sender sends when it closes.
 *
 * @module
 */

import { checkFormat, checkPort } from "./_header.ts";
import { encodeMsgpack } from "./_msgpack.ts";
import { utf8Encoder } from "./_text.ts";
import type { HeaderFormat } from "./header_format.ts";

/** Settings of a terminate message. */
export interface TerminateMessageOptions {
  /**
   * Multi-server senders only: the sender's own port, exactly as the user gave it. It is
   * written after `terminate_flag`, so the receiver knows which server left.
   */
  readonly port?: string | number;
  /**
   * The header encoding.
   *
   * @default {"json"}
   */
  readonly headerFormat?: HeaderFormat;
}

/**
 * Encodes the one-part terminate message: `{"terminate_flag": true}`, plus `"port"` after it in
 * multi-server mode.
 *
 * @param options The port (multi-server) and header format.
 * @returns The single message part.
 * @throws {TypeError} When the port is neither a string nor a number, or the format is unknown.
 *
 * @example Plain and multi-server terminates
 * ```ts
 * import { encodeTerminateMessage } from "./terminate_message.ts";
 * const text = (parts: Uint8Array[]) => new TextDecoder().decode(parts[0]);
 * text(encodeTerminateMessage()); // '{"terminate_flag":true}'
 * text(encodeTerminateMessage({ port: "5566" })); // '{"terminate_flag":true,"port":"5566"}'
 * ```
 */
export function encodeTerminateMessage(options: TerminateMessageOptions = {}): Uint8Array[] {
  const what = "the terminate message";
  const { port, headerFormat = "json" } = options;
  checkPort(port, what);
  if (checkFormat(headerFormat, what) === "msgpack") {
    return [
      encodeMsgpack(
        port === undefined ? { terminate_flag: true } : { terminate_flag: true, port },
        what,
      ),
    ];
  }
  return [
    utf8Encoder.encode(
      port === undefined
        ? '{"terminate_flag":true}'
        : `{"terminate_flag":true,"port":${JSON.stringify(port)}}`,
    ),
  ];
}
