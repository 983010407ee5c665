/**
 * `deno task bench`: the transport (zmq), NetGear and JPEG benchmarks, in that order, then the
 * slow-link one (asked for by name only: it needs root for its network namespaces).
 *
 * Flags:
 * - `--only zmq,netgear,jpeg,slow-link`: run only these parts (the default: the first three).
 * - `--quick`: small counts (a smoke run; the figures are only indicative).
 * - `--long N`: frames of the NetGear long RSS run (default 100,000, the figure).
 * - `--servers 1,2,4,8,16`, `--transports tcp,ipc`: the NetGear cases to run.
 * - `--modes p1,p2,latest`: the NetGear multi-server modes (pattern 1, pattern 2 lossless,
 *   pattern 2 latest); `--multi-only` skips the round trips and the long run.
 * - `--out DIR`: where the NetGear part writes `netgear.json` (default `bench/results`).
 *
 * Environment: `NETGEAR_BENCH_LOG=1` turns NetGear logging on in the peers and prints each
 * case's frames sent/received by port; `NETGEAR_BENCH_PROFILE=<dir>` runs the NetGear client
 * under `deno --cpu-prof` (with libzmq 4.3.4 the profiler's signals currently make socket calls
 * fail with EINTR; see the README).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runZmqBench } from "./zmq_bench.ts";
import { type Mode, MODES, numberList, runNetgearBench, type Transport } from "./netgear_bench.ts";
import { runJpegBench } from "./jpeg_bench.ts";
import { runSlowLinkBench } from "./slow_link_bench.ts";

const PARTS = ["zmq", "netgear", "jpeg", "slow-link"] as const;
/** What runs without `--only`. */
const DEFAULT_PARTS = ["zmq", "netgear", "jpeg"];

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    long: { type: "string" },
    servers: { type: "string" },
    transports: { type: "string" },
    out: { type: "string" },
    modes: { type: "string" },
    "multi-only": { type: "boolean", default: false },
  },
});
const only = values.only?.split(",").map((s) => s.trim()) ?? DEFAULT_PARTS;
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
    modes: values.modes === undefined ? undefined : modeList(values.modes),
    multiServerOnly: values["multi-only"],
  });
}
if (only.includes("jpeg")) {
  console.log("");
  await runJpegBench();
}
if (only.includes("slow-link")) await runSlowLinkBench({ seconds: values.quick ? 3 : 10 });

function modeList(text: string): Mode[] {
  const names: Record<string, Mode> = { p1: MODES[0], p2: MODES[1], latest: MODES[2] };
  return text.split(",").map((s) => {
    const mode = names[s.trim()];
    if (!mode) throw new RangeError(`Cannot use mode "${s}": use p1, p2 or latest`);
    return mode;
  });
}
