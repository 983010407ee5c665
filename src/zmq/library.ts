/**
 * Facts about the loaded libzmq: where it came from, its version, its capabilities.
 *
 * @module
 */

import { libzmq, type LibzmqInfo } from "./_ffi.ts";
import { cString } from "./_native.ts";

export type { LibzmqInfo };

/**
 * Where libzmq was loaded from and its version; loads it on first use.
 *
 * @throws {Error} When libzmq cannot be found, listing every place tried.
 */
export function libzmqInfo(): LibzmqInfo {
  return libzmq().info;
}

/** libzmq's version as `"major.minor.patch"`. */
export function zmqVersion(): string {
  return libzmq().info.version.join(".");
}

/**
 * Tells whether libzmq supports a capability (`zmq_has`): `"ipc"`, `"curve"`, `"draft"`, …
 */
export function zmqHas(capability: string): boolean {
  return libzmq().symbols.zmq_has(cString(capability)) === 1;
}
