// msgpack headers: one shared encoder and decoder with the typed-array extension, and a
// structural pre-scan that bounds what the decoder may allocate.
//
// Numbers: the encoder runs with `useBigInt64`, so bigints become int64/uint64 and safe
// integers at or beyond 2^32 become float64; the decoder also runs with `useBigInt64`, so every
// int64/uint64 on the wire comes back as a bigint. Our own values therefore round-trip exactly.

import { Decoder, Encoder, ExtData, ExtensionCodec } from "../_deps/msgpack.ts";
import { preview } from "./_preview.ts";
import { MAX_HEADER_DEPTH } from "./header_format.ts";
import { TYPED_ARRAY_EXTENSION_TYPE, TYPED_ARRAY_KIND_CODES } from "./msgpack_extension.ts";

type TypedArray =
  | Int8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | Float16Array;

type TypedArrayConstructor = {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
};

/** Constructors by kind code (index); index 0 is unused. */
const KINDS: readonly (TypedArrayConstructor | undefined)[] = (() => {
  const kinds: (TypedArrayConstructor | undefined)[] = [];
  for (const [name, code] of Object.entries(TYPED_ARRAY_KIND_CODES)) {
    kinds[code] = (globalThis as unknown as Record<string, TypedArrayConstructor>)[name];
  }
  return kinds;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Reverses each `size`-byte item of `bytes` in place (only on big-endian hosts). */
function swapItems(bytes: Uint8Array, size: number): void {
  for (let start = 0; start < bytes.length; start += size) {
    bytes.subarray(start, start + size).reverse();
  }
}

function kindOf(value: ArrayBufferView): number | undefined {
  for (let code = 1; code < KINDS.length; code++) {
    const kind = KINDS[code];
    if (kind !== undefined && value instanceof kind) return code;
  }
  return undefined;
}

function refuseBigInt(value: unknown): void {
  if (typeof value === "bigint" && (value > UINT64_MAX || value < INT64_MIN)) {
    throw new TypeError(
      `Cannot encode the bigint ${
        preview(value)
      } as msgpack: it is outside the 64-bit range; send it as a string`,
    );
  }
}

/**
 * The extension hook. The msgpack encoder offers it every non-primitive value before encoding
 * it, so it also refuses what msgpack would mangle (a Map would become `{}`) and checks the
 * range of bigints held by each container (the encoder would wrap them modulo 2^64).
 */
function encodeExtension(value: unknown): Uint8Array | null {
  if (value instanceof ExtData) return null;
  if (ArrayBuffer.isView(value)) {
    const code = kindOf(value);
    if (code === undefined) return null; // Uint8Array, DataView, Buffer: msgpack bin
    const out = new Uint8Array(1 + value.byteLength);
    out[0] = code;
    out.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), 1);
    if (!LITTLE_ENDIAN) swapItems(out.subarray(1), KINDS[code]!.BYTES_PER_ELEMENT);
    return out;
  }
  if (typeof value === "function" || typeof value === "symbol") {
    throw new TypeError(
      `Cannot encode ${
        preview(value)
      } as msgpack; convert it to plain objects, arrays, strings and numbers`,
    );
  }
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError(
      `Cannot encode ${
        preview(value)
      } as msgpack: it would arrive as an empty map; convert it to an object or an array`,
    );
  }
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    throw new TypeError(
      `Cannot encode ${preview(value)} as msgpack; wrap it in a Uint8Array to send its bytes`,
    );
  }
  if (Array.isArray(value)) {
    for (const item of value) refuseBigInt(item);
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) refuseBigInt((value as Record<string, unknown>)[key]);
  }
  return null;
}

function decodeExtension(data: Uint8Array): TypedArray {
  const kind = KINDS[data[0]];
  if (data.length === 0 || kind === undefined) {
    throw new RangeError(`typed-array extension has unknown kind ${data[0]}`);
  }
  const size = kind.BYTES_PER_ELEMENT;
  let body = data.subarray(1);
  if (body.byteLength % size !== 0) {
    throw new RangeError(
      `typed-array extension holds ${body.byteLength} bytes, not a multiple of ${size}`,
    );
  }
  if (!LITTLE_ENDIAN || body.byteOffset % size !== 0) {
    body = body.slice();
    if (!LITTLE_ENDIAN) swapItems(body, size);
  }
  return new kind(body.buffer, body.byteOffset, body.byteLength / size);
}

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: TYPED_ARRAY_EXTENSION_TYPE,
  encode: encodeExtension,
  decode: decodeExtension,
});

const encoder = new Encoder({
  extensionCodec,
  useBigInt64: true,
  ignoreUndefined: true, // as JSON does: an undefined property is left out
  maxDepth: MAX_HEADER_DEPTH,
});

const decoder = new Decoder({ extensionCodec, useBigInt64: true });

/**
 * Encodes `value` (a header map) as msgpack.
 *
 * @throws {TypeError} When `value` holds something msgpack cannot carry faithfully.
 */
export function encodeMsgpack(value: unknown, what: string): Uint8Array {
  try {
    return encoder.encode(value);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw new TypeError(
      `Cannot encode ${what} as msgpack: ${
        (error as Error).message
      }; pass plain data without cycles`,
      { cause: error },
    );
  }
}

/**
 * Decodes one msgpack value that must fill `bytes` exactly. Binary values in the result are
 * views of `bytes`; typed arrays are views too when aligned.
 *
 * @throws {Error} On malformed input, nesting deeper than `maxDepth`, or trailing bytes.
 */
export function decodeMsgpack(bytes: Uint8Array, maxDepth: number): unknown {
  scanMsgpack(bytes, maxDepth);
  return decoder.decode(bytes);
}

/**
 * Walks the msgpack structure without building anything, and refuses input that is truncated,
 * nests deeper than `maxDepth`, or declares more items than bytes remain. The decoder allocates
 * each array from its declared length; since every item takes at least one byte, checking the
 * sum of all declared-but-unread items against the remaining bytes keeps the decoder's
 * allocations within the size of the input.
 */
function scanMsgpack(bytes: Uint8Array, maxDepth: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length;
  const enclosing: number[] = []; // items left at each enclosing level
  let left = 1; // items left at the current level
  let outstanding = 1; // items left at all levels
  let pos = 0;

  const need = (count: number): void => {
    if (count > length - pos) throw new RangeError(`msgpack ends early at byte ${pos}`);
  };
  const read = (size: 1 | 2 | 4): number => {
    need(size);
    const n = size === 1
      ? view.getUint8(pos)
      : size === 2
      ? view.getUint16(pos)
      : view.getUint32(pos);
    pos += size;
    return n;
  };

  for (;;) {
    if (left === 0) {
      if (enclosing.length === 0) break;
      left = enclosing.pop()!;
      continue;
    }
    need(1);
    left--;
    outstanding--;
    const head = bytes[pos++];
    let skip = 0;
    let items = -1; // >= 0 for a container
    if (head <= 0x7f || head >= 0xe0) {
      // fixint
    } else if (head <= 0x8f) {
      items = (head & 0x0f) * 2;
    } else if (head <= 0x9f) {
      items = head & 0x0f;
    } else if (head <= 0xbf) {
      skip = head & 0x1f;
    } else {
      switch (head) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xd9:
          skip = read(1);
          break;
        case 0xc5:
        case 0xda:
          skip = read(2);
          break;
        case 0xc6:
        case 0xdb:
          skip = read(4);
          break;
        case 0xc7:
          skip = read(1) + 1;
          break;
        case 0xc8:
          skip = read(2) + 1;
          break;
        case 0xc9:
          skip = read(4) + 1;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd4:
          skip = 2;
          break;
        case 0xd5:
          skip = 3;
          break;
        case 0xd6:
          skip = 5;
          break;
        case 0xd7:
          skip = 9;
          break;
        case 0xd8:
          skip = 17;
          break;
        case 0xdc:
          items = read(2);
          break;
        case 0xdd:
          items = read(4);
          break;
        case 0xde:
          items = read(2) * 2;
          break;
        case 0xdf:
          items = read(4) * 2;
          break;
        default: // 0xc1, never used
          throw new RangeError(`byte 0x${head.toString(16)} at ${pos - 1} is not msgpack`);
      }
    }
    need(skip);
    pos += skip;
    if (items >= 0) {
      if (enclosing.length + 1 > maxDepth) {
        throw new RangeError(`it nests arrays and maps deeper than ${maxDepth} levels`);
      }
      if (items === 0) continue;
      outstanding += items;
      if (outstanding > length - pos) {
        throw new RangeError(`msgpack declares more items than bytes remain at byte ${pos}`);
      }
      enclosing.push(left);
      left = items;
    }
  }
  if (pos !== length) {
    throw new RangeError(`${length - pos} extra bytes follow the msgpack value`);
  }
}
