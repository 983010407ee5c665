/**
 * CURVE keys and Z85 text, through libzmq.
 *
 * @module
 */

import { cString, lastError, zmq } from "./_native.ts";

const decoder = new TextDecoder();

/** A CURVE key pair, each key as 40 characters of Z85. */
export interface CurveKeyPair {
  /** The public key: give it to peers. */
  readonly publicKey: string;
  /** The secret key: keep it private. */
  readonly secretKey: string;
}

function readZ85(buf: Uint8Array): string {
  return decoder.decode(buf.subarray(0, buf.indexOf(0)));
}

/**
 * Generates a new CURVE key pair (`zmq_curve_keypair`).
 *
 * @throws {ZmqError} `ENOTSUP` when this libzmq was built without CURVE.
 *
 * @example
 * ```ts ignore
 * import { curveKeyPair } from "./mod.ts";
 * const { publicKey, secretKey } = curveKeyPair();
 * publicKey.length; // 40
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const publicKey = new Uint8Array(41);
  const secretKey = new Uint8Array(41);
  if (zmq().zmq_curve_keypair(publicKey, secretKey) !== 0) {
    throw lastError(
      "Cannot generate a CURVE key pair",
      () => "this libzmq lacks CURVE; install one built with libsodium (Debian's libzmq5 has it)",
    );
  }
  return { publicKey: readZ85(publicKey), secretKey: readZ85(secretKey) };
}

/**
 * Derives the public key of a Z85 secret key (`zmq_curve_public`).
 *
 * @throws {TypeError} When the key is not 40 characters.
 */
export function curvePublicKey(secretKey: string): string {
  if (typeof secretKey !== "string" || secretKey.length !== 40) {
    throw new TypeError("Cannot derive a public key: give a 40-character Z85 secret key");
  }
  const out = new Uint8Array(41);
  if (zmq().zmq_curve_public(out, cString(secretKey)) !== 0) {
    throw lastError("Cannot derive the CURVE public key");
  }
  return readZ85(out);
}

/**
 * Encodes bytes as Z85 text (ZeroMQ RFC 32). The length must be a multiple of 4.
 *
 * @throws {RangeError} For a length that is not a multiple of 4.
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`Cannot Z85-encode ${bytes.byteLength} bytes: use a multiple of 4`);
  }
  const out = new Uint8Array((bytes.byteLength / 4) * 5 + 1);
  if (zmq().zmq_z85_encode(out, bytes, BigInt(bytes.byteLength)) === null) {
    throw lastError("Cannot Z85-encode");
  }
  return readZ85(out);
}

/**
 * Decodes Z85 text to bytes. The length must be a multiple of 5 and every character valid.
 *
 * @throws {RangeError} For a bad length or character.
 */
export function z85Decode(text: string): Uint8Array {
  if (
    typeof text !== "string" || text.length % 5 !== 0 ||
    !/^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/.test(text)
  ) {
    throw new RangeError(
      "Cannot Z85-decode: give text of Z85 characters whose length is a multiple of 5",
    );
  }
  const out = new Uint8Array((text.length / 5) * 4);
  if (zmq().zmq_z85_decode(out, cString(text)) === null) {
    throw new RangeError(`Cannot Z85-decode "${text}": invalid Z85`);
  }
  return out;
}
