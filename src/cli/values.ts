/**
 * Value checks for command-line flags: each turns the text the user typed into a value or
 * throws a {@linkcode UsageError} naming the flag and what it takes.
 *
 * @module
 */

import { UsageError } from "./args.ts";

/** The port `text` names, or `undefined` when it is not one. */
function toPort(text: string): number | undefined {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** A tcp port, 1 to 65535. */
export function portValue(text: string, flag: string): number {
  const port = toPort(text);
  if (port === undefined) {
    throw new UsageError(`Cannot use ${flag} "${text}": use a port from 1 to 65535`);
  }
  return port;
}

/** A comma-separated list of distinct ports (`5566,5567`). */
export function portListValue(text: string, flag: string): number[] {
  const parts = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (parts.length === 0) {
    throw new UsageError(`Cannot use ${flag} "${text}": list ports separated by commas`);
  }
  const ports = parts.map((part) => {
    const port = toPort(part);
    if (port === undefined) {
      throw new UsageError(
        `Cannot use ${flag} "${text}": "${part}" is not a port from 1 to 65535; ` +
          "list ports separated by commas, e.g. 5566,5567",
      );
    }
    return port;
  });
  if (new Set(ports).size !== ports.length) {
    throw new UsageError(`Cannot use ${flag} "${text}": list each port once`);
  }
  return ports;
}

/** A number greater than zero (fractions allowed). */
export function positiveNumber(text: string, flag: string): number {
  const value = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`Cannot use ${flag} "${text}": use a number greater than 0`);
  }
  return value;
}

/** A number of at least zero (fractions allowed). */
export function nonNegativeNumber(text: string, flag: string): number {
  const value = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`Cannot use ${flag} "${text}": use a number of 0 or more`);
  }
  return value;
}

/** A whole number greater than zero. */
export function positiveInteger(text: string, flag: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`Cannot use ${flag} "${text}": use a whole number greater than 0`);
  }
  return value;
}

/** `--keep`: a whole number greater than zero, or `all` (Infinity). */
export function keepValue(text: string, flag: string): number {
  if (text.trim() === "all") return Infinity;
  try {
    return positiveInteger(text, flag);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}, or all`);
  }
}

/** `WxH` in pixels (`640x480`). */
export function sizeValue(text: string, flag: string): [width: number, height: number] {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1 || width > 16384 || height > 16384) {
    throw new UsageError(
      `Cannot use ${flag} "${text}": give WIDTHxHEIGHT in pixels, e.g. 640x480`,
    );
  }
  return [width, height];
}

/** A NetGear pattern: 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB); 0 only outside multi-server mode. */
export function patternValue(text: string, multiserver: boolean): 0 | 1 | 2 {
  const pattern = text.trim();
  if (pattern !== "0" && pattern !== "1" && pattern !== "2") {
    throw new UsageError(
      `Cannot use --pattern "${text}": use 1 (REQ/REP), 2 (PUB/SUB), or 0 (PAIR, with --no-multiserver)`,
    );
  }
  if (pattern === "0" && multiserver) {
    throw new UsageError(
      "Cannot use --pattern 0 in multi-server mode: use 1 or 2, or add --no-multiserver",
    );
  }
  return Number(pattern) as 0 | 1 | 2;
}

/** A JPEG quality from 10 to 100 (NetGear's range). */
export function jpegQualityValue(text: string): number {
  const quality = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(quality >= 10 && quality <= 100)) {
    throw new UsageError(
      `Cannot use --jpeg=${text}: give a quality from 10 to 100, e.g. --jpeg=80`,
    );
  }
  return quality;
}

/** `HOST:PORT` for a local listener; port 0 picks a free one. */
export function hostPortValue(text: string, flag: string): { hostname: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new UsageError(
      `Cannot use ${flag}=${text}: give HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free one)`,
    );
  }
  return { hostname: match[1].replace(/^\[|\]$/g, ""), port };
}

/**
 * `--view[=HOST:PORT]` / `--no-view`: where to serve the live page, or `undefined` for none.
 * A bare `--view` (the parser gives it `127.0.0.1:0`) serves on loopback, any free port.
 */
export function viewValue(
  value: string | boolean | undefined,
): { hostname: string; port: number } | undefined {
  if (value === undefined || value === false) return undefined;
  return hostPortValue(String(value), "--view");
}
