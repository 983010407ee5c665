/**
 * The msgpack extension type that carries typed arrays in msgpack headers.
 *
 * In a msgpack header (opt-in, ours only), `message` and reply data may hold typed arrays.
 * Each is written as one msgpack extension value:
 *
 * | field | size | content |
 * |---|---|---|
 * | ext type | 1 | {@link TYPED_ARRAY_EXTENSION_TYPE} (`0x4e`, ASCII `N`) |
 * | kind | 1 | the array kind, from {@link TYPED_ARRAY_KIND_CODES} |
 * | elements | n × item size | the elements, little-endian, in order |
 *
 * So the extension data (what follows the msgpack ext header) is `[kind, ...elements]`, and its
 * length minus one is a multiple of the item size.
 *
 * `Uint8Array` (and other byte views such as `DataView` or a Node `Buffer`) travel as plain
 * msgpack `bin` instead and come back as `Uint8Array`.
 *
 * @module
 */

/** The msgpack extension type number (application range 0–127) of a typed array: `0x4e`. */
export const TYPED_ARRAY_EXTENSION_TYPE = 0x4e;

/**
 * The kind byte that opens a typed-array extension value, per array type.
 *
 * | kind | array | item size |
 * |---|---|---|
 * | 1 | `Int8Array` | 1 |
 * | 2 | `Uint8ClampedArray` | 1 |
 * | 3 | `Int16Array` | 2 |
 * | 4 | `Uint16Array` | 2 |
 * | 5 | `Int32Array` | 4 |
 * | 6 | `Uint32Array` | 4 |
 * | 7 | `Float32Array` | 4 |
 * | 8 | `Float64Array` | 8 |
 * | 9 | `BigInt64Array` | 8 |
 * | 10 | `BigUint64Array` | 8 |
 * | 11 | `Float16Array` | 2 |
 */
export const TYPED_ARRAY_KIND_CODES: {
  readonly Int8Array: 1;
  readonly Uint8ClampedArray: 2;
  readonly Int16Array: 3;
  readonly Uint16Array: 4;
  readonly Int32Array: 5;
  readonly Uint32Array: 6;
  readonly Float32Array: 7;
  readonly Float64Array: 8;
  readonly BigInt64Array: 9;
  readonly BigUint64Array: 10;
  readonly Float16Array: 11;
} = Object.freeze({
  Int8Array: 1,
  Uint8ClampedArray: 2,
  Int16Array: 3,
  Uint16Array: 4,
  Int32Array: 5,
  Uint32Array: 6,
  Float32Array: 7,
  Float64Array: 8,
  BigInt64Array: 9,
  BigUint64Array: 10,
  Float16Array: 11,
});
