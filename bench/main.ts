/**
 * `deno task bench`: the transport (zmq), NetGear and JPEG benchmarks, in that order.
 *
 * Flags:
 * - `--only zmq,netgear,jpeg`: run only these parts.
 * - `--quick`: small counts (a smoke run; the figures are only indicative).
 * - `--long N`: frames of the NetGear long RSS run (default 20,000; the figure is
 *   100,000).
 * - `--servers 1,2,4,8,16`, `--transports tcp,ipc`: the NetGear cases to run.
 * - `--out DIR`: where the NetGear part writes `netgear.json` (default `bench/results`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runZmqBench } from "./zmq_bench.ts";
import { numberList, runNetgearBench, type Transport } from "./netgear_bench.ts";
import { runJpegBench } from "./jpeg_bench.ts";

const PARTS = ["zmq", "netgear", "jpeg"] as const;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    long: { type: "string" },
    servers: { type: "string" },
    transports: { type: "string" },
    out: { type: "string" },
  },
});
const only = values.only?.split(",").map((s) => s.trim()) ?? [...PARTS];
for (const part of only) {
  if (!(PARTS as readonly string[]).includes(part)) {
    throw new RangeError(`Cannot run part "${part}": use --only with ${PARTS.join(", ")}`);
  }
}
const transports = values.transports?.split(",").map((s) => s.trim()) as Transport[] | undefined;
for (const t of transports ?? []) {
  if (t !== "tcp" && t !== "ipc") throw new RangeError(`Cannot use transport "${t}": tcp or ipc`);
}
console.log(
  "Note: a shared or busy machine makes every figure noisy; the ratios taken in the same run matter most.",
);
if (only.includes("zmq")) await runZmqBench({ quick: values.quick });
if (only.includes("netgear")) {
  await runNetgearBench({
    quick: values.quick,
    long: values.long === undefined ? undefined : numberList(values.long)[0],
    servers: values.servers === undefined ? undefined : numberList(values.servers),
    transports,
    resultsDir: values.out,
  });
}
if (only.includes("jpeg")) {
  console.log("");
  await runJpegBench();
}
