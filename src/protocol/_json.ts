// Reading JSON as Python's `json.dumps` writes it.
//
// Python peers may write the non-standard tokens `NaN`, `Infinity` and `-Infinity`, which
// `JSON.parse` refuses. The fast path is `JSON.parse`; only when it fails does the small parser
// below run, which accepts exactly Python's grammar. Both paths are linear in the input and
// bounded in nesting, so hostile input can neither stack-overflow nor take quadratic time.

import { utf8Decoder } from "./_text.ts";

/** A reason the bytes are not JSON a Python peer could have written. */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

/**
 * Parses UTF-8 JSON bytes, accepting Python's `NaN`, `Infinity` and `-Infinity` tokens.
 *
 * @throws {JsonSyntaxError} On invalid UTF-8, invalid JSON or nesting deeper than `maxDepth`.
 */
export function parseJson(bytes: Uint8Array, maxDepth: number): unknown {
  if (nestingExceeds(bytes, maxDepth)) {
    throw new JsonSyntaxError(`it nests arrays and objects deeper than ${maxDepth} levels`);
  }
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    throw new JsonSyntaxError("it is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    return parsePythonJson(text, maxDepth);
  }
}

/**
 * Tells whether brackets outside strings nest deeper than `limit`. One pass over the bytes: the
 * structural characters are ASCII, which never occurs inside a multi-byte UTF-8 sequence.
 */
function nestingExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Parses `text` with Python's `json.loads` grammar (strict mode). */
function parsePythonJson(text: string, maxDepth: number): unknown {
  let pos = 0;
  const length = text.length;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };

  const skipWhitespace = (): void => {
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      pos++;
    }
  };

  const literal = (word: string, result: unknown): unknown => {
    if (!text.startsWith(word, pos)) fail("unexpected token");
    pos += word.length;
    return result;
  };

  const digits = (): number => {
    const start = pos;
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c < 0x30 || c > 0x39) break;
      pos++;
    }
    return pos - start;
  };

  const number = (): number => {
    const start = pos;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    const first = text.charCodeAt(pos);
    if (first === 0x30) pos++;
    else if (first >= 0x31 && first <= 0x39) digits();
    else fail("expected a digit");
    if (text.charCodeAt(pos) === 0x2e) {
      pos++;
      if (digits() === 0) fail("expected a digit after the decimal point");
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      if (digits() === 0) fail("expected a digit in the exponent");
    }
    return Number(text.slice(start, pos));
  };

  const hex4 = (): number => {
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = text.charCodeAt(pos++);
      let nibble: number;
      if (c >= 0x30 && c <= 0x39) nibble = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) nibble = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) nibble = c - 0x37;
      else return fail("invalid \\u escape");
      code = code * 16 + nibble;
    }
    return code;
  };

  const string = (): string => {
    pos++; // the opening quote
    let out = "";
    let start = pos;
    for (;;) {
      if (pos >= length) fail("unterminated string");
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(start, pos);
        pos++;
        const escape = text.charCodeAt(pos++);
        switch (escape) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75:
            out += String.fromCharCode(hex4());
            break;
          default:
            pos--;
            fail("invalid escape");
        }
        start = pos;
        continue;
      }
      if (c < 0x20) fail("control character in string");
      pos++;
    }
  };

  const value = (depth: number): unknown => {
    skipWhitespace();
    if (pos >= length) fail("unexpected end");
    const c = text.charCodeAt(pos);
    switch (c) {
      case 0x7b:
        return object(depth + 1);
      case 0x5b:
        return array(depth + 1);
      case 0x22:
        return string();
      case 0x74:
        return literal("true", true);
      case 0x66:
        return literal("false", false);
      case 0x6e:
        return literal("null", null);
      case 0x4e:
        return literal("NaN", NaN);
      case 0x49:
        return literal("Infinity", Infinity);
      case 0x2d:
        return text.startsWith("-Infinity", pos) ? literal("-Infinity", -Infinity) : number();
      default:
        return c >= 0x30 && c <= 0x39 ? number() : fail("unexpected character");
    }
  };

  const array = (depth: number): unknown[] => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
    pos++; // [
    const out: unknown[] = [];
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x5d) {
      pos++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      skipWhitespace();
      const c = text.charCodeAt(pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        pos--;
        fail("expected ',' or ']'");
      }
    }
  };

  const object = (depth: number): Record<string, unknown> => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
    pos++; // {
    const out: Record<string, unknown> = {};
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text.charCodeAt(pos) !== 0x22) fail("expected a string key");
      const key = string();
      skipWhitespace();
      if (text.charCodeAt(pos) !== 0x3a) fail("expected ':'");
      pos++;
      const item = value(depth);
      if (key === "__proto__") {
        // Where Object.prototype.__proto__ exists (browsers, Node; not Deno), a plain
        // assignment would replace the prototype. JSON.parse defines a property, as here.
        Object.defineProperty(out, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[key] = item;
      }
      skipWhitespace();
      const c = text.charCodeAt(pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        pos--;
        fail("expected ',' or '}'");
      }
    }
  };

  const result = value(0);
  skipWhitespace();
  if (pos < length) fail("unexpected data after the JSON value");
  return result;
}
