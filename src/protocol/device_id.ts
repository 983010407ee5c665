/**
 * The receiver's device id, shown in its plain acknowledgement reply.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// 252 is the largest multiple of 36 that fits a byte: bytes at or above it are redrawn, so
// every symbol is equally likely.
const LIMIT = 252;

/**
 * Creates a random 8-character device id from `A`–`Z` and `0`–`9`, like vidgear's system id,
 * using the platform's cryptographic random source.
 *
 * @returns The id, e.g. `"K3Q9Z0AB"`.
 *
 * @example
 * ```ts
 * import { createDeviceId } from "./device_id.ts";
 * const id = createDeviceId();
 * /^[A-Z0-9]{8}$/.test(id); // true
 * ```
 */
export function createDeviceId(): string {
  let id = "";
  const bytes = new Uint8Array(16);
  while (id.length < 8) {
    crypto.getRandomValues(bytes);
    for (let i = 0; i < bytes.length && id.length < 8; i++) {
      if (bytes[i] < LIMIT) id += ALPHABET[bytes[i] % 36];
    }
  }
  return id;
}
