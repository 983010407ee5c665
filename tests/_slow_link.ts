// A real slow link for tests and benchmarks: two network namespaces of our own (a client's and
// the servers'), joined by a veth pair whose both ends are rate-limited with `tc` `tbf` (this
// kernel has no `netem`). Addresses 10.231.N.1 (client) and 10.231.N.2 (servers), /30, exist
// inside those namespaces only. Needs root and iproute2's `ip` and `tc`.

/** A slow link set up by {@link createSlowLink}; `close()` removes every trace of it. */
export interface SlowLink extends AsyncDisposable {
  /** The client's namespace (run the client in it with {@link SlowLink.command}). */
  readonly clientNamespace: string;
  /** The servers' namespace. */
  readonly serverNamespace: string;
  /** The client's address, inside its namespace: servers connect to it. */
  readonly clientAddress: string;
  /** The servers' address, inside their namespace. */
  readonly serverAddress: string;
  /** The link's rate each way, in Mbit/s. */
  readonly rateMbit: number;
  /** The arguments of `ip` that run `argv` in `namespace`: `netns exec <namespace> …argv`. */
  execArgs(namespace: string, argv: string[]): string[];
  /** Removes both namespaces (and with them the veth pair and its qdiscs). Safe to repeat. */
  close(): Promise<void>;
}

/** Options of {@link createSlowLink}. */
export interface SlowLinkOptions {
  /** The rate each way, in Mbit/s. */
  rateMbit: number;
  /** The most a packet may wait in the tbf queue, in ms. @default {50} */
  latencyMs?: number;
}

async function run(program: string, args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command(program, {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `"${program} ${args.join(" ")}" failed: ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
}

/**
 * Why a slow link cannot be made here (not root, no `ip` or `tc`, namespaces refused), found by
 * making and removing a namespace; undefined when it can.
 */
export async function slowLinkUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return `network namespaces need Linux, not ${Deno.build.os}`;
  if (Deno.uid?.() !== 0) return "network namespaces and tc need root";
  const probe = `ngprobe${Deno.pid}`;
  try {
    await run("ip", ["netns", "add", probe]);
  } catch (error) {
    return `cannot make a network namespace: ${(error as Error).message}`;
  }
  try {
    await run("ip", ["netns", "exec", probe, "tc", "qdisc", "show"]);
  } catch (error) {
    return `cannot run tc: ${(error as Error).message}`;
  } finally {
    await run("ip", ["netns", "del", probe]).catch(() => {});
  }
  return undefined;
}

let links = 0;

/**
 * Makes the two namespaces and the rate-limited veth pair between them. On failure, what was
 * made is removed before the error is thrown.
 */
export async function createSlowLink(options: SlowLinkOptions): Promise<SlowLink> {
  const id = `${Deno.pid % 100_000}x${links++}`;
  // A /30 of 10.231.0.0/16 per link: distinct within this process, rarely across processes.
  const net = (Deno.pid * 7 + links * 13) % 250 + 1;
  const clientNamespace = `ngc${id}`;
  const serverNamespace = `ngs${id}`;
  const clientIf = `ngc${id}`.slice(0, 15);
  const serverIf = `ngs${id}`.slice(0, 15);
  const clientAddress = `10.231.${net}.1`;
  const serverAddress = `10.231.${net}.2`;
  const latency = `${options.latencyMs ?? 50}ms`;
  // A burst of about 1 ms at the rate (at least a few full-size packets).
  const burst = `${Math.max(16, Math.ceil(options.rateMbit * 1000 / 8 / 1000))}kb`;
  const rate = `${options.rateMbit}mbit`;
  const close = async () => {
    await run("ip", ["netns", "del", clientNamespace]).catch(() => {});
    await run("ip", ["netns", "del", serverNamespace]).catch(() => {});
  };
  try {
    await run("ip", ["netns", "add", clientNamespace]);
    await run("ip", ["netns", "add", serverNamespace]);
    await run("ip", [
      "-n",
      clientNamespace,
      "link",
      "add",
      clientIf,
      "type",
      "veth",
      "peer",
      "name",
      serverIf,
      "netns",
      serverNamespace,
    ]);
    for (
      const [ns, dev, address] of [
        [clientNamespace, clientIf, clientAddress],
        [serverNamespace, serverIf, serverAddress],
      ]
    ) {
      await run("ip", ["-n", ns, "addr", "add", `${address}/30`, "dev", dev]);
      await run("ip", ["-n", ns, "link", "set", dev, "up"]);
      await run("ip", ["-n", ns, "link", "set", "lo", "up"]);
      await run("ip", [
        "netns",
        "exec",
        ns,
        "tc",
        "qdisc",
        "add",
        "dev",
        dev,
        "root",
        "tbf",
        "rate",
        rate,
        "burst",
        burst,
        "latency",
        latency,
      ]);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    clientNamespace,
    serverNamespace,
    clientAddress,
    serverAddress,
    rateMbit: options.rateMbit,
    execArgs: (namespace, argv) => ["netns", "exec", namespace, ...argv],
    close,
    [Symbol.asyncDispose]: close,
  };
}
