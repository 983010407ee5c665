// The C allocator, tuned for streams of large messages (glibc only).
//
// Every 921,600-byte frame is a fresh allocation twice over: libzmq's receive buffer and the
// JS copy of it. glibc serves allocations above its mmap threshold (128 KiB, raised on the fly
// only as far as the largest block freed so far) with fresh pages, and hands freed memory
// above its trim threshold back to the system; either way the next frame touches new pages,
// and the kernel zeroes each 4 KiB page on first touch. Measured here (`perf stat`, a Deno PULL
// receiving 3000 frames from pyzmq): 100 page faults a frame and 1.1 s of CPU by default, 6-17
// faults and 0.4-0.5 s with the thresholds below, and 1.6× the frames per second.

import { granted, readEnv } from "./_ffi.ts";

/** What {@link tuneMemory} did. */
export interface MemoryTuning {
  /** Whether the allocator now uses the thresholds below. */
  readonly applied: boolean;
  /** Why not, when not applied; what was set otherwise. */
  readonly detail: string;
  /** Allocations at least this large get their own mapping (glibc `M_MMAP_THRESHOLD`). */
  readonly mmapThreshold?: number;
  /** Free memory at the heap's top kept rather than returned to the system (`M_TRIM_THRESHOLD`). */
  readonly trimThreshold?: number;
}

/** Thresholds for {@link tuneMemory}, in bytes. */
export interface MemoryTuningOptions {
  /** Default 32 MiB, glibc's largest: frames up to 4K UHD come from the reused heap. */
  mmapThreshold?: number;
  /** Default 64 MiB: what a burst of frames freed at once may keep for the next ones. */
  trimThreshold?: number;
}

const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
const MIB = 1024 * 1024;

let done: MemoryTuning | undefined;

/**
 * Tunes the C allocator of the whole process for streams of large messages: on Linux with
 * glibc, raises malloc's mmap and trim thresholds (`mallopt`), so that frame after frame
 * reuses memory instead of mapping, faulting in and returning fresh pages. It cuts the CPU
 * time of receiving a 640×480×3 frame by more than half. The price: up to `trimThreshold` of
 * freed memory per malloc arena stays in the process for reuse.
 *
 * NetGear calls it unless its `tuneMemory` option is false. It runs once per process; later
 * calls return the first result. It does nothing where malloc is not glibc's (macOS, Windows,
 * musl), and nothing when the environment already tunes malloc (`GLIBC_TUNABLES` with a
 * `glibc.malloc` setting, or a `MALLOC_MMAP_THRESHOLD_`/`MALLOC_TRIM_THRESHOLD_` variable).
 *
 * @example
 * ```ts ignore
 * import { tuneMemory } from "./mod.ts";
 * const { applied, detail } = tuneMemory();
 * console.log(applied ? `malloc tuned: ${detail}` : `malloc left alone: ${detail}`);
 * ```
 */
export function tuneMemory(options: MemoryTuningOptions = {}): MemoryTuning {
  const mmapThreshold = checkBytes(options.mmapThreshold ?? 32 * MIB, "mmapThreshold", 32 * MIB);
  const trimThreshold = checkBytes(options.trimThreshold ?? 64 * MIB, "trimThreshold", 2 ** 31 - 1);
  done ??= apply(mmapThreshold, trimThreshold);
  return done;
}

function apply(mmapThreshold: number, trimThreshold: number): MemoryTuning {
  if (Deno.build.os !== "linux") return skipped(`malloc on ${Deno.build.os} is not glibc's`);
  const tunables = readEnv("GLIBC_TUNABLES") ?? "";
  if (/glibc\.malloc\./.test(tunables)) return skipped("GLIBC_TUNABLES already tunes malloc");
  for (const name of ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"]) {
    if (readEnv(name) !== undefined) return skipped(`${name} already tunes malloc`);
  }
  if (!granted({ name: "ffi" })) return skipped("no --allow-ffi for the C library");
  let libc;
  try {
    libc = Deno.dlopen("libc.so.6", {
      mallopt: { parameters: ["i32", "i32"], result: "i32" },
      gnu_get_libc_version: { parameters: [], result: "pointer" },
    });
  } catch {
    return skipped("the C library is not glibc (no libc.so.6 with mallopt)");
  }
  try {
    const version = libc.symbols.gnu_get_libc_version();
    const glibc = version === null
      ? "glibc"
      : `glibc ${new Deno.UnsafePointerView(version).getCString()}`;
    // Setting either also turns off glibc's adjusting of both on the fly.
    if (
      libc.symbols.mallopt(M_TRIM_THRESHOLD, trimThreshold) !== 1 ||
      libc.symbols.mallopt(M_MMAP_THRESHOLD, mmapThreshold) !== 1
    ) {
      return skipped(`${glibc} refused the thresholds`);
    }
    return {
      applied: true,
      detail: `${glibc}: mmap threshold ${mmapThreshold / MIB} MiB, trim threshold ${
        trimThreshold / MIB
      } MiB`,
      mmapThreshold,
      trimThreshold,
    };
  } finally {
    libc.close();
  }
}

function skipped(detail: string): MemoryTuning {
  return { applied: false, detail };
}

function checkBytes(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be a whole number of bytes from 0 to ${max}, got ${value}`);
  }
  return value;
}
