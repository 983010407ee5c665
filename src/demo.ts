/**
 * The NetGear demo: one multi-server client and two synthetic cameras on loopback, as in
 * vidgear's multi-server docs. The client shows both servers live in the browser (the viewer's
 * URL is printed), labels each montage tile with the server's port, fps and last message, and
 * writes a montage snapshot every second. `deno task demo` and `netgear demo` run it.
 *
 * @module
 */

import { NetGear } from "./netgear/netgear.ts";
import type { Pattern } from "./netgear/options.ts";
import { SyntheticSource } from "./capture/mod.ts";
import { type FrameDisplay, SnapshotWriter } from "./montage/mod.ts";
import { removeOnLeave, startViewer, watchClient } from "./viewer/mod.ts";
import { liveViewLine } from "./cli/live_view.ts";

/** Options of {@linkcode runDemo}. */
export interface DemoOptions {
  /**
   * Seconds the servers stream before they close; the demo ends once both have gone.
   *
   * @default {10}
   */
  duration?: number;
  /**
   * The folder the montage snapshots (`montage-000001.png`, …) are written to.
   *
   * @default {"out/demo"}
   */
  out?: string;
  /**
   * How many of the newest snapshots stay in `out` (older ones are removed as new ones come).
   *
   * @default {Infinity}
   */
  keep?: number;
  /**
   * Frames per second of each synthetic camera.
   *
   * @default {15}
   */
  fps?: number;
  /**
   * The messaging pattern: 1 (REQ/REP) or 2 (PUB/SUB).
   *
   * @default {1}
   */
  pattern?: 1 | 2;
  /**
   * The two servers' ports on 127.0.0.1 (the client binds them).
   *
   * @default {[5566, 5567]}
   */
  ports?: readonly [number, number];
  /**
   * Where the live viewer listens; port `0` takes any free one. `false` runs without the
   * viewer.
   *
   * @default {{ hostname: "127.0.0.1", port: 0 }}
   */
  view?: { hostname?: string; port?: number } | false;
  /** Ends the demo early (Ctrl+C): the servers close and the client ends once both have gone. */
  signal?: AbortSignal;
  /**
   * Where progress lines go (the viewer's URL first).
   *
   * @default {console.log}
   */
  log?: (line: string) => void;
}

/** What {@linkcode runDemo} did. */
export interface DemoResult {
  /** The viewer's URL, unless it ran without one. */
  readonly url?: string;
  /** The snapshot files written (`montage-000001.png`, …), in order. */
  readonly snapshots: readonly string[];
  /** Frames the client received from each server, by port. */
  readonly frames: Readonly<Record<string, number>>;
}

/** Tile size of the synthetic cameras (and of each montage tile). */
const [WIDTH, HEIGHT] = [320, 240];
/** How long the client waits for the servers' goodbyes after the end before giving up. */
const GRACE_MS = 5000;

/**
 * Runs the demo: two synthetic servers and a multi-server client on 127.0.0.1, the live
 * viewer, and a montage snapshot per second in `out`, for `duration` seconds or until `signal`
 * aborts.
 *
 * Needs `--allow-ffi --allow-read --allow-env` (libzmq, the codecs), `--allow-write` for `out`
 * and `--allow-net=127.0.0.1` for the viewer.
 *
 * @param options Duration, output folder, rate, pattern, ports, viewer, cancellation.
 * @returns The viewer's URL, the snapshots written and the frames received per server.
 * @throws {RangeError | TypeError} For invalid options.
 * @throws {ZmqError} When a port is taken.
 * @throws {Deno.errors.AddrInUse} When the viewer's port is taken.
 *
 * @example Five seconds, no browser page
 * ```ts ignore
 * import { runDemo } from "./demo.ts";
 * const { snapshots, frames } = await runDemo({ duration: 5, view: false });
 * console.log(snapshots.length, frames); // 4 { "5566": 74, "5567": 75 }
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const {
    duration = 10,
    out = "out/demo",
    fps = 15,
    pattern = 1,
    ports = [5566, 5567],
    view = {},
    log = console.log,
  } = options;
  checkOptions({ duration, fps, pattern, ports });
  const address = "127.0.0.1";
  const snapshots: string[] = [];
  const displays: FrameDisplay[] = [];
  let client: NetGear | undefined;
  const writer = await SnapshotWriter.create({
    dir: out,
    keep: options.keep,
    keys: ports,
    tile: [WIDTH, HEIGHT],
    onError: (error) => log(error.message),
    onWrite: (file) => {
      snapshots.push(file);
      const status = (client?.servers ?? [])
        .map((s) => `${s.port}: ${s.frames} frames ${s.fps.toFixed(1)} fps`)
        .join(" | ");
      log(`${status} -> ${file}`);
    },
  });
  displays.push(writer);
  const viewer = view === false
    ? undefined
    : await startViewer({ ...view, title: "NetGear demo" }).catch(async (error) => {
      await writer.close();
      throw error;
    });
  if (viewer) displays.push(viewer);
  const stop = AbortSignal.any([
    AbortSignal.timeout(duration * 1000),
    ...(options.signal ? [options.signal] : []),
  ]);
  try {
    if (viewer) log(liveViewLine(viewer.url));
    await using receiver = client = new NetGear({
      address,
      port: [...ports],
      pattern,
      receiveMode: true,
      multiserverMode: true,
      onServerEvent: viewer && removeOnLeave(viewer),
    });
    log(
      `NetGear demo: client on ${address}:${ports.join(",")} (pattern ${pattern}), ${duration} s`,
    );
    const servers = ports.map((port, i) =>
      serve({ address, port, pattern, fps, name: `Server-${i + 1}`, signal: stop }).catch(
        (error) => stop.aborted || log(`server ${port} failed: ${(error as Error).message}`),
      )
    );
    await receive(receiver, displays, stop);
    await Promise.all(servers);
    await writer.close(); // the last snapshot
    const frames = Object.fromEntries(receiver.servers.map((s) => [String(s.port), s.frames]));
    log(`done: ${snapshots.length} snapshots in ${out}; every server has gone`);
    return { url: viewer?.url, snapshots, frames };
  } finally {
    for (const display of displays) await display.close();
  }
}

interface ServeOptions {
  address: string;
  port: number;
  pattern: Pattern;
  fps: number;
  name: string;
  signal: AbortSignal;
}

/** One camera host: a synthetic source streamed to the client with a message per frame. */
async function serve(options: ServeOptions): Promise<void> {
  const { address, port, pattern, fps, name, signal } = options;
  await using source = new SyntheticSource({ width: WIDTH, height: HEIGHT, fps, name, signal });
  await using server = new NetGear({ address, port, pattern, multiserverMode: true });
  let n = 0;
  for await (const frame of source) {
    await server.send(frame, { message: `${name} frame ${n++}` });
  }
}

/**
 * The client: every item goes to the displays (the viewer, the snapshots). Ends when every
 * server has gone, or a grace period after `stop` if some never says goodbye.
 */
async function receive(
  client: NetGear,
  displays: readonly FrameDisplay[],
  stop: AbortSignal,
): Promise<void> {
  const giveUp = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const startGrace = () => timer = setTimeout(() => giveUp.abort(), GRACE_MS);
  if (stop.aborted) startGrace();
  else stop.addEventListener("abort", startGrace, { once: true });
  try {
    while (true) {
      const item = await client.recv({ signal: giveUp.signal }).catch((error) => {
        if (giveUp.signal.aborted) return null;
        throw error;
      });
      if (!item) break;
      for (const display of displays) watchClient(display, item, client);
    }
  } finally {
    stop.removeEventListener("abort", startGrace);
    clearTimeout(timer);
  }
}

function checkOptions(options: {
  duration: number;
  fps: number;
  pattern: number;
  ports: readonly number[];
}): void {
  const { duration, fps, pattern, ports } = options;
  if (!(typeof duration === "number" && duration > 0 && Number.isFinite(duration))) {
    throw new RangeError(`Cannot run the demo for "${String(duration)}" s: use a positive number`);
  }
  if (!(typeof fps === "number" && fps > 0 && fps <= 120)) {
    throw new RangeError(`Cannot run cameras at "${String(fps)}" fps: use a number up to 120`);
  }
  if (pattern !== 1 && pattern !== 2) {
    throw new RangeError(`Cannot use pattern "${String(pattern)}": the demo runs 1 or 2`);
  }
  const validPort = (p: unknown) =>
    Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536;
  if (
    !Array.isArray(ports) || ports.length !== 2 || !ports.every(validPort) || ports[0] === ports[1]
  ) {
    throw new RangeError(
      `Cannot use ports "${String(ports)}": give two different ports from 1 to 65535`,
    );
  }
}
