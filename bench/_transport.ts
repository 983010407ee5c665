// The raw libzmq transport between two processes, without NetGear: our FFI sockets
// (_zmq_peer.ts) and pyzmq (_pyzmq_peer.py) playing the same roles. Used by the transport
// benchmark and as the NetGear benchmark's ceiling.
import { findPyzmq, Peer } from "./_process.ts";

/** 640×480×3 uint8: one VGA BGR frame, 921,600 bytes. */
export const FRAME_BYTES = 640 * 480 * 3;

/** One implementation of the peer roles: how to start it. */
export interface Impl {
  /** `deno-ffi` (ours) or `pyzmq`. */
  name: "deno-ffi" | "pyzmq";
  command: string;
  args: string[];
}

/** What a stream run measured, on the receiving side. */
export interface StreamResult {
  received: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
}

/** What a round-trip run measured, on the requesting side. */
export interface RoundTripResult {
  p50us: number;
  p99us: number;
  roundTrips: number;
}

const here = new URL(".", import.meta.url).pathname;

/** Our peer, and pyzmq's when Debian's python3-zmq is installed. */
export async function transportImpls(): Promise<Impl[]> {
  const impls: Impl[] = [{
    name: "deno-ffi",
    command: Deno.execPath(),
    args: [
      "run",
      "--allow-ffi",
      "--allow-read",
      "--allow-env",
      "--allow-net",
      `${here}_zmq_peer.ts`,
    ],
  }];
  const python = await findPyzmq();
  if (python) impls.push({ name: "pyzmq", command: python, args: [`${here}_pyzmq_peer.py`] });
  return impls;
}

/**
 * Streams `count` messages of `size` bytes from a PUSH (or PUB) process to a PULL (or SUB)
 * process bound at `endpoint` (`tcp://127.0.0.1:*` or an ipc path).
 */
export async function stream(
  impl: Impl,
  kind: "push" | "pub",
  count: number,
  endpoint = "tcp://127.0.0.1:*",
  size = FRAME_BYTES,
  zeroCopy = false,
): Promise<StreamResult> {
  // Zero-copy roles (ours): send({ zeroCopy }) and receiveLeased(), like pyzmq's copy=False.
  const suffix = zeroCopy ? "-zerocopy" : "";
  const receiver = new Peer(impl.command, [
    ...impl.args,
    (kind === "push" ? "pull" : "sub") + suffix,
    endpoint,
    "0",
    "0",
  ]);
  try {
    const { ready } = await receiver.next();
    const sender = new Peer(impl.command, [
      ...impl.args,
      kind + suffix,
      String(ready),
      String(size),
      String(count),
    ]);
    try {
      await sender.next();
      await sender.done();
    } finally {
      sender.kill();
    }
    const result = await receiver.next();
    await receiver.done();
    return result as unknown as StreamResult;
  } finally {
    receiver.kill();
  }
}

/**
 * {@link stream} run `runs` times (3 unless told): the run with the median msgs/s. One run of a
 * 2-core machine's loopback varies by up to ±30%; a ceiling should not.
 */
export async function medianStream(
  impl: Impl,
  kind: "push" | "pub",
  count: number,
  options: { endpoint?: string; zeroCopy?: boolean; runs?: number } = {},
): Promise<StreamResult> {
  const results: StreamResult[] = [];
  for (let run = 0; run < (options.runs ?? 3); run++) {
    results.push(
      await stream(impl, kind, count, options.endpoint, FRAME_BYTES, options.zeroCopy ?? false),
    );
  }
  results.sort((a, b) => a.msgsPerSec - b.msgsPerSec);
  return results[Math.floor(results.length / 2)];
}

/**
 * Times `count` REQ/REP round trips of a `size`-byte request. The reply echoes the request,
 * or is `replySize` bytes when given (a NetGear reply is a short acknowledgement).
 */
export async function roundTrip(
  impl: Impl,
  size: number,
  count: number,
  options: { endpoint?: string; replySize?: number } = {},
): Promise<RoundTripResult> {
  const rep = new Peer(impl.command, [
    ...impl.args,
    "rep",
    options.endpoint ?? "tcp://127.0.0.1:*",
    String(options.replySize ?? 0),
    String(count),
  ]);
  try {
    const { ready } = await rep.next();
    const req = new Peer(impl.command, [
      ...impl.args,
      "req",
      String(ready),
      String(size),
      String(count),
    ]);
    try {
      const result = await req.next();
      await req.done();
      await rep.done();
      return result as unknown as RoundTripResult;
    } finally {
      req.kill();
    }
  } finally {
    rep.kill();
  }
}
