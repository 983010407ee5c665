// Writing JSON values into headers, refusing what JSON would silently mangle.
//
// `JSON.stringify` turns NaN into null, drops functions, writes a Uint8Array as an object of
// indices and a Map as `{}`. A peer would then receive something other than what was sent, so
// those values are refused with a TypeError that says what to do instead.

import { preview } from "./_preview.ts";

/**
 * Writes `value` as standard JSON.
 *
 * @param value The value to write; `undefined` is written as `null`.
 * @param what What the value is, for messages: `"the message"`, `"the reply data"`.
 * @param hint What the caller can do about a value JSON cannot carry.
 * @throws {TypeError} When `value` holds something JSON cannot carry faithfully.
 */
export function stringifyJson(value: unknown, what: string, hint: string): string {
  switch (typeof value) {
    case "undefined":
      return "null";
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isFinite(value)) return JSON.stringify(value);
      break;
    case "object":
      if (value === null) return "null";
  }
  let refused: TypeError | undefined;
  // `binaryHint` is false for values no header format carries (functions, Maps, …).
  const refuse = (key: string, found: string, binaryHint = true): never => {
    const where = key === "" ? "it" : `the value at key ${JSON.stringify(key)}`;
    const todo = binaryHint ? hint : "convert it to plain objects, arrays, strings and numbers";
    refused = new TypeError(`Cannot encode ${what} as JSON: ${where} is ${found}; ${todo}`);
    throw refused;
  };
  function check(this: unknown, key: string, replaced: unknown): unknown {
    const original = (this as Record<string, unknown>)[key];
    for (const candidate of [original, replaced]) {
      switch (typeof candidate) {
        case "bigint":
          refuse(key, `a bigint (${preview(candidate)})`);
          break;
        case "function":
          refuse(key, "a function", false);
          break;
        case "symbol":
          refuse(key, "a symbol", false);
          break;
        case "number":
          if (!Number.isFinite(candidate)) refuse(key, String(candidate));
          break;
        case "object":
          if (candidate === null) break;
          if (ArrayBuffer.isView(candidate) || candidate instanceof ArrayBuffer) {
            refuse(key, preview(candidate));
          } else if (candidate instanceof Map || candidate instanceof Set) {
            refuse(key, preview(candidate), false);
          }
      }
    }
    return replaced;
  }
  try {
    return JSON.stringify(value, check);
  } catch (error) {
    if (refused !== undefined) throw refused;
    throw new TypeError(
      `Cannot encode ${what} as JSON: ${(error as Error).message}; pass plain data without cycles`,
      { cause: error },
    );
  }
}
