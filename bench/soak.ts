// Soak: multi-server NetGear streaming for a long time in one process, with servers leaving and
// joining again, while resident memory, open file descriptors and ZeroMQ sockets are watched.
//
//   deno task soak [--duration 180] [--servers 4] [--pattern 1|2|both] [--fps 30]
//     [--width 320] [--height 240] [--restart-every 5] [--warmup 30]
//     [--rss-growth-mib 64] [--fd-growth 16] [--json]
//
// Each pattern gets its own multi-server client (tcp loopback) and `--servers` servers; every
// `--restart-every` seconds one server (in turn) closes and a new one takes its port. Samples are
// taken right after each restart, when every server is up, so that they compare like with like.
// "start" is the first sample after `--warmup` seconds (RSS settles within about 30 s at the
// defaults); "end" the last one. Exit 1 when, from
// start to end, RSS grew by more than `--rss-growth-mib`, open fds by more than `--fd-growth`,
// or the socket count changed at all; when a socket is left open after everything closed; or
// when a client ended early, dropped a frame, or a server delivered nothing.
//
// The task runs with --allow-all because Deno lets a program list /proc/self/fd only then;
// without it the fd count reads -1 and is not checked.

import { createFrame, type Frame, NetGear } from "../mod.ts";
import { Context } from "../src/zmq/mod.ts";
import { delay, freePorts } from "../tests/_endpoints.ts";

interface SoakOptions {
  durationS: number;
  servers: number;
  patterns: (1 | 2)[];
  fps: number;
  width: number;
  height: number;
  restartEveryS: number;
  warmupS: number;
  rssGrowthMiB: number;
  fdGrowth: number;
  json: boolean;
}

/** One measurement of the process's resources. */
interface Sample {
  /** Seconds since the soak started. */
  t: number;
  rssMiB: number;
  heapMiB: number;
  /** Entries of /proc/self/fd (`-1` where there is no /proc). */
  fds: number;
  /** Open sockets of the default ZeroMQ context. */
  sockets: number;
  /** Frames delivered so far, all clients together. */
  frames: number;
}

function parseArgs(args: string[]): SoakOptions {
  const options: SoakOptions = {
    durationS: 180,
    servers: 4,
    patterns: [1, 2],
    fps: 30,
    width: 320,
    height: 240,
    restartEveryS: 5,
    warmupS: 30,
    rssGrowthMiB: 64,
    fdGrowth: 16,
    json: false,
  };
  const numbers: Record<string, keyof SoakOptions> = {
    "--duration": "durationS",
    "--servers": "servers",
    "--fps": "fps",
    "--width": "width",
    "--height": "height",
    "--restart-every": "restartEveryS",
    "--warmup": "warmupS",
    "--rss-growth-mib": "rssGrowthMiB",
    "--fd-growth": "fdGrowth",
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    const value = () => inline ?? args[++i];
    if (flag === "--json") options.json = true;
    else if (flag === "--pattern") {
      const pattern = value();
      if (pattern !== "1" && pattern !== "2" && pattern !== "both") {
        throw new RangeError(`Cannot use --pattern ${pattern}: use 1, 2 or both`);
      }
      options.patterns = pattern === "both" ? [1, 2] : [Number(pattern) as 1 | 2];
    } else if (flag in numbers) {
      const number = Number(value());
      if (!Number.isFinite(number) || number < 0) {
        throw new RangeError(`Cannot use ${flag} ${args[i]}: give a number >= 0`);
      }
      (options[numbers[flag]] as number) = number;
    } else {
      throw new TypeError(
        `Unknown argument ${
          args[i]
        }: use --duration, --servers, --pattern, --fps, --width, --height, --restart-every, --warmup, --rss-growth-mib, --fd-growth or --json`,
      );
    }
  }
  if (!Number.isInteger(options.servers) || options.servers < 2) {
    throw new RangeError("Cannot soak with fewer than 2 servers: a restart would end the client");
  }
  return options;
}

function openFds(): number {
  try {
    let count = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) count++;
    return count;
  } catch {
    return -1;
  }
}

/** A server streaming frames to one port until stopped. */
class Streamer {
  readonly #server: NetGear;
  readonly #frame: Frame;
  readonly #running: Promise<void>;
  #stop = false;
  sent = 0;

  constructor(pattern: 1 | 2, port: number, options: SoakOptions) {
    this.#server = new NetGear({ address: "127.0.0.1", port, pattern, multiserverMode: true });
    const data = new Uint8Array(options.width * options.height * 3);
    for (let k = 0; k < data.length; k++) data[k] = (port + k) % 251;
    this.#frame = createFrame(data, [options.height, options.width, 3]);
    this.#running = this.#stream(1000 / options.fps, port);
  }

  async #stream(intervalMs: number, port: number): Promise<void> {
    let next = performance.now();
    while (!this.#stop) {
      this.#frame.data[0] = this.sent % 256;
      await this.#server.send(this.#frame, { message: { port, i: this.sent } });
      this.sent++;
      next += intervalMs;
      await delay(Math.max(0, next - performance.now()));
    }
  }

  /** Stops streaming and closes (which sends the terminate). */
  async stop(): Promise<void> {
    this.#stop = true;
    try {
      await this.#running;
    } finally {
      await this.#server.close();
    }
  }
}

/** A multi-server client counting what it receives, per port. */
class Collector {
  readonly client: NetGear;
  readonly perPort = new Map<number, number>();
  frames = 0;
  badSize = 0;
  endedAt: number | undefined;
  readonly done: Promise<void>;

  constructor(pattern: 1 | 2, readonly ports: number[], readonly frameBytes: number) {
    this.client = new NetGear({
      address: "127.0.0.1",
      port: ports,
      pattern,
      receiveMode: true,
      multiserverMode: true,
    });
    this.done = this.#collect();
  }

  async #collect(): Promise<void> {
    for await (const { port, frame } of this.client) {
      this.frames++;
      if (frame.data.length !== this.frameBytes) this.badSize++;
      this.perPort.set(Number(port), (this.perPort.get(Number(port)) ?? 0) + 1);
    }
    this.endedAt = performance.now();
  }
}

/** Runs the soak; returns the report and the list of failed checks (empty: passed). */
async function soak(options: SoakOptions) {
  const started = performance.now();
  const collectors: Collector[] = [];
  const streamers: { pattern: 1 | 2; port: number; streamer: Streamer }[] = [];
  const samples: Sample[] = [];
  const frameBytes = options.width * options.height * 3;
  const sample = (): Sample => {
    const memory = Deno.memoryUsage();
    const s = {
      t: Math.round((performance.now() - started) / 100) / 10,
      rssMiB: Math.round(memory.rss / 2 ** 20),
      heapMiB: Math.round(memory.heapUsed / 2 ** 20),
      fds: openFds(),
      sockets: Context.default.openSockets,
      frames: collectors.reduce((sum, c) => sum + c.frames, 0),
    };
    return s;
  };
  const before = sample();
  for (const pattern of options.patterns) {
    const ports = freePorts(options.servers);
    collectors.push(new Collector(pattern, ports, frameBytes));
    for (const port of ports) {
      streamers.push({ pattern, port, streamer: new Streamer(pattern, port, options) });
    }
  }
  let restarts = 0;
  const deadline = started + options.durationS * 1000;
  while (performance.now() < deadline && collectors.every((c) => c.endedAt === undefined)) {
    await delay(Math.min(options.restartEveryS * 1000, Math.max(0, deadline - performance.now())));
    const slot = streamers[restarts % streamers.length];
    await slot.streamer.stop();
    slot.streamer = new Streamer(slot.pattern, slot.port, options);
    restarts++;
    samples.push(sample());
  }
  await Promise.all(streamers.map((s) => s.streamer.stop()));
  await Promise.all(collectors.map((c) => c.done));
  const drops = collectors.map((c) => c.client.stats.dropped);
  await Promise.all(collectors.map((c) => c.client.close()));
  await delay(1500); // lingering sockets finish in libzmq's background
  const after = sample();

  const warm = samples.find((s) => s.t >= options.warmupS) ?? samples[0];
  const end = samples.at(-1);
  const failures: string[] = [];
  if (!warm || !end || warm === end) {
    failures.push("too short: no two samples after the warm-up (raise --duration)");
  } else {
    if (end.rssMiB - warm.rssMiB > options.rssGrowthMiB) {
      failures.push(`RSS grew ${end.rssMiB - warm.rssMiB} MiB (bound ${options.rssGrowthMiB})`);
    }
    if (warm.fds >= 0 && end.fds - warm.fds > options.fdGrowth) {
      failures.push(`open fds grew by ${end.fds - warm.fds} (bound ${options.fdGrowth})`);
    }
    if (end.sockets !== warm.sockets) {
      failures.push(`ZeroMQ sockets went from ${warm.sockets} to ${end.sockets}`);
    }
  }
  if (after.sockets !== before.sockets) {
    failures.push(`${after.sockets - before.sockets} ZeroMQ sockets left open after closing`);
  }
  collectors.forEach((c, k) => {
    const pattern = options.patterns[k];
    if (c.endedAt !== undefined && c.endedAt < deadline - 1000) {
      failures.push(`pattern ${pattern}: the client ended early`);
    }
    if (c.badSize > 0) failures.push(`pattern ${pattern}: ${c.badSize} frames of the wrong size`);
    const dropped = Object.values(drops[k]).reduce((a, b) => a + b, 0);
    if (dropped > 0) failures.push(`pattern ${pattern}: dropped ${JSON.stringify(drops[k])}`);
    for (const port of c.ports) {
      if (!c.perPort.get(port)) failures.push(`pattern ${pattern}: nothing from port ${port}`);
    }
  });
  const report = {
    options,
    restarts,
    frames: collectors.reduce((sum, c) => sum + c.frames, 0),
    before,
    start: warm,
    end,
    after,
    samples,
    failures,
  };
  return report;
}

if (import.meta.main) {
  let options: SoakOptions;
  try {
    options = parseArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const report = await soak(options);
  if (options.json) console.log(JSON.stringify(report));
  else {
    const row = (name: string, s: Sample | undefined) =>
      s
        ? `${name.padEnd(6)} t=${
          String(s.t).padStart(6)
        } s  RSS ${s.rssMiB} MiB  heap ${s.heapMiB} MiB  fds ${s.fds}  zmq sockets ${s.sockets}  frames ${s.frames}`
        : `${name}: none`;
    console.log(
      `soak: ${options.durationS} s, ${options.servers} servers x pattern ${
        options.patterns.join(" and ")
      }, ${options.width}x${options.height} at ${options.fps} fps, ${report.restarts} restarts`,
    );
    console.log(row("before", report.before));
    console.log(row("start", report.start));
    console.log(row("end", report.end));
    console.log(row("after", report.after));
    console.log(
      `bounds: RSS +${options.rssGrowthMiB} MiB, fds +${options.fdGrowth}, zmq sockets +0 (start to end)`,
    );
    console.log(report.failures.length === 0 ? "PASS" : `FAIL:\n  ${report.failures.join("\n  ")}`);
  }
  Deno.exit(report.failures.length === 0 ? 0 : 1);
}
