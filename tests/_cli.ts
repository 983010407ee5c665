// The `netgear` CLI as a subprocess, for the tests that run it as a user does: `cli.ts` with
// exactly the permissions of `deno task netgear`, or `deno task netgear` itself in a process
// group of its own (as a terminal runs a job, so that Ctrl+C reaches the whole group).

import { delay, within } from "./_endpoints.ts";

const ROOT = new URL("../", import.meta.url);
/** The CLI's entry point. */
export const CLI = new URL("cli.ts", ROOT).pathname;
const CONFIG = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
  version: string;
  tasks: Record<string, string>;
};

/** The flags of a deno.json task `deno <subcommand> <flags…> [--output X] cli.ts`. */
export function taskFlags(task: string): string[] {
  const words = CONFIG.tasks[task].split(/\s+/);
  const flags = words.slice(2, words.indexOf("cli.ts"));
  const output = flags.indexOf("--output");
  if (output >= 0) flags.splice(output, 2);
  return flags;
}

/** The permissions of `deno task netgear`. */
export const PERMISSIONS: readonly string[] = taskFlags("netgear");

/** How to start the CLI. */
export interface CliOptions {
  /** More `deno run` flags. */
  runArgs?: string[];
  /** Another script than `cli.ts`. */
  script?: string;
  /**
   * Run `deno task netgear …` in a process group of its own instead of `deno run cli.ts`; a
   * string names another task (`"demo"`, `"example:a:client"`), given the arguments alone.
   */
  task?: boolean | string;
}

/** A CLI subprocess; its stdout and stderr are collected as they come. */
export class Cli implements AsyncDisposable {
  stdout = "";
  stderr = "";
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<number>;
  readonly #group: boolean;
  #ended = false;

  constructor(args: string[], options: CliOptions = {}) {
    this.#group = options.task !== undefined && options.task !== false;
    const task = typeof options.task === "string" ? options.task : "netgear";
    const command = this.#group
      ? new Deno.Command("setsid", {
        args: [Deno.execPath(), "task", "--quiet", task, ...args],
        cwd: ROOT.pathname,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...PERMISSIONS,
          ...(options.runArgs ?? []),
          options.script ?? CLI,
          ...args,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      });
    this.#child = command.spawn();
    const collect = async (
      stream: ReadableStream<Uint8Array<ArrayBuffer>>,
      key: "stdout" | "stderr",
    ) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this[key] += text;
    };
    this.#done = Promise.all([
      this.#child.status,
      collect(this.#child.stdout, "stdout"),
      collect(this.#child.stderr, "stderr"),
    ]).then(([status]) => status.code).finally(() => this.#ended = true);
  }

  /** Whether the process has exited (and its output is all read). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Waits until stderr matches `pattern`; fails if the process ends first, or after `ms`. */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<void> {
    await within(
      (async () => {
        while (!pattern.test(this.stderr)) {
          if (this.#ended) throw new Error(`exited before ${pattern}; stderr:\n${this.stderr}`);
          await delay(20);
        }
      })(),
      ms,
      `waiting for ${pattern} (stderr so far:\n${this.stderr})`,
    );
  }

  /** Sends `signal` to the process (with `task`, to its whole process group). */
  kill(signal: Deno.Signal): void {
    if (this.#ended) return;
    try {
      if (this.#group) Deno.kill(-this.#child.pid, signal); // a negative pid: the group
      else this.#child.kill(signal);
    } catch {
      // it exited in between
    }
  }

  /** Ctrl+C, as a terminal sends it. */
  ctrlC(): void {
    this.kill("SIGINT");
  }

  /** Waits for the exit; a process still running after `ms` is killed and the test fails. */
  async finish(ms = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const code = await within(this.#done, ms, "netgear to exit");
      return { code, stdout: this.stdout, stderr: this.stderr };
    } catch (error) {
      this.kill("SIGKILL");
      await this.#done.catch(() => {});
      throw new Error(`${(error as Error).message}\nstderr:\n${this.stderr}`);
    }
  }

  /** Kills the process if it still runs, and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.kill("SIGKILL");
    await this.#done.catch(() => {});
  }
}

/** Runs the CLI to its end. */
export function runCli(
  args: string[],
  ms?: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Cli(args).finish(ms);
}
