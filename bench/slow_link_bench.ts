/**
 * The slow-link benchmark: two servers at 30 fps, 640x480x3, in a network namespace of their
 * own, stream to one multi-server client in another over a veth pair rate-limited with `tc tbf`
 * (100 Mbit/s each way by default), in three modes: raw frames delivered losslessly, raw frames
 * with latest-frame delivery, and live mode (`live: true`: JPEG, rate control, latest frame).
 * Prints each server's frame age at delivery (p50/p99/max, from the capture time each frame
 * carries; one machine, so one clock) and its delivered frames per second.
 *
 * Run: `deno task bench --only slow-link` (needs root, `ip` and `tc`), or directly:
 * `deno run -A bench/slow_link_bench.ts [--seconds 10] [--rate 100] [--modes lossless,latest,live]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Peer } from "./_process.ts";
import type {
  SlowClientConfig,
  SlowClientResult,
  SlowServerConfig,
  SlowServerResult,
} from "./_slow_link_peer.ts";
import { createSlowLink, type SlowLink, slowLinkUnavailable } from "../tests/_slow_link.ts";

/** A benchmarked mode: its name in the table and `--modes`, and its settings. */
export interface SlowLinkMode {
  /** `lossless`, `latest` or `live`. */
  name: string;
  /** What the table calls it. */
  label: string;
  pattern: 1 | 2;
  live: boolean;
  delivery: "lossless" | "latest";
}

/** The modes, in the order they run. */
export const SLOW_LINK_MODES: readonly SlowLinkMode[] = [
  { name: "lossless", label: "raw, lossless (p2)", pattern: 2, live: false, delivery: "lossless" },
  { name: "latest", label: "raw, latest frame (p2)", pattern: 2, live: false, delivery: "latest" },
  { name: "live", label: "live (p2)", pattern: 2, live: true, delivery: "latest" },
  { name: "live-p1", label: "live (p1)", pattern: 1, live: true, delivery: "lossless" },
];

/** Options of {@link runSlowLinkBench}. */
export interface SlowLinkBenchOptions {
  /** Seconds measured per mode (after 2 s of warm-up). @default {10} */
  seconds?: number;
  /** The link's rate each way, Mbit/s. @default {100} */
  rateMbit?: number;
  /** Servers. @default {2} */
  servers?: number;
  /** Frames per second each server offers. @default {30} */
  fps?: number;
  /** `[width, height]`. @default {[640, 480]} */
  size?: [number, number];
  /** Mode names to run. @default {["lossless", "latest", "live", "live-p1"]} */
  modes?: string[];
}

/** One mode's figures. */
export interface SlowLinkRow {
  mode: SlowLinkMode;
  client: SlowClientResult;
  servers: SlowServerResult[];
}

const PEER = new URL("./_slow_link_peer.ts", import.meta.url).pathname;
const WARMUP_S = 2;

/** Runs one mode over `link`: the client and the servers as processes in their namespaces. */
export async function runSlowLinkMode(
  link: SlowLink,
  mode: SlowLinkMode,
  options: Required<Omit<SlowLinkBenchOptions, "modes">>,
): Promise<SlowLinkRow> {
  const ports = Array.from({ length: options.servers }, (_, i) => 5566 + i);
  const deno = Deno.execPath();
  const flags = ["run", "--allow-ffi", "--allow-read", "--allow-env", "--allow-sys", PEER];
  const clientConfig: SlowClientConfig = {
    address: link.clientAddress,
    ports,
    pattern: mode.pattern,
    live: mode.live,
    delivery: mode.delivery,
    warmup: WARMUP_S,
    seconds: options.seconds,
  };
  const client = new Peer(
    "ip",
    link.execArgs(link.clientNamespace, [deno, ...flags, "client", JSON.stringify(clientConfig)]),
  );
  const servers: Peer[] = [];
  try {
    await client.next(30_000);
    for (const port of ports) {
      const config: SlowServerConfig = {
        address: link.clientAddress,
        port,
        pattern: mode.pattern,
        live: mode.live,
        fps: options.fps,
        width: options.size[0],
        height: options.size[1],
        seconds: WARMUP_S + options.seconds + 2,
      };
      servers.push(
        new Peer(
          "ip",
          link.execArgs(link.serverNamespace, [deno, ...flags, "server", JSON.stringify(config)]),
          { stdin: true },
        ),
      );
    }
    for (const server of servers) await server.next(30_000);
    for (const server of servers) await server.write("go");
    const bound = (WARMUP_S + options.seconds + 30) * 1000;
    const clientResult = await client.next(bound) as unknown as SlowClientResult;
    const serverResults: SlowServerResult[] = [];
    for (const server of servers) {
      serverResults.push(await server.next(bound) as unknown as SlowServerResult);
    }
    await client.done();
    for (const server of servers) await server.done();
    return { mode, client: clientResult, servers: serverResults };
  } finally {
    client.kill();
    for (const server of servers) server.kill();
  }
}

/** Runs the benchmark and prints its table; says why and returns [] when no link can be made. */
export async function runSlowLinkBench(options: SlowLinkBenchOptions = {}): Promise<SlowLinkRow[]> {
  const settings = {
    seconds: options.seconds ?? 10,
    rateMbit: options.rateMbit ?? 100,
    servers: options.servers ?? 2,
    fps: options.fps ?? 30,
    size: options.size ?? [640, 480] as [number, number],
  };
  const names = options.modes ?? ["lossless", "latest", "live", "live-p1"];
  const modes = names.map((name) => {
    const mode = SLOW_LINK_MODES.find((m) => m.name === name);
    if (!mode) {
      throw new RangeError(
        `Cannot run mode "${name}": use ${SLOW_LINK_MODES.map((m) => m.name).join(", ")}`,
      );
    }
    return mode;
  });
  const why = await slowLinkUnavailable();
  if (why !== undefined) {
    console.log(`slow-link benchmark skipped: ${why}`);
    return [];
  }
  const [w, h] = settings.size;
  console.log(
    `\nSlow link: ${settings.servers} servers x ${settings.fps} fps x ${w}x${h}x3 over a ${settings.rateMbit} Mbit/s tbf veth ` +
      `(network namespaces), ${settings.seconds} s measured after ${WARMUP_S} s; frame age = client clock - capture time, at delivery`,
  );
  console.log(
    "mode                    | server | fps   | age p50 ms | age p99 ms | age max ms | client drops | server: sent/offered, drops, live",
  );
  console.log(
    "(a server's no-receiver drops: frames sent after the client had finished measuring and left)",
  );
  const rows: SlowLinkRow[] = [];
  for (const mode of modes) {
    await using link = await createSlowLink({ rateMbit: settings.rateMbit });
    const row = await runSlowLinkMode(link, mode, settings);
    rows.push(row);
    Object.entries(row.client.servers).forEach(([port, f], s) => {
      const server = row.servers[s];
      const live = server.live
        ? `, quality ${server.live.quality}, 1 in ${server.live.sendsOneIn}, congestion ${server.live.congestion}`
        : "";
      console.log(
        [
          mode.label.padEnd(23),
          port.padStart(6),
          f.fps.toFixed(1).padStart(5),
          f.p50.toFixed(0).padStart(10),
          f.p99.toFixed(0).padStart(10),
          f.max.toFixed(0).padStart(10),
          JSON.stringify(row.client.dropped).padStart(12),
          ` ${server.frames}/${server.offered}, ${JSON.stringify(server.dropped)}${live}`,
        ].join(" | "),
      );
    });
  }
  return rows;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string" },
      rate: { type: "string" },
      modes: { type: "string" },
    },
  });
  await runSlowLinkBench({
    seconds: values.seconds === undefined ? undefined : Number(values.seconds),
    rateMbit: values.rate === undefined ? undefined : Number(values.rate),
    modes: values.modes?.split(",").map((s) => s.trim()),
  });
}
