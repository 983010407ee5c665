// Child processes for benchmarks: spawn a peer, read its JSON lines, bound every wait.

/** A running peer process whose stdout is JSON lines. */
export class Peer {
  readonly #child: Deno.ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly #stderr: Promise<string>;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array> | undefined;

  /** Starts `command`; with `stdin: true` its standard input stays open for {@link Peer.write}. */
  constructor(command: string, args: string[], options: { stdin?: boolean } = {}) {
    this.#child = new Deno.Command(command, {
      args,
      stdin: options.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = options.stdin ? this.#child.stdin.getWriter() : undefined;
    this.#lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      new LineSplitter(),
    )[Symbol.asyncIterator]();
    this.#stderr = new Response(this.#child.stderr).text();
  }

  /** Reads the next JSON line, failing after `timeoutMs`. */
  async next(timeoutMs = 60_000): Promise<Record<string, unknown>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Peer sent nothing for ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const { value, done } = await Promise.race([this.#lines.next(), timeout]);
      if (done) throw new Error(`Peer ended early: ${(await this.#stderr).slice(-2000)}`);
      return JSON.parse(value);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes one line to the peer's standard input (needs `stdin: true`). */
  async write(line: string): Promise<void> {
    if (!this.#stdin) throw new Error("Cannot write: the peer was started without stdin");
    await this.#stdin.write(new TextEncoder().encode(line + "\n"));
  }

  /** Waits for the process to end; fails with its stderr when it did not succeed. */
  async done(): Promise<void> {
    await this.#stdin?.close().catch(() => {});
    const status = await this.#child.status;
    const stderr = await this.#stderr;
    if (!status.success) throw new Error(`Peer failed (${status.code}): ${stderr.slice(-2000)}`);
    if (stderr.trim() && Deno.env.get("NETGEAR_BENCH_LOG") === "1") console.error(stderr.trim());
  }

  /** Kills the process if it still runs. */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already ended */ }
    this.#stdin?.close().catch(() => {});
  }
}

class LineSplitter extends TransformStream<string, string> {
  constructor() {
    let buffer = "";
    super({
      transform(chunk, controller) {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) if (line.trim()) controller.enqueue(line);
      },
      flush(controller) {
        if (buffer.trim()) controller.enqueue(buffer);
      },
    });
  }
}

/** Finds Debian's python3 with pyzmq, or undefined. */
export async function findPyzmq(): Promise<string | undefined> {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const { success } = await new Deno.Command(python, {
        args: ["-c", "import zmq"],
        stderr: "null",
        stdout: "null",
      }).output();
      if (success) return python;
    } catch { /* not there */ }
  }
  return undefined;
}
