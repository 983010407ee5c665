/**
 * The parts of a client's or server's run that are not NetGear: stopping on `--duration` or
 * Ctrl+C, printing (text, or `--json` lines), counting messages and replies, the client's
 * snapshots once a second, and the summaries.
 *
 * @module
 */

import type { Frame, NetGear, Port } from "../../mod.ts";
import { type Viewer, watchClient } from "../../src/viewer/mod.ts";
import type { ClientFlags, ServerFlags } from "./flags.ts";
import { messageText, MontageSnapshots } from "./snapshots.ts";

/** How many distinct values a {@link Tally} keeps; the rest are counted together. */
const TALLY_LIMIT = 50;

/** Counts how often each value was seen (strings as they are, other values as JSON). */
class Tally {
  readonly #counts = new Map<string, number>();
  #last: string | undefined;

  /** Counts one `value`; returns whether it differs from the value counted before it. */
  add(value: unknown): boolean {
    const text = messageText(value);
    const key = this.#counts.has(text) || this.#counts.size < TALLY_LIMIT ? text : "(other values)";
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    const changed = text !== this.#last;
    this.#last = text;
    return changed;
  }

  /** The counts, by value. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/**
 * What every run shares: where its words go, and its stop signals. In text mode lines go to
 * stdout; with `--json` stdout carries only JSON lines (for scripts and the tests) and the
 * text goes to stderr. Ctrl+C aborts `interrupt` and `stop`; a second Ctrl+C exits at once.
 */
class Run implements Disposable {
  /** Aborts after `--duration` (servers) or on Ctrl+C: stop taking frames. */
  readonly stop: AbortSignal;
  /** Aborts on Ctrl+C only: give up on a pending send or receive. */
  readonly interrupt: AbortSignal;
  readonly #json: boolean;
  readonly #onInterrupt: () => void;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(json: boolean, durationSeconds: number | null) {
    this.#json = json;
    const stop = new AbortController();
    const interrupt = new AbortController();
    this.stop = stop.signal;
    this.interrupt = interrupt.signal;
    this.#onInterrupt = () => {
      if (interrupt.signal.aborted) Deno.exit(130);
      interrupt.abort(new Error("Interrupted (Ctrl+C)"));
      stop.abort(interrupt.signal.reason);
    };
    Deno.addSignalListener("SIGINT", this.#onInterrupt);
    this.#timer = durationSeconds === null
      ? undefined
      : setTimeout(() => stop.abort(new Error("--duration reached")), durationSeconds * 1000);
  }

  /** Whether Ctrl+C was pressed: an error from an interrupted call is then expected. */
  get interrupted(): boolean {
    return this.interrupt.aborted;
  }

  /** A line for people. */
  say(text: string): void {
    if (this.#json) console.error(text);
    else console.log(text);
  }

  /** A JSON line `{ [kind]: value }` in `--json` mode; nothing otherwise. */
  record(kind: "ready" | "summary", value: unknown): void {
    if (this.#json) console.log(JSON.stringify({ [kind]: value }));
  }

  /** Removes the Ctrl+C listener (which would keep the process alive) and the timer. */
  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
    Deno.removeSignalListener("SIGINT", this.#onInterrupt);
  }
}

/**
 * A client's run: Ctrl+C, the live view, the montage snapshots (written once a second), the
 * messages of each server printed when they change, and the summary at the end.
 */
export class ClientRun extends Run {
  readonly #flags: ClientFlags;
  readonly #client: NetGear;
  readonly #viewer: Viewer | undefined;
  readonly #snapshots: MontageSnapshots;
  readonly #messages = new Map<string, Tally>();
  #lastWrite = -Infinity;

  private constructor(
    flags: ClientFlags,
    client: NetGear,
    viewer: Viewer | undefined,
    snapshots: MontageSnapshots,
  ) {
    super(flags.json, null);
    this.#flags = flags;
    this.#client = client;
    this.#viewer = viewer;
    this.#snapshots = snapshots;
  }

  /**
   * Prepares the snapshots folder and says where the live view is (when there is one) and
   * that the client is listening.
   *
   * @param flags The client's flags.
   * @param client The multi-server client.
   * @param viewer The live view each received frame goes to; `undefined` with `--no-view`.
   */
  static async start(
    flags: ClientFlags,
    client: NetGear,
    viewer: Viewer | undefined,
  ): Promise<ClientRun> {
    const snapshots = await MontageSnapshots.open(flags.out, client);
    const run = new ClientRun(flags, client, viewer, snapshots);
    const { address, ports } = flags;
    if (viewer) run.say(`Live view: ${viewer.url} (open it in a browser)`);
    run.say(`Client on ${address}, servers' ports ${ports.join(", ")}; Ctrl+C to stop`);
    run.record("ready", { address, ports, pattern: client.options.pattern, view: viewer?.url });
    return run;
  }

  /**
   * Takes a received frame: shows it live as its server's tile (with port, fps and message),
   * keeps it for the montage (written when a second has passed) and counts its message,
   * printing it when it changed.
   */
  async show(port: Port | undefined, frame: Frame, message: unknown): Promise<void> {
    if (this.#viewer) watchClient(this.#viewer, { port, frame, message }, this.#client);
    this.#snapshots.update(port, frame);
    if (message !== null) {
      const key = String(port);
      let tally = this.#messages.get(key);
      if (!tally) this.#messages.set(key, tally = new Tally());
      if (tally.add(message)) this.say(`${port} says: ${messageText(message)}`);
    }
    if (performance.now() - this.#lastWrite >= 1000) await this.#snapshot();
  }

  async #snapshot(): Promise<void> {
    this.#lastWrite = performance.now();
    const files = await this.#snapshots.write();
    const status = this.#client.servers
      .map((s) => `${s.port}: ${s.frames} frames, ${s.fps.toFixed(1)} fps, ${s.state}`)
      .join(" | ");
    if (files.length > 0) this.say(`${status} -> ${files.join(", ")}`);
  }

  /** Writes the last snapshot, closes the client and prints what it received. */
  async finish(): Promise<void> {
    await this.#snapshot();
    await this.#client.close();
    const client = this.#client;
    this.say(
      `${this.interrupted ? "Stopped" : "Every server is gone"}: ` +
        `${client.stats.frames} frames received; snapshots in ${this.#flags.out}`,
    );
    this.record("summary", {
      frames: client.stats.frames,
      dropped: client.stats.dropped,
      snapshots: this.#snapshots.written,
      servers: client.servers.map((s) => ({
        port: s.port,
        state: s.state,
        goneReason: s.goneReason ?? null,
        frames: s.frames,
        bytes: s.bytes,
        messages: this.#messages.get(String(s.port))?.toJSON() ?? {},
      })),
    });
  }
}

/** A server's run: `--duration` and Ctrl+C, the client's replies, and the summary. */
export class ServerRun extends Run {
  readonly #flags: ServerFlags;
  readonly #name: string;
  readonly #replies = new Tally();

  /**
   * @param flags The server's flags.
   * @param name `Server-1` or `Server-2`.
   */
  constructor(flags: ServerFlags, name: string) {
    super(flags.json, flags.duration);
    this.#flags = flags;
    this.#name = name;
  }

  /** Says the server is streaming. */
  started(): void {
    const { source, address, port } = this.#flags;
    this.say(`${this.#name}: ${source} -> ${address}:${port}; Ctrl+C to stop`);
    this.record("ready", { port, source });
  }

  /** Counts the client's reply to a frame, printing it when it changed. */
  replied(data: unknown): void {
    if (this.#replies.add(data)) this.say(`${this.#name}: the client says: ${messageText(data)}`);
  }

  /** Prints what the server sent (and got back). */
  finished(server: NetGear): void {
    const { frames, timeouts } = server.stats;
    this.say(`${this.#name}: sent ${frames} frames; closing`);
    this.record("summary", {
      port: this.#flags.port,
      sent: frames,
      lost: timeouts,
      replies: this.#replies.toJSON(),
    });
  }
}
