/**
 * Transport benchmark: our libzmq FFI sockets against pyzmq (same libzmq) in the same run.
 * Sender and receiver run in separate processes over tcp loopback. Prints a table and writes
 * `bench/results/zmq.json`.
 *
 * Run: `deno task bench --only zmq [--quick]`
 *
 * @module
 */
import {
  FRAME_BYTES,
  medianRuns,
  roundTrip,
  stream,
  type StreamResult,
  transportImpls,
} from "./_transport.ts";
import { cell, writeResult } from "./_report.ts";

/** The figures of one implementation. */
export type ZmqFigures = Record<string, number>;

/** Runs the transport benchmark; returns the figures by implementation (`deno-ffi`, `pyzmq`). */
export async function runZmqBench(
  options: { quick?: boolean } = {},
): Promise<Record<string, ZmqFigures>> {
  const quick = options.quick ?? false;
  const impls = await transportImpls();
  if (impls.length === 1) {
    console.log("pyzmq not found (apt-get install python3-zmq): no ceiling this run");
  }
  const results: Record<string, ZmqFigures> = {};
  const frames = quick ? 500 : 3000;
  // Every stream variant takes turns with the others (see medianRuns): ours copying, ours
  // copying nothing (send({ zeroCopy }) and receiveLeased(), like pyzmq's copy=False), pyzmq.
  const variants = [
    ...impls.map((impl) => ({ impl, zeroCopy: false })),
    { impl: impls[0], zeroCopy: true },
  ];
  const streams: Record<"push" | "pub", StreamResult[]> = { push: [], pub: [] };
  for (const kind of ["push", "pub"] as const) {
    streams[kind] = await medianRuns(
      variants.map(({ impl, zeroCopy }) => () => stream(impl, kind, frames, { zeroCopy })),
    );
  }
  const zeroCopyAt = variants.length - 1;
  for (const [i, impl] of impls.entries()) {
    const push = streams.push[i];
    const pub = streams.pub[i];
    const small = await roundTrip(impl, 64, quick ? 2000 : 20000);
    const large = await roundTrip(impl, FRAME_BYTES, quick ? 200 : 1000);
    const zeroCopy = impl.name === "deno-ffi"
      ? { push: streams.push[zeroCopyAt], pub: streams.pub[zeroCopyAt] }
      : { push, pub };
    results[impl.name] = {
      pushPullMsgsPerSec: push.msgsPerSec,
      pushPullMBPerSec: push.mbPerSec,
      pubSubMsgsPerSec: pub.msgsPerSec,
      pubSubMBPerSec: pub.mbPerSec,
      pubSubReceived: pub.received,
      pushPullZeroCopyMsgsPerSec: zeroCopy.push.msgsPerSec,
      pubSubZeroCopyMsgsPerSec: zeroCopy.pub.msgsPerSec,
      reqRep64P50us: small.p50us,
      reqRep64P99us: small.p99us,
      reqRepFrameP50us: large.p50us,
      reqRepFrameP99us: large.p99us,
    };
  }
  printTable(results);
  await writeResult("zmq", results);
  return results;
}

function printTable(results: Record<string, ZmqFigures>): void {
  const ours = results["deno-ffi"];
  const ceiling = results["pyzmq"];
  const rows: [string, string, (r: ZmqFigures) => number, boolean][] = [
    ["PUSH/PULL 921,600 B", "msgs/s", (r) => r.pushPullMsgsPerSec, true],
    ["PUSH/PULL 921,600 B", "MB/s", (r) => r.pushPullMBPerSec, true],
    ["PUB/SUB 921,600 B", "msgs/s", (r) => r.pubSubMsgsPerSec, true],
    ["PUB/SUB 921,600 B", "MB/s", (r) => r.pubSubMBPerSec, true],
    ["PUSH/PULL zero-copy", "msgs/s", (r) => r.pushPullZeroCopyMsgsPerSec, true],
    ["PUB/SUB zero-copy", "msgs/s", (r) => r.pubSubZeroCopyMsgsPerSec, true],
    ["REQ/REP 64 B p50", "µs", (r) => r.reqRep64P50us, false],
    ["REQ/REP 64 B p99", "µs", (r) => r.reqRep64P99us, false],
    ["REQ/REP 921,600 B p50", "µs", (r) => r.reqRepFrameP50us, false],
    ["REQ/REP 921,600 B p99", "µs", (r) => r.reqRepFrameP99us, false],
  ];
  console.log(
    `\nlibzmq transport, tcp loopback, ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, ${
      new Date().toISOString().slice(0, 10)
    }`,
  );
  console.log(
    `${"case".padEnd(24)}${"unit".padEnd(7)}${"deno-ffi".padStart(9)}${
      ceiling ? "    pyzmq    ours/pyzmq" : ""
    }`,
  );
  for (const [name, unit, pick, higherIsBetter] of rows) {
    const a = pick(ours);
    let line = `${name.padEnd(24)}${unit.padEnd(7)}${cell(a)}`;
    if (ceiling) {
      const b = pick(ceiling);
      const ratio = higherIsBetter ? a / b : b / a;
      line += `${cell(b)}    ${(ratio * 100).toFixed(0).padStart(5)}%`;
    }
    console.log(line);
  }
  if (ceiling) {
    console.log("");
    for (const [name, key] of [["PUSH/PULL", "pushPull"], ["PUB/SUB", "pubSub"]]) {
      const copied = ours[`${key}MsgsPerSec`] / ceiling[`${key}MsgsPerSec`];
      const zeroCopy = ours[`${key}ZeroCopyMsgsPerSec`] / ceiling[`${key}MsgsPerSec`];
      console.log(
        `target: ${name} >= 80% of pyzmq: copying ${(copied * 100).toFixed(0)}%, ` +
          `zero-copy ${(zeroCopy * 100).toFixed(0)}% ${
            Math.max(copied, zeroCopy) >= 0.8 ? "(met)" : "(missed)"
          }`,
      );
    }
  }
  console.log(
    `target: REQ/REP 64 B p50 <= 100 µs: ${ours.reqRep64P50us.toFixed(0)} µs ${
      ours.reqRep64P50us <= 100 ? "(met)" : "(missed)"
    }`,
  );
}

if (import.meta.main) await runZmqBench({ quick: Deno.args.includes("--quick") });
