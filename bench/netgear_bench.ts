/**
 * NetGear benchmark: multi-server throughput (pattern 1, pattern 2 lossless and latest-frame)
 * with 1 to 16 servers, pattern-1 round trips (plain and bidirectional), the client's CPU and
 * memory, and a long run's RSS, each against the raw libzmq ceiling measured in the same run
 * (PUSH/PULL and REQ/REP of 921,600-byte messages between two processes, pyzmq and ours).
 * Every server runs in its own process, the client in another. Prints tables and writes
 * `bench/results/netgear.json`.
 *
 * Run: `deno task bench --only netgear [--quick] [--long 100000] [--servers 1,4] [--transports tcp]`
 *
 * @module
 */
import { Peer } from "./_process.ts";
import {
  FRAME_BYTES,
  type Impl,
  medianRuns,
  roundTrip,
  type RoundTripResult,
  stream,
  type StreamResult,
  transportImpls,
} from "./_transport.ts";
import { cell, writeResult } from "./_report.ts";
import type { ClientConfig, ClientResult, ServerConfig, ServerResult } from "./_netgear_peer.ts";
import { freePort } from "../tests/_endpoints.ts";

/** A transport the benchmark runs over. */
export type Transport = "tcp" | "ipc";

/** A multi-server mode. */
export type Mode = "pattern 1" | "pattern 2 lossless" | "pattern 2 latest";

/** The multi-server modes, in table order. */
export const MODES: readonly Mode[] = ["pattern 1", "pattern 2 lossless", "pattern 2 latest"];

/**
 * How the client takes frames: `default` (default options: views of libzmq's memory, each
 * released by its server's next frame; the loop calls nothing), or `copy`
 * (`zeroCopyReceive: false`).
 */
export type Receive = "default" | "copy";

/** Server counts at which the lossless modes also run with the copying receive. */
const COPY_ROWS_AT = [4, 16];
/** The fan-in ceiling's sender count: the targets' server count. */
const FAN_IN = 4;

/** What to run. */
export interface NetgearBenchOptions {
  /** Small counts, for a smoke run. */
  quick?: boolean;
  /** Frames of the long RSS run. @default {100,000; 1,000 with quick} */
  long?: number;
  /** Server counts. @default {[1, 2, 4, 8, 16]} */
  servers?: number[];
  /** @default {["tcp", "ipc"]} */
  transports?: Transport[];
  /** The multi-server modes. @default {MODES} */
  modes?: Mode[];
  /** Skip the round trips and the long run (for measuring one case). */
  multiServerOnly?: boolean;
  /** Where `netgear.json` goes. @default {"bench/results"} */
  resultsDir?: string;
}

/** The raw transport's figures for one implementation and transport. */
export interface Ceiling {
  pushPull: StreamResult;
  /** {@link FAN_IN} PUSH processes to one PULL, each sending its share (as the servers do). */
  fanIn?: StreamResult;
  /** 921,600-byte request, 40-byte reply (a NetGear acknowledgement is about that long). */
  reqRep: RoundTripResult;
}

/** One multi-server measurement. */
export interface MultiServerRow {
  transport: Transport;
  mode: Mode;
  servers: number;
  receive: Receive;
  sent: number;
  delivered: number;
  lost: number;
  framesPerSec: number;
  mbPerSec: number;
  cpuUsPerFrame: number;
  /** The client's minor page faults per frame delivered (fresh memory touched per frame). */
  faultsPerFrame: number;
  peakRssMB: number;
  /** Frames per second as a fraction of the PUSH/PULL ceiling, by implementation. */
  ofCeiling: Record<string, number>;
  /** With {@link FAN_IN} servers: as a fraction of the raw fan-in, by implementation. */
  ofFanIn?: Record<string, number>;
  dropped: Record<string, number>;
  /** The longest wait between two frames of one server at the client, ms (fairness). */
  maxGapMs: number;
}

/** Pattern-1 round trips with one server. */
export interface RoundTripRow {
  transport: Transport;
  mode: "plain" | "bidirectional";
  p50us: number;
  p99us: number;
  framesPerSec: number;
  /** p50 as a multiple of the raw REQ/REP p50, by implementation. */
  timesRaw: Record<string, number>;
}

/** The long run: RSS sampled as frames go by. */
export interface LongRun {
  transport: Transport;
  mode: Mode;
  servers: number;
  frames: number;
  /** [frames delivered, RSS MB, seconds]. */
  samples: [number, number, number][];
  /** RSS at the end minus RSS at a quarter of the run, MB. */
  growthMB: number;
  peakRssMB: number;
}

/** A target of the issue and whether this run met it. */
export interface Target {
  name: string;
  value: number | undefined;
  limit: string;
  met: boolean | undefined;
}

/** Everything the benchmark measured. */
export interface NetgearBenchResult {
  options: Required<Omit<NetgearBenchOptions, "resultsDir" | "multiServerOnly">>;
  ceiling: Record<string, Partial<Record<Transport, Ceiling>>>;
  multiServer: MultiServerRow[];
  roundTrip: RoundTripRow[];
  /** Absent when only multi-server cases ran. */
  longRun?: LongRun;
  targets: Target[];
}

const here = new URL(".", import.meta.url).pathname;
const PEER = [
  "run",
  "--allow-ffi",
  "--allow-read",
  "--allow-env",
  "--allow-net=127.0.0.1",
  `${here}_netgear_peer.ts`,
];
const MB = 1e6;
const ACK_BYTES = 40;

interface CaseSpec {
  transport: Transport;
  mode: Mode;
  servers: number;
  framesEach: number;
  /** @default {"default"} */
  receive?: Receive;
  bidirectional?: boolean;
  timed?: boolean;
  sampleEvery?: number;
}

interface CaseResult {
  client: ClientResult;
  servers: ServerResult[];
}

/** Runs one client and its servers, each in its own process, and collects their reports. */
async function runCase(spec: CaseSpec, ipcDir: string): Promise<CaseResult> {
  const pattern = spec.mode === "pattern 1" ? 1 : 2;
  const tcp = spec.transport === "tcp";
  const ports = Array.from({ length: spec.servers }, (_, i) => tcp ? freePort() : 5566 + i);
  const address = tcp ? "127.0.0.1" : `${ipcDir}/ng`;
  const client: ClientConfig = {
    protocol: spec.transport,
    address,
    ports,
    pattern,
    delivery: spec.mode === "pattern 2 latest" ? "latest" : "lossless",
    bidirectional: spec.bidirectional ?? false,
    copy: spec.receive === "copy",
    sampleEvery: spec.sampleEvery ?? 0,
  };
  // NETGEAR_BENCH_PROFILE=<dir>: the client writes a V8 CPU profile there (deno --cpu-prof).
  const profile = Deno.env.get("NETGEAR_BENCH_PROFILE");
  const profiling = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  const clientPeer = new Peer(Deno.execPath(), [
    PEER[0],
    ...profiling,
    ...PEER.slice(1),
    "client",
    JSON.stringify(client),
  ]);
  const serverPeers: Peer[] = [];
  try {
    await clientPeer.next();
    for (const port of ports) {
      const server: ServerConfig = {
        protocol: spec.transport,
        address,
        port,
        pattern,
        bidirectional: spec.bidirectional ?? false,
        frames: spec.framesEach,
        timed: spec.timed ?? false,
      };
      serverPeers.push(
        new Peer(Deno.execPath(), [...PEER, "server", JSON.stringify(server)], { stdin: true }),
      );
    }
    for (const peer of serverPeers) await peer.next(120_000);
    await Promise.all(serverPeers.map((peer) => peer.write("go")));
    const servers: ServerResult[] = [];
    for (const peer of serverPeers) {
      servers.push(await peer.next(300_000) as unknown as ServerResult);
      await peer.done();
    }
    const result = await clientPeer.next(60_000) as unknown as ClientResult;
    await clientPeer.done();
    if (Deno.env.get("NETGEAR_BENCH_LOG") === "1") {
      console.error(ports.map((p, i) => `${p}:${servers[i].sent}/${result.received[p]}`).join(" "));
      console.error(`max gap ${result.maxGapMs.toFixed(0)} ms`);
    }
    return { client: result, servers };
  } finally {
    for (const peer of serverPeers) peer.kill();
    clientPeer.kill();
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Runs the NetGear benchmark, prints its tables, writes its JSON, and returns the figures. */
export async function runNetgearBench(
  options: NetgearBenchOptions = {},
): Promise<NetgearBenchResult> {
  const quick = options.quick ?? false;
  const opts: NetgearBenchResult["options"] = {
    quick,
    long: options.long ?? (quick ? 1000 : 100_000),
    servers: options.servers ?? [1, 2, 4, 8, 16],
    transports: options.transports ?? ["tcp", "ipc"],
    modes: options.modes ?? [...MODES],
  };
  const framesPerCase = quick ? 160 : 3000;
  const roundTrips = quick ? 100 : 2000;
  const ipcDir = await Deno.makeTempDir({ prefix: "netgear-bench-" });
  try {
    const impls = await transportImpls();
    if (impls.length === 1) {
      console.log("pyzmq not found (apt-get install python3-zmq): ceiling from our sockets only");
    }
    const ceiling = await measureCeilings(
      impls,
      opts.transports,
      ipcDir,
      framesPerCase,
      roundTrips,
      opts.servers.includes(FAN_IN),
    );
    const figures = (transport: Transport, pick: (c: Ceiling) => StreamResult | undefined) =>
      Object.fromEntries(
        Object.entries(ceiling).flatMap(([name, c]) => {
          const result = pick(c[transport]!);
          return result ? [[name, result.msgsPerSec]] : [];
        }),
      );

    const multiServer: MultiServerRow[] = [];
    for (const transport of opts.transports) {
      for (const mode of opts.modes) {
        for (const servers of opts.servers) {
          const framesEach = Math.max(20, Math.ceil(framesPerCase / servers));
          const receives: Receive[] = mode !== "pattern 2 latest" && COPY_ROWS_AT.includes(servers)
            ? ["default", "copy"]
            : ["default"];
          for (const receive of receives) {
            const { client, servers: sent } = await runCase(
              { transport, mode, servers, framesEach, receive },
              ipcDir,
            );
            const row = multiServerRow(
              { transport, mode, servers, receive },
              client,
              sent,
              figures(transport, (c) => c.pushPull),
            );
            if (servers === FAN_IN) row.ofFanIn = ratios(row, figures(transport, (c) => c.fanIn));
            multiServer.push(row);
            console.error(
              `  ${transport} ${mode} x${servers} (${receive}): ${
                row.framesPerSec.toFixed(0)
              } frames/s, lost ${row.lost}`,
            );
          }
        }
      }
    }

    const roundTrip: RoundTripRow[] = [];
    for (const transport of options.multiServerOnly ? [] : opts.transports) {
      for (const bidirectional of [false, true]) {
        const { servers: [server] } = await runCase(
          {
            transport,
            mode: "pattern 1",
            servers: 1,
            framesEach: roundTrips,
            bidirectional,
            timed: true,
          },
          ipcDir,
        );
        roundTrip.push({
          transport,
          mode: bidirectional ? "bidirectional" : "plain",
          p50us: server.p50us!,
          p99us: server.p99us!,
          framesPerSec: server.sent / server.seconds,
          timesRaw: Object.fromEntries(
            Object.entries(ceiling).map((
              [name, c],
            ) => [name, server.p50us! / c[transport]!.reqRep.p50us]),
          ),
        });
      }
    }

    const longRun = options.multiServerOnly ? undefined : await measureLongRun(opts.long, ipcDir);
    const result: NetgearBenchResult = {
      options: opts,
      ceiling,
      multiServer,
      roundTrip,
      longRun,
      targets: targets(multiServer, roundTrip),
    };
    printTables(result);
    console.log(`results: ${await writeResult("netgear", result, options.resultsDir)}`);
    return result;
  } finally {
    await Deno.remove(ipcDir, { recursive: true }).catch(() => {});
  }
}

/** The raw ceilings, every implementation's stream runs taking turns (see medianRuns). */
async function measureCeilings(
  impls: Impl[],
  transports: Transport[],
  ipcDir: string,
  frames: number,
  roundTrips: number,
  fanIn: boolean,
): Promise<Record<string, Partial<Record<Transport, Ceiling>>>> {
  const ceiling: Record<string, Partial<Record<Transport, Ceiling>>> = {};
  for (const transport of transports) {
    const endpoint = (impl: Impl, what: string) =>
      transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${ipcDir}/${impl.name}-${what}`;
    const pushPull = await medianRuns(
      impls.map((impl) => () => stream(impl, "push", frames, { endpoint: endpoint(impl, "pull") })),
    );
    const fanIns = fanIn
      ? await medianRuns(
        impls.map((impl) => () =>
          stream(impl, "push", Math.ceil(frames / FAN_IN), {
            endpoint: endpoint(impl, "fan-in"),
            senders: FAN_IN,
          })
        ),
      )
      : undefined;
    for (const [i, impl] of impls.entries()) {
      ceiling[impl.name] ??= {};
      ceiling[impl.name][transport] = {
        pushPull: pushPull[i],
        reqRep: await roundTrip(impl, FRAME_BYTES, roundTrips, {
          endpoint: endpoint(impl, "rep"),
          replySize: ACK_BYTES,
        }),
        fanIn: fanIns?.[i],
      };
    }
  }
  return ceiling;
}

/** A row's frames/s as a fraction of each implementation's ceiling. */
function ratios(
  row: { framesPerSec: number },
  ceilingFps: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(ceilingFps).map(([name, fps]) => [name, row.framesPerSec / fps]),
  );
}

function multiServerRow(
  what: Pick<MultiServerRow, "transport" | "mode" | "servers" | "receive">,
  client: ClientResult,
  serverResults: ServerResult[],
  ceilingFps: Record<string, number>,
): MultiServerRow {
  const delivered = sum(Object.values(client.received));
  const sent = sum(serverResults.map((s) => s.sent));
  const framesPerSec = client.seconds > 0 ? delivered / client.seconds : 0;
  return {
    ...what,
    sent,
    delivered,
    lost: sent - delivered,
    framesPerSec,
    mbPerSec: client.seconds > 0 ? client.bytes / client.seconds / MB : 0,
    cpuUsPerFrame: delivered > 0 ? client.cpuUs / delivered : 0,
    faultsPerFrame: delivered > 0 ? client.minorFaults / delivered : 0,
    peakRssMB: client.peakRss / MB,
    ofCeiling: ratios({ framesPerSec }, ceilingFps),
    dropped: client.dropped,
    maxGapMs: client.maxGapMs,
  };
}

/** Pattern 1, 4 servers, tcp: `frames` in all, RSS sampled twenty times. */
async function measureLongRun(frames: number, ipcDir: string): Promise<LongRun> {
  const servers = 4;
  const sampleEvery = Math.max(1, Math.floor(frames / 20));
  const { client } = await runCase(
    {
      transport: "tcp",
      mode: "pattern 1",
      servers,
      framesEach: Math.ceil(frames / servers),
      sampleEvery,
    },
    ipcDir,
  );
  const samples = client.rssSamples.map(([n, rss, s]) =>
    [n, rss / MB, s] as [number, number, number]
  );
  const quarter = samples[Math.floor(samples.length / 4)] ?? samples[0];
  const last = samples[samples.length - 1];
  return {
    transport: "tcp",
    mode: "pattern 1",
    servers,
    frames: sum(Object.values(client.received)),
    samples,
    growthMB: last && quarter ? last[1] - quarter[1] : 0,
    peakRssMB: client.peakRss / MB,
  };
}

function targets(rows: MultiServerRow[], trips: RoundTripRow[]): Target[] {
  const find = (mode: Mode, servers: number, receive: Receive = "default") =>
    rows.find((r) =>
      r.transport === "tcp" && r.mode === mode && r.servers === servers && r.receive === receive
    );
  const ceilingName = (r: { ofCeiling: Record<string, number> }) =>
    "pyzmq" in r.ofCeiling ? "pyzmq" : "deno-ffi";
  const out: Target[] = [];
  for (const [mode, lossless] of [["pattern 1", false], ["pattern 2 lossless", true]] as const) {
    const row = find(mode, FAN_IN);
    out.push({
      name: `${mode}, ${FAN_IN} servers, default options, of the PUSH/PULL ceiling${
        lossless ? ", none lost" : ""
      }`,
      value: row && row.ofCeiling[ceilingName(row)],
      limit: lossless ? ">= 80%, lost 0" : ">= 80%",
      met: row && row.ofCeiling[ceilingName(row)] >= 0.8 && row.lost === 0,
    });
    // For comparison, not targets: the copying receive, and the raw fan-in.
    const copying = find(mode, FAN_IN, "copy");
    out.push({
      name: `  ${mode}, ${FAN_IN} servers, zeroCopyReceive: false (copies)`,
      value: copying && copying.ofCeiling[ceilingName(copying)],
      limit: "for comparison",
      met: undefined,
    });
    const fanIn = row?.ofFanIn?.[ceilingName(row)];
    out.push({
      name: `  ${mode}, ${FAN_IN} servers, default options, of the raw ${FAN_IN}-to-1 PUSH/PULL`,
      value: fanIn,
      limit: "for comparison",
      met: undefined,
    });
  }
  const trip = trips.find((t) => t.transport === "tcp" && t.mode === "plain");
  const rawName = trip && ("pyzmq" in trip.timesRaw ? "pyzmq" : "deno-ffi");
  out.push({
    name: "pattern 1 round trip p50, times the raw REQ/REP p50",
    value: trip && trip.timesRaw[rawName!],
    limit: "<= 1.5x",
    met: trip && trip.timesRaw[rawName!] <= 1.5,
  });
  for (const receive of ["default", "copy"] as const) {
    const sixteen = rows.filter((r) => r.servers === 16 && r.receive === receive);
    const rss = sixteen.length ? Math.max(...sixteen.map((r) => r.peakRssMB)) : undefined;
    out.push({
      name: receive === "default"
        ? "client peak RSS with 16 servers, default options, MB"
        : "  client peak RSS with 16 servers, zeroCopyReceive: false, MB",
      value: rss,
      limit: receive === "default" ? "<= 150 MB" : "for comparison",
      met: rss === undefined || receive === "copy" ? undefined : rss <= 150,
    });
  }
  return out;
}

const pct = (x: number | undefined) =>
  (x === undefined ? "-" : `${(x * 100).toFixed(0)}%`).padStart(8);

function printTables(result: NetgearBenchResult): void {
  const names = Object.keys(result.ceiling);
  console.log(
    `\nNetGear multi-server, 640×480×3 uint8 frames (921,600 B), every server in its own process, ${
      new Date().toISOString().slice(0, 10)
    }${result.options.quick ? " (quick: small counts, figures only indicative)" : ""}`,
  );
  console.log("ceiling: raw PUSH/PULL of 921,600 B between two processes, no NetGear");
  for (const name of names) {
    for (const [transport, c] of Object.entries(result.ceiling[name])) {
      console.log(
        `  ${name.padEnd(9)}${transport.padEnd(5)}${cell(c.pushPull.msgsPerSec)} msgs/s${
          cell(c.pushPull.mbPerSec)
        } MB/s   REQ/REP 921,600 B + ${ACK_BYTES} B reply p50 ${cell(c.reqRep.p50us, 6)} µs, p99 ${
          cell(c.reqRep.p99us, 6)
        } µs`,
      );
      if (c.fanIn) {
        console.log(
          `  ${name.padEnd(9)}${transport.padEnd(5)}${
            cell(c.fanIn.msgsPerSec)
          } msgs/s from ${FAN_IN} PUSH processes to one PULL (fan-in)`,
        );
      }
    }
  }
  const header = [
    "transport".padEnd(10),
    "mode".padEnd(19),
    "servers".padStart(7),
    "receive".padStart(10),
    "frames/s".padStart(9),
    "MB/s".padStart(9),
    "lost".padStart(7),
    ...names.map((n) => `%${n}`.padStart(10)),
    "cpu µs/f".padStart(9),
    "faults/f".padStart(9),
    "RSS MB".padStart(8),
  ].join("");
  console.log(`\n${header}`);
  for (const r of result.multiServer) {
    console.log(
      [
        r.transport.padEnd(10),
        r.mode.padEnd(19),
        String(r.servers).padStart(7),
        r.receive.padStart(10),
        cell(r.framesPerSec),
        cell(r.mbPerSec),
        String(r.lost).padStart(7),
        ...names.map((n) => pct(r.ofCeiling[n]).padStart(10)),
        cell(r.cpuUsPerFrame),
        cell(r.faultsPerFrame),
        cell(r.peakRssMB, 8),
      ].join(""),
    );
  }
  console.log(
    `\npattern 1 round trip, 1 server (the server times each send(): frame out, reply back)`,
  );
  console.log(
    [
      "transport".padEnd(10),
      "mode".padEnd(15),
      "p50 µs".padStart(9),
      "p99 µs".padStart(9),
      "frames/s".padStart(9),
      ...names.map((n) => `×raw ${n}`.padStart(15)),
    ].join(""),
  );
  for (const t of result.roundTrip) {
    console.log(
      [
        t.transport.padEnd(10),
        t.mode.padEnd(15),
        cell(t.p50us),
        cell(t.p99us),
        cell(t.framesPerSec),
        ...names.map((n) => `${(t.timesRaw[n] ?? NaN).toFixed(2)}×`.padStart(15)),
      ].join(""),
    );
  }
  for (const transport of result.options.transports) {
    const plain = result.roundTrip.find((t) => t.transport === transport && t.mode === "plain");
    const bi = result.roundTrip.find((t) =>
      t.transport === transport && t.mode === "bidirectional"
    );
    if (plain && bi) {
      console.log(
        `bidirectional cost (${transport}): p50 +${(bi.p50us - plain.p50us).toFixed(0)} µs (${
          ((bi.p50us / plain.p50us - 1) * 100).toFixed(0)
        }%), frames/s ${((bi.framesPerSec / plain.framesPerSec - 1) * 100).toFixed(0)}%`,
      );
    }
  }
  const l = result.longRun;
  if (l) printLongRun(l);
  console.log("\ntargets (tcp):");
  for (const t of result.targets) {
    const value = t.value === undefined
      ? "not measured"
      : t.name.includes("RSS")
      ? `${t.value.toFixed(0)} MB`
      : t.name.includes("times")
      ? `${t.value.toFixed(2)}×`
      : `${(t.value * 100).toFixed(0)}%`;
    console.log(
      `  ${t.name}: ${value} (${t.limit})${t.met === undefined ? "" : t.met ? " met" : " MISSED"}`,
    );
  }
}

function printLongRun(l: LongRun): void {
  console.log(
    `\nlong run: ${l.frames} frames, ${l.mode}, ${l.servers} servers, ${l.transport}; client RSS MB over time:`,
  );
  console.log(`  ${l.samples.map(([, rss]) => rss.toFixed(0)).join(" ")}`);
  console.log(
    `  growth from a quarter of the run to the end: ${l.growthMB.toFixed(1)} MB; peak ${
      l.peakRssMB.toFixed(0)
    } MB${l.frames < 100_000 ? " (the issue asks for 100,000 frames)" : ""}`,
  );
}

/** Parses a comma-separated list of numbers. */
export function numberList(text: string): number[] {
  return text.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Cannot use "${s}": give counts >= 1`);
    return n;
  });
}
