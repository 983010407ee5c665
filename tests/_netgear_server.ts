// NetGear peers in child processes, for the process and fault tests: a multi-server server, or
// a multi-server client, each printing JSON lines; and `NetGearProcess`, the parent's handle.
//
// Server: deno run --allow-ffi --allow-read --allow-env --allow-net=127.0.0.1 \
//   tests/_netgear_server.ts <port> <pattern> <frames> <intervalMs> <index> \
//   [requestTimeoutS] [maxRetries] [protocol] [address] [hold]
//   Prints `{"ready":true}` once its socket is up, `{"sent":i,"acked":bool}` per frame (acked:
//   pattern 1 got the reply; pattern 2 always true), then `{"closed":true}` after close() (which
//   sends the terminate). `frames` < 0 streams until SIGTERM; SIGTERM also ends a finite run
//   early, gracefully. A send() that fails for good prints `{"error":"..."}` and exits 2.
//   With `hold`, a finite run then waits for SIGTERM before it closes (there to be killed).
//
// Client: deno run ... tests/_netgear_server.ts client <pattern> <livenessS> <protocol> \
//   <address> <port,port,...> [delayMs]   (delayMs: the application's time per frame)
//   Prints `{"ready":true}` once bound, `{"item":{port,index,i,exact}}` per frame (exact: the
//   bytes match `serverFrame(index, i)`), `{"event":{type,port,reason}}` per join or leave, and
//   `{"end":true}` once every server is gone.

import {
  createFrame,
  type Frame,
  NetGear,
  type NetGearInit,
  type NetGearItem,
  type Port,
} from "../mod.ts";
import { delay, within } from "./_endpoints.ts";

/** The deterministic frame `i` of server `index` (the tests rebuild it to compare bytes). */
export function serverFrame(index: number, i: number): Frame {
  const shape = [4, 6, 3];
  const data = new Uint8Array(4 * 6 * 3);
  for (let k = 0; k < data.length; k++) data[k] = (index * 31 + i * 7 + k) % 256;
  return createFrame(data, shape);
}

/** A multi-server client on loopback tcp for `ports` (`options` add to or override that). */
export function multiServerClient(
  ports: Port[],
  pattern: 1 | 2,
  options: Partial<NetGearInit> = {},
): NetGear {
  return new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern,
    receiveMode: true,
    multiserverMode: true,
    ...options,
  });
}

/** Receives every item until the client ends, with the time each arrived (bounded in count). */
export async function drain(client: NetGear): Promise<{ item: NetGearItem; at: number }[]> {
  const items: { item: NetGearItem; at: number }[] = [];
  for (let n = 0; n < 100_000; n++) {
    const item = await client.recv();
    if (item === null) return items;
    item.keep(); // the tests check frames after the run
    items.push({ item, at: performance.now() });
  }
  throw new Error("the client never ended");
}

/** Whether `frame` is exactly `serverFrame(index, i)`. */
export function isServerFrame(frame: Frame, index: number, i: number): boolean {
  const expected = serverFrame(index, i);
  return frame.dtype === expected.dtype &&
    frame.shape.join() === expected.shape.join() &&
    frame.data.length === expected.data.length &&
    frame.data.every((byte, k) => byte === expected.data[k]);
}

/** What a server child is told to do. */
export interface ServerArgs {
  port: number;
  pattern: 1 | 2;
  /** Frames to send; negative: until SIGTERM. */
  frames: number;
  intervalMs: number;
  /** Tells this server's frames apart (and the bytes of each, see {@link serverFrame}). */
  index: number;
  /** Seconds a send waits for its reply (pattern 1). @default {5} */
  requestTimeout?: number;
  /** Reply timeouts in a row before a send fails. @default {3} */
  maxRetries?: number;
  protocol?: "tcp" | "ipc";
  address?: string;
  /** After a finite run, wait for SIGTERM before closing. @default {false} */
  hold?: boolean;
}

/** What a client child is told to do. */
export interface ClientArgs {
  ports: number[];
  pattern: 1 | 2;
  /** Seconds of silence after which a server counts as gone. */
  livenessTimeout: number;
  protocol?: "tcp" | "ipc";
  address?: string;
  /** How long the application takes with each frame (a slow consumer). @default {0} */
  delayMs?: number;
}

const SCRIPT = new URL(import.meta.url).pathname;
const PERMISSIONS = ["--allow-ffi", "--allow-read", "--allow-env", "--allow-net=127.0.0.1"];

/** A peer child process and the JSON lines it printed. Always `dispose()` it in a `finally`. */
export class NetGearProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly #process: Deno.ChildProcess;
  readonly #reading: Promise<void>;
  exited = false;

  /** Starts a server child. */
  static server(args: ServerArgs): NetGearProcess {
    return new NetGearProcess([
      args.port,
      args.pattern,
      args.frames,
      args.intervalMs,
      args.index,
      args.requestTimeout ?? 5,
      args.maxRetries ?? 3,
      args.protocol ?? "tcp",
      args.address ?? "127.0.0.1",
      args.hold ? "hold" : "",
    ].map(String));
  }

  /** Starts a multi-server client child. */
  static client(args: ClientArgs): NetGearProcess {
    return new NetGearProcess([
      "client",
      String(args.pattern),
      String(args.livenessTimeout),
      args.protocol ?? "tcp",
      args.address ?? "127.0.0.1",
      args.ports.join(","),
      String(args.delayMs ?? 0),
    ]);
  }

  private constructor(args: string[]) {
    this.#process = new Deno.Command(Deno.execPath(), {
      args: ["run", ...PERMISSIONS, SCRIPT, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#process.status.then(() => this.exited = true);
    this.#reading = this.#read();
  }

  async #read(): Promise<void> {
    let buffered = "";
    for await (const chunk of this.#process.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const text = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (text) this.lines.push({ ...JSON.parse(text), at: performance.now() });
      }
    }
  }

  /** The process id. */
  get pid(): number {
    return this.#process.pid;
  }

  /** Frames the server child reported sent. */
  get sent(): number {
    return this.lines.filter((l) => "sent" in l).length;
  }

  /** Sequence numbers of the frames the server child was told were received. */
  acked(): number[] {
    return this.lines.filter((l) => "sent" in l && l.acked === true).map((l) => l.sent as number);
  }

  /** When (parent's `performance.now()`) the server child last reported an acknowledged frame. */
  lastAckAt(): number | undefined {
    return this.lines.findLast((l) => l.acked === true)?.at as number | undefined;
  }

  /** The frames a client child reported. */
  items(): { port: number; index: number; i: number; exact: boolean }[] {
    return this.lines.filter((l) => "item" in l).map((l) =>
      l.item as { port: number; index: number; i: number; exact: boolean }
    );
  }

  /** Polls (bounded) until `test` holds. */
  async waitFor(test: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = performance.now() + ms;
    while (!test()) {
      if (this.exited && !test()) {
        await this.#reading;
        if (test()) return;
        throw new Error(`${what}: the process exited first`);
      }
      if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
      await delay(10);
    }
  }

  /** Waits (bounded) for `{"ready":true}`. */
  ready(ms = 15_000): Promise<void> {
    return this.waitFor(() => this.lines.some((l) => l.ready === true), ms, "peer ready");
  }

  /** Sends `signal` (default SIGKILL) unless the process has exited. */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (this.exited) return;
    try {
      this.#process.kill(signal);
    } catch {
      // it exited in between
    }
  }

  /** Waits (bounded) for the child to exit by itself, with all its output read. */
  async exitCode(ms = 15_000): Promise<number> {
    const status = await within(this.#process.status, ms, "peer exit");
    await this.#reading;
    return status.code;
  }

  /** Kills the child if still running (a stopped one too), and waits for it and its output. */
  async dispose(): Promise<void> {
    this.kill("SIGKILL");
    await this.#process.status;
    await this.#reading.catch(() => {});
  }
}

function line(value: unknown): void {
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(value) + "\n"));
}

async function runServer(argv: string[]): Promise<void> {
  const [port, pattern, frames, interval, index, requestTimeout, maxRetries] = argv.map(Number);
  if (pattern !== 1 && pattern !== 2) throw new Error(`bad pattern ${argv[1]}`);
  let stopping = false;
  const stop = () => stopping = true;
  Deno.addSignalListener("SIGTERM", stop);
  const server = new NetGear({
    address: argv[8] ?? "127.0.0.1",
    port,
    protocol: (argv[7] ?? "tcp") as "tcp" | "ipc",
    pattern,
    multiserverMode: true,
    requestTimeout: requestTimeout || 5,
    maxRetries: Number.isInteger(maxRetries) ? maxRetries : 3,
  });
  let failed = false;
  try {
    line({ ready: true });
    for (let i = 0; (frames < 0 || i < frames) && !stopping; i++) {
      const before = server.stats.frames;
      try {
        await server.send(serverFrame(index, i), { message: { index, i } });
      } catch (error) {
        line({ error: (error as Error).message });
        failed = true;
        break;
      }
      line({ sent: i, acked: server.stats.frames > before });
      if (interval > 0) await delay(interval);
    }
    for (let n = 0; argv[9] === "hold" && !stopping && n < 10_000; n++) await delay(100);
  } finally {
    await server.close();
    Deno.removeSignalListener("SIGTERM", stop);
  }
  line({ closed: true });
  if (failed) Deno.exit(2);
}

async function runClient(argv: string[]): Promise<void> {
  const [pattern, liveness, protocol, address, ports, delayMs] = argv;
  const client = multiServerClient(ports.split(",").map(Number), Number(pattern) as 1 | 2, {
    address,
    protocol: protocol as "tcp" | "ipc",
    livenessTimeout: Number(liveness),
    onServerEvent: (event) => line({ event }),
  });
  try {
    line({ ready: true });
    for await (const { port, frame, message } of client) {
      const { index, i } = message as { index: number; i: number };
      line({ item: { port, index, i, exact: isServerFrame(frame, index, i) } });
      if (Number(delayMs) > 0) await delay(Number(delayMs));
    }
  } finally {
    await client.close();
  }
  line({ end: true });
}

if (import.meta.main) {
  if (Deno.args[0] === "client") await runClient(Deno.args.slice(1));
  else await runServer(Deno.args);
}
