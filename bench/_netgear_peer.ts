// One side of the NetGear benchmark, in its own process:
//   deno run … _netgear_peer.ts client '<ClientConfig JSON>'
//   deno run … _netgear_peer.ts server '<ServerConfig JSON>'
// Prints JSON lines: {"ready":true} once its NetGear is up, then its result as the last line.
// A server waits for a line on stdin before its first frame, so that every server of a run
// starts at once whatever their start-up times.
import process from "node:process";
import { createFrame, NetGear, type Port } from "../mod.ts";

/** The multi-server client of a run. */
export interface ClientConfig {
  protocol: "tcp" | "ipc";
  address: string;
  ports: Port[];
  pattern: 1 | 2;
  delivery: "lossless" | "latest";
  bidirectional: boolean;
  /** `zeroCopyReceive: false` (copies); otherwise the default options, which release nothing
   * by hand (each frame goes when its server's next one comes). */
  copy: boolean;
  /** Take an RSS sample every this many frames (0: none). */
  sampleEvery: number;
}

/** One server of a run. */
export interface ServerConfig {
  protocol: "tcp" | "ipc";
  address: string;
  port: Port;
  pattern: 1 | 2;
  bidirectional: boolean;
  frames: number;
  /** Time each send() (pattern 1: the round trip). */
  timed: boolean;
}

/** What the client reports. */
export interface ClientResult {
  /** Frames delivered to the application, by port. */
  received: Record<string, number>;
  bytes: number;
  /** From the first frame delivered to the last. */
  seconds: number;
  /** Process CPU time (user + system) over the same span, microseconds. */
  cpuUs: number;
  /** Minor page faults over the same span (fresh memory touched). */
  minorFaults: number;
  /** Peak RSS of the whole process life (getrusage maxrss), bytes. */
  peakRss: number;
  /** [frames delivered so far, RSS bytes, seconds since the first frame]. */
  rssSamples: [number, number, number][];
  dropped: Record<string, number>;
  /** The longest wait between two frames of one server, milliseconds (fairness). */
  maxGapMs: number;
}

/** What a server reports. */
export interface ServerResult {
  sent: number;
  seconds: number;
  /** Process CPU time (user + system) per frame, from the first send to the end of close(). */
  cpuUs: number;
  p50us?: number;
  p99us?: number;
}

const FRAME_SHAPE = [480, 640, 3];
/** NETGEAR_BENCH_TUNE_MEMORY=0 or 1 sets `tuneMemory` on every peer; unset, the default. */
const TUNE = Deno.env.get("NETGEAR_BENCH_TUNE_MEMORY");
const tuning = TUNE === undefined ? {} : { tuneMemory: TUNE === "1" };
const print = (value: unknown) => console.log(JSON.stringify(value));

/** Process CPU time (user + system) and peak RSS, from getrusage. */
function usage(): { cpuUs: number; peakRss: number; minorFaults: number } {
  const { userCPUTime, systemCPUTime, maxRSS, minorPageFault } = process.resourceUsage();
  return {
    cpuUs: userCPUTime + systemCPUTime,
    peakRss: maxRSS * 1024,
    minorFaults: minorPageFault,
  };
}

async function runClient(config: ClientConfig): Promise<ClientResult> {
  await using client = new NetGear({
    address: config.address,
    port: config.ports,
    protocol: config.protocol,
    pattern: config.pattern,
    receiveMode: true,
    multiserverMode: true,
    bidirectionalMode: config.bidirectional,
    delivery: config.delivery,
    ...(config.copy ? { zeroCopyReceive: false } : {}),
    // Servers announce their end with a terminate; this only bounds a crashed server's wait.
    livenessTimeout: 30,
    ...tuning,
    logging: Deno.env.get("NETGEAR_BENCH_LOG") === "1",
  });
  print({ ready: true });
  const received: Record<string, number> = {};
  const lastAt: Record<string, number> = {};
  let maxGapMs = 0;
  const samples: [number, number, number][] = [];
  let frames = 0;
  let bytes = 0;
  let start = 0;
  let end = 0;
  let atStart = usage();
  for (;;) {
    const item = await client.recv({
      returnData: config.bidirectional ? { ok: frames } : undefined,
    });
    if (item === null) break;
    end = performance.now();
    if (frames === 0) {
      start = end;
      atStart = usage();
    }
    frames++;
    bytes += item.frame.data.byteLength;
    const key = String(item.port);
    received[key] = (received[key] ?? 0) + 1;
    if (key in lastAt) maxGapMs = Math.max(maxGapMs, end - lastAt[key]);
    lastAt[key] = end;
    if (config.sampleEvery > 0 && frames % config.sampleEvery === 0) {
      samples.push([frames, Deno.memoryUsage().rss, (end - start) / 1000]);
    }
  }
  const atEnd = usage();
  return {
    received,
    bytes,
    seconds: (end - start) / 1000,
    cpuUs: atEnd.cpuUs - atStart.cpuUs,
    minorFaults: atEnd.minorFaults - atStart.minorFaults,
    peakRss: atEnd.peakRss,
    rssSamples: samples,
    dropped: client.stats.dropped,
    maxGapMs,
  };
}

async function waitForGo(): Promise<void> {
  const reader = Deno.stdin.readable.getReader();
  try {
    await reader.read();
  } finally {
    reader.releaseLock();
  }
}

async function runServer(config: ServerConfig): Promise<ServerResult> {
  const server = new NetGear({
    address: config.address,
    port: config.port,
    protocol: config.protocol,
    pattern: config.pattern,
    multiserverMode: true,
    bidirectionalMode: config.bidirectional,
    requestTimeout: 10,
    ...tuning,
    logging: Deno.env.get("NETGEAR_BENCH_LOG") === "1",
  });
  const frame = createFrame(new Uint8Array(640 * 480 * 3).fill(7), FRAME_SHAPE);
  const times = config.timed ? new Float64Array(config.frames) : undefined;
  let sent = 0;
  let seconds = 0;
  let cpuAtStart = 0;
  try {
    print({ ready: true });
    await waitForGo();
    cpuAtStart = usage().cpuUs;
    const start = performance.now();
    for (; sent < config.frames; sent++) {
      frame.data[0] = sent & 0xff;
      const t = performance.now();
      await server.send(frame);
      if (times) times[sent] = performance.now() - t;
    }
    seconds = (performance.now() - start) / 1000;
  } finally {
    await server.close();
  }
  const result: ServerResult = {
    sent,
    seconds,
    cpuUs: (usage().cpuUs - cpuAtStart) / Math.max(1, sent),
  };
  if (times) {
    times.sort();
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    result.p50us = at(0.5) * 1000;
    result.p99us = at(0.99) * 1000;
  }
  return result;
}

if (import.meta.main) {
  const [role, json] = Deno.args;
  const config = JSON.parse(json);
  if (role === "client") print(await runClient(config));
  else if (role === "server") print(await runServer(config));
  else throw new TypeError(`Unknown role "${role}": use client or server`);
}
