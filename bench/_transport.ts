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

/** How a stream run is set up. */
export interface StreamOptions {
  /** Where the receiver binds. @default {"tcp://127.0.0.1:*"} */
  endpoint?: string;
  /** Ours only: send({ zeroCopy }) and receiveLeased(), like pyzmq's copy=False. */
  zeroCopy?: boolean;
  /** Senders, each in its own process, each sending `count` (fan-in). @default {1} */
  senders?: number;
}

/**
 * Streams `count` messages of 921,600 bytes from each PUSH (or PUB) process to one PULL (or
 * SUB) process. Several senders start together and the run ends with the last one's end.
 */
export async function stream(
  impl: Impl,
  kind: "push" | "pub",
  count: number,
  options: StreamOptions = {},
): Promise<StreamResult> {
  const suffix = options.zeroCopy ? "-zerocopy" : "";
  const senders = options.senders ?? 1;
  const { result } = await streamFrom(
    impl,
    [(kind === "push" ? "pull" : "sub") + suffix, options.endpoint ?? "tcp://127.0.0.1:*"],
    senders,
    (ready) => Array.from({ length: senders }, () => String(ready)),
    kind + suffix,
    count,
  );
  return result;
}

/** A run in NetGear's own shape: the receiver's rate, and each sender's CPU per message. */
export interface ShapeResult extends StreamResult {
  /** Process CPU time (user + system) per message, averaged over the senders, µs. */
  senderCpuUs: number;
}

/**
 * Raw libzmq in NetGear's shape: `senders` processes, each connecting to a port of its own of
 * one receiver that binds them all (PULL for `"push"`, REP answering 40 bytes for `"req"`),
 * each sending `count` messages of 921,600 bytes. pyzmq only (`_pyzmq_peer.py`).
 */
export async function shapeStream(
  impl: Impl,
  kind: "push" | "req",
  senders: number,
  count: number,
  endpoint = "tcp://127.0.0.1:*",
): Promise<ShapeResult> {
  const { result, sent } = await streamFrom(
    impl,
    [kind === "push" ? "pull-ports" : "rep-ports", endpoint],
    senders,
    (ready) => ready as string[],
    kind === "push" ? "push" : "req-stream",
    count,
  );
  const cpuUs = sent.reduce((sum, s) => sum + (s.cpuUs as number), 0);
  return { ...result, senderCpuUs: cpuUs / sent.length };
}

/**
 * Starts a receiver (`receiverArgs`: its role and endpoint; it is told how many senders end
 * the run), then one sender process per endpoint that `endpoints` makes of its `ready`, all
 * starting at once, each sending `count` messages; returns the receiver's result and each
 * sender's report.
 */
async function streamFrom(
  impl: Impl,
  receiverArgs: [role: string, endpoint: string],
  senders: number,
  endpoints: (ready: unknown) => string[],
  senderRole: string,
  count: number,
): Promise<{ result: StreamResult; sent: Record<string, unknown>[] }> {
  const receiver = new Peer(impl.command, [...impl.args, ...receiverArgs, String(senders), "0"]);
  try {
    const { ready } = await receiver.next();
    // Several senders wait for one start time, past their start-up (about 0.2 s each).
    const startAt = senders > 1 ? Date.now() + 1000 + 150 * senders : 0;
    const peers = endpoints(ready).map((at) =>
      new Peer(impl.command, [
        ...impl.args,
        senderRole,
        at,
        String(FRAME_BYTES),
        String(count),
        String(startAt),
      ])
    );
    const sent: Record<string, unknown>[] = [];
    try {
      for (const sender of peers) {
        sent.push(await sender.next(300_000));
        await sender.done();
      }
    } finally {
      for (const sender of peers) sender.kill();
    }
    const result = await receiver.next() as unknown as StreamResult;
    await receiver.done();
    return { result, sent };
  } finally {
    receiver.kill();
  }
}

/**
 * Runs each of `jobs` `runs` times, taking turns (a, b, a, b, …), and returns each one's run
 * with the median msgs/s. One run of a 2-core machine's loopback varies by up to ±30%, and
 * its speed drifts; taking turns lets a drift touch every job alike.
 */
export async function medianRuns<T extends StreamResult>(
  jobs: (() => Promise<T>)[],
  runs = 3,
): Promise<T[]> {
  const results: T[][] = jobs.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, job] of jobs.entries()) results[i].push(await job());
  }
  return results.map((list) => {
    list.sort((a, b) => a.msgsPerSec - b.msgsPerSec);
    return list[Math.floor(list.length / 2)];
  });
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
