/**
 * The frame: an ndarray-like value (`shape`, `dtype`, C-order bytes), the unit NetGear moves.
 *
 * It mirrors what a numpy array carries over vidgear's wire: the numpy dtype name, the shape,
 * and the row-major little-endian bytes. Any plain object with these three fields is a frame.
 *
 * @module
 */

/** Numpy dtype names a frame can carry, with their item sizes in bytes. */
export const DTYPE_SIZES = {
  uint8: 1,
  int8: 1,
  bool: 1,
  uint16: 2,
  int16: 2,
  float16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  uint64: 8,
  int64: 8,
  float64: 8,
} as const;

/** A numpy dtype name, as written in NetGear headers (`"uint8"`, `"float32"`, …). */
export type DType = keyof typeof DTYPE_SIZES;

/** An ndarray-like frame: C-order (row-major), little-endian bytes of `shape` items of `dtype`. */
export interface Frame {
  /** Dimensions, outermost first: `[height, width, channels]` for colour, `[height, width]` for gray. */
  readonly shape: readonly number[];
  /** The numpy name of the item type. */
  readonly dtype: DType;
  /** Exactly `product(shape) * itemSize(dtype)` bytes, C order, little-endian. */
  readonly data: Uint8Array;
  /**
   * When the frame was captured, in milliseconds since the Unix epoch (`Date.now()`), where its
   * source knows it (the capture sources set it). A NetGear sender sends it with the frame.
   */
  readonly captureTime?: number;
}

/** Largest item count a frame may declare (2^31 - 1 items), a guard against absurd shapes. */
export const MAX_FRAME_ITEMS = 0x7fff_ffff;

/**
 * Tells whether `name` is a dtype this library knows.
 *
 * @example Check a header's dtype
 * ```ts
 * import { isDType } from "./frame.ts";
 * isDType("uint8"); // true
 * isDType("complex128"); // false
 * ```
 */
export function isDType(name: unknown): name is DType {
  return typeof name === "string" && Object.hasOwn(DTYPE_SIZES, name);
}

/**
 * Counts the items a shape holds, or returns `undefined` when the shape is not a list of
 * non-negative safe integers or holds more than {@link MAX_FRAME_ITEMS} items.
 *
 * @example
 * ```ts
 * import { shapeItems } from "./frame.ts";
 * shapeItems([480, 640, 3]); // 921600
 * shapeItems([-1, 2]); // undefined
 * ```
 */
export function shapeItems(shape: unknown): number | undefined {
  if (!Array.isArray(shape) || shape.length === 0 || shape.length > 32) return undefined;
  let items = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) return undefined;
    items *= dim;
    if (items > MAX_FRAME_ITEMS) return undefined;
  }
  return items;
}

/** Byte length a frame of `shape` and `dtype` must have, or `undefined` for an invalid shape. */
export function frameByteLength(shape: readonly number[], dtype: DType): number | undefined {
  const items = shapeItems(shape);
  return items === undefined ? undefined : items * DTYPE_SIZES[dtype];
}

/**
 * Builds a frame after checking that `data` holds exactly the bytes that `shape` and `dtype`
 * call for. Typed arrays are viewed as bytes, not copied.
 *
 * @param data The C-order bytes, or a typed array whose bytes are them.
 * @param shape The dimensions, e.g. `[480, 640, 3]`.
 * @param dtype The numpy dtype name.
 * @returns A frame over `data`'s memory.
 * @throws {TypeError} When the dtype is unknown.
 * @throws {RangeError} When the shape is invalid or does not match the byte length.
 *
 * @example A black 640×480 BGR frame
 * ```ts
 * import { createFrame } from "./frame.ts";
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * frame.dtype; // "uint8"
 * ```
 *
 * @example A float32 depth map from a typed array
 * ```ts
 * import { createFrame } from "./frame.ts";
 * const depth = createFrame(new Float32Array(4 * 4), [4, 4], "float32");
 * depth.data.byteLength; // 64
 * ```
 */
export function createFrame(
  data: Uint8Array | ArrayBufferView,
  shape: readonly number[],
  dtype: DType = "uint8",
): Frame {
  if (!isDType(dtype)) {
    throw new TypeError(
      `Cannot create a frame with dtype "${dtype}": use one of ${
        Object.keys(DTYPE_SIZES).join(", ")
      }`,
    );
  }
  const bytes = data instanceof Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const expected = frameByteLength(shape, dtype);
  if (expected === undefined) {
    throw new RangeError(
      `Cannot create a frame with shape ${
        JSON.stringify(shape)
      }: use 1 to 32 non-negative integers`,
    );
  }
  if (expected !== bytes.byteLength) {
    throw new RangeError(
      `Cannot create a ${dtype} frame of shape ${
        JSON.stringify(shape)
      }: it needs ${expected} bytes, got ${bytes.byteLength}`,
    );
  }
  return { shape: [...shape], dtype, data: bytes };
}
