/**
 * Python's type names for JS values, as NetGear's `return_type` reply key carries them.
 *
 * @module
 */

import { isFrameLike } from "./_frame_like.ts";

/** A Python type name that {@link pythonTypeName} can return. */
export type PythonTypeName =
  | "str"
  | "int"
  | "float"
  | "bool"
  | "list"
  | "dict"
  | "NoneType"
  | "ndarray"
  | "bytes"
  | "array"
  | "set"
  | "datetime"
  | "function"
  | "object";

/**
 * Names the Python type a JS value stands for, as Python's `type(x).__name__` would for the
 * value a Python peer decodes: the `return_type` of a reply.
 *
 * | JS value | name |
 * |---|---|
 * | string | `str` |
 * | integer number, bigint | `int` |
 * | other number (also NaN, ±Infinity) | `float` |
 * | boolean | `bool` |
 * | array | `list` |
 * | `null`, `undefined` | `NoneType` |
 * | frame-like (`shape`, `dtype`, `data: Uint8Array`) | `ndarray` |
 * | `Uint8Array`, `ArrayBuffer` | `bytes` |
 * | other typed array | `array` |
 * | `Set` | `set` |
 * | `Date` | `datetime` |
 * | function | `function` |
 * | symbol | `object` |
 * | any other object (plain object, `Map`) | `dict` |
 *
 * A Python sender only tests for `"ndarray"`, which announces a second (array) reply part, so
 * only frames are ever named so.
 *
 * @param value Any value.
 * @returns The Python type name.
 *
 * @example
 * ```ts
 * import { pythonTypeName } from "./python_type.ts";
 * pythonTypeName("back"); // "str"
 * pythonTypeName(3); // "int"
 * pythonTypeName(0.5); // "float"
 * pythonTypeName(null); // "NoneType"
 * pythonTypeName({ shape: [2], dtype: "uint8", data: new Uint8Array(2) }); // "ndarray"
 * ```
 */
export function pythonTypeName(value: unknown): PythonTypeName {
  switch (typeof value) {
    case "string":
      return "str";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "undefined":
      return "NoneType";
    case "function":
      return "function";
    case "symbol":
      return "object";
  }
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (isFrameLike(value)) return "ndarray";
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return "bytes";
  if (ArrayBuffer.isView(value)) return "array";
  if (value instanceof Set) return "set";
  if (value instanceof Date) return "datetime";
  return "dict";
}
