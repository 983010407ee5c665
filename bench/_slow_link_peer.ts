// One side of the slow-link benchmark (and test), in its own process, usually in a network
// namespace of tests/_slow_link.ts:
//   deno run … _slow_link_peer.ts client '<SlowClientConfig JSON>'
//   deno run … _slow_link_peer.ts server '<SlowServerConfig JSON>'
// Prints JSON lines: {"ready":true} once its NetGear is up, then its result as the last line.
// A server waits for a line on stdin before its first frame, so that the servers start at once.
import process from "node:process";
import { type Frame, NetGear, type Port } from "../mod.ts";
import { SyntheticSource } from "../src/capture/mod.ts";

/** The multi-server client of a run. */
export interface SlowClientConfig {
  address: string;
  ports: Port[];
  pattern: 1 | 2;
  /** Live mode (`live: true`): latest-frame delivery. */
  live: boolean;
  /** Pattern 2 without live mode. */
  delivery: "lossless" | "latest";
  /** Seconds skipped after the first frame before measuring (queues fill meanwhile). */
  warmup: number;
  /** Seconds measured. */
  seconds: number;
}

/** One server of a run. */
export interface SlowServerConfig {
  address: string;
  port: Port;
  pattern: 1 | 2;
  live: boolean;
  fps: number;
  width: number;
  height: number;
  /** Seconds to send for. */
  seconds: number;
}

/** What the client reports for one server, over the measured seconds. */
export interface SlowServerFigures {
  /** Frames delivered to the application. */
  frames: number;
  /** Delivered frames per second. */
  fps: number;
  /** Frame age (the client's clock less the frame's capture time) at delivery, ms. */
  p50: number;
  p99: number;
  max: number;
}

/** What the client reports. */
export interface SlowClientResult {
  servers: Record<string, SlowServerFigures>;
  /** `client.servers`' own frame-age figures at the end, by port. */
  reported: Record<string, { p50: number; p99: number } | null>;
  dropped: Record<string, number>;
}

/** What a server reports. */
export interface SlowServerResult {
  frames: number;
  offered: number;
  dropped: Record<string, number>;
  live: { quality: number; sendsOneIn: number; congestion: number } | null;
}

function emit(value: unknown): void {
  console.log(JSON.stringify(value));
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function runClient(config: SlowClientConfig): Promise<void> {
  const client = new NetGear({
    address: config.address,
    port: config.ports,
    pattern: config.pattern,
    receiveMode: true,
    multiserverMode: true,
    ...(config.live ? { live: true } : { delivery: config.delivery }),
  });
  emit({ ready: true });
  const ages = new Map<string, number[]>();
  let measureFrom = Infinity;
  let measureTo = Infinity;
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), 120_000);
  try {
    for (;;) {
      const item = await client.recv({ signal: stop.signal }).catch(() => null);
      if (item === null) break;
      const now = performance.now();
      if (measureFrom === Infinity) {
        measureFrom = now + config.warmup * 1000;
        measureTo = measureFrom + config.seconds * 1000;
      }
      if (now >= measureTo) break;
      if (now < measureFrom || item.captureTime === undefined) continue;
      const key = String(item.port);
      const list = ages.get(key) ?? [];
      list.push(Date.now() - item.captureTime);
      ages.set(key, list);
    }
  } finally {
    clearTimeout(deadline);
  }
  const servers: Record<string, SlowServerFigures> = {};
  for (const port of config.ports) {
    const list = (ages.get(String(port)) ?? []).sort((a, b) => a - b);
    servers[String(port)] = {
      frames: list.length,
      fps: list.length / config.seconds,
      p50: percentile(list, 0.5),
      p99: percentile(list, 0.99),
      max: list.at(-1) ?? NaN,
    };
  }
  const reported: SlowClientResult["reported"] = {};
  for (const info of client.servers) {
    reported[String(info.port)] = info.frameAge
      ? { p50: info.frameAge.p50, p99: info.frameAge.p99 }
      : null;
  }
  const dropped = { ...client.stats.dropped };
  await client.close();
  emit({ servers, reported, dropped } satisfies SlowClientResult);
}

async function runServer(config: SlowServerConfig): Promise<void> {
  const server = new NetGear({
    address: config.address,
    port: config.port,
    pattern: config.pattern,
    multiserverMode: true,
    live: config.live,
  });
  // A few distinct frames drawn up front: drawing is not what is measured.
  const source = new SyntheticSource({
    width: config.width,
    height: config.height,
    name: `PORT ${config.port}`,
  });
  const frames: Frame[] = Array.from({ length: 8 }, (_, i) => source.render(i * 4));
  await source.stop();
  emit({ ready: true });
  await readLine();
  const interval = 1000 / config.fps;
  const endAt = performance.now() + config.seconds * 1000;
  let due = performance.now();
  let offered = 0;
  while (performance.now() < endAt) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // A camera that fell more than a frame behind misses the frames meanwhile.
    if (due < performance.now() - interval) due = performance.now();
    due += interval;
    await server.send(frames[offered % frames.length], { captureTime: Date.now() });
    offered++;
  }
  const stats = server.stats;
  await server.close();
  emit(
    {
      frames: stats.frames,
      offered,
      dropped: { ...stats.dropped },
      live: stats.live ?? null,
    } satisfies SlowServerResult,
  );
}

async function readLine(): Promise<void> {
  const reader = process.stdin;
  await new Promise<void>((resolve) => {
    const done = () => {
      reader.off("data", done);
      reader.pause();
      resolve();
    };
    reader.on("data", done);
    reader.on("end", done);
  });
}

if (import.meta.main) {
  const [role, json] = Deno.args;
  if (role === "client") await runClient(JSON.parse(json));
  else if (role === "server") await runServer(JSON.parse(json));
  else throw new Error(`Cannot run role "${role}": use client or server`);
}
