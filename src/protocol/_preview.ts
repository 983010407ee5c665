// Short, bounded descriptions of untrusted values for error messages.

const MAX_STRING = 40;
const MAX_ITEMS = 6;

/** Describes `value` in at most a few dozen characters, whatever its size. */
export function preview(value: unknown): string {
  return describe(value, true);
}

function describe(value: unknown, top: boolean): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(
        value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value,
      );
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (!top) return `[…${value.length} items]`;
    const head = value.slice(0, MAX_ITEMS).map((item) => describe(item, false));
    if (value.length > MAX_ITEMS) head.push(`… ${value.length} items`);
    return `[${head.join(", ")}]`;
  }
  const name = constructorName(value as object);
  if (ArrayBuffer.isView(value)) return `${article(name ?? "view")} of ${value.byteLength} bytes`;
  return name !== undefined && name !== "Object" ? article(name) : "an object";
}

/** The class name from the prototype chain, never from the value's own (untrusted) keys. */
function constructorName(value: object): string | undefined {
  const prototype = Object.getPrototypeOf(value);
  if (prototype === null) return undefined;
  const name = Object.hasOwn(prototype, "constructor") ? prototype.constructor?.name : undefined;
  return typeof name === "string" ? name : undefined;
}

function article(name: string): string {
  return `${/^[AEIOU]/i.test(name) ? "an" : "a"} ${name}`;
}
