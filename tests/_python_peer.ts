// Runs tests/interop/vidgear_peer.py (a Python stand-in for vidgear's NetGear) as a child
// process and collects its JSON-lines output. See tests/interop/README.md for its CLI.

import { within } from "./_endpoints.ts";

/** Debian's Python: it has pyzmq and numpy (the `python3` on PATH has not). */
export const PYTHON = "/usr/bin/python3";
const PEER = new URL("./interop/vidgear_peer.py", import.meta.url).pathname;

/** Why the Python peer cannot run here, or `undefined` when it can. */
export function pythonPeerUnavailable(): string | undefined {
  try {
    const { success } = new Deno.Command(PYTHON, {
      args: ["-c", "import zmq, numpy"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return success ? undefined : `${PYTHON} lacks pyzmq or numpy`;
  } catch (error) {
    return `${PYTHON} cannot be run: ${(error as Error).message}`;
  }
}

/** One JSON line printed by the peer. */
export type PeerEvent = { event: string; [key: string]: unknown };

/** What a finished peer left: its exit code, every event, and its stderr. */
export interface PeerResult {
  code: number;
  events: PeerEvent[];
  stderr: string;
}

/** A running `vidgear_peer.py`. Always `kill()` it in a `finally`. */
export class PythonPeer {
  readonly events: PeerEvent[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #stdoutDone: Promise<void>;
  readonly #stderr: Promise<string>;
  #ended = false;
  #waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.#child = new Deno.Command(PYTHON, {
      args: [PEER, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdoutDone = this.#readLines();
    this.#stderr = new Response(this.#child.stderr).text().catch(() => "");
  }

  async #readLines(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of this.#child.stdout) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line === "") continue;
          try {
            this.events.push(JSON.parse(line));
          } catch {
            this.events.push({ event: "unparsable", line });
          }
          this.#notify();
        }
      }
    } catch {
      // the stream was cut (killed): nothing more to read
    } finally {
      this.#ended = true;
      this.#notify();
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** The first event named `event` (and matching `pred`), waiting at most `ms`. */
  async waitFor(
    event: string,
    ms: number,
    pred: (e: PeerEvent) => boolean = () => true,
  ): Promise<PeerEvent> {
    const found = await within(
      (async () => {
        for (;;) {
          const hit = this.events.find((e) => e.event === event && pred(e));
          if (hit || this.#ended) return hit;
          await new Promise<void>((wake) => this.#waiters.push(wake));
        }
      })(),
      ms,
      `the Python peer's "${event}" line`,
    );
    if (!found) {
      throw new Error(
        `the Python peer ended without a "${event}" line; stderr:\n${await this.#stderr}`,
      );
    }
    return found;
  }

  /** Waits (at most `ms`) for the peer to exit by itself. */
  async finish(ms: number): Promise<PeerResult> {
    const status = await within(this.#child.status, ms, "the Python peer's exit");
    await this.#stdoutDone;
    return { code: status.code, events: this.events, stderr: await this.#stderr };
  }

  /** Kills the peer if it still runs, and releases its pipes. Safe to call twice. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.#child.status;
    await this.#stdoutDone;
    await this.#stderr;
  }
}

/** Byte `k` of frame `i` by the peer's formula: `(i*7 + k + seed) % 256`. */
export function formulaBytes(i: number, seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = (i * 7 + k + seed) % 256;
  return out;
}

/** Lower-case hex sha256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
