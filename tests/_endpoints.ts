// Unique endpoints for tests: tcp on 127.0.0.1 with a free port, or ipc in a private temp dir.

/** The transports every socket test runs over. */
export const TRANSPORTS = ["tcp", "ipc"] as const;
/** One of {@link TRANSPORTS}. */
export type Transport = typeof TRANSPORTS[number];

let ipcDir: string | undefined;
let counter = 0;

/** A bindable endpoint nobody else uses: `tcp://127.0.0.1:*` (read the port back) or an ipc path. */
export function uniqueEndpoint(transport: Transport): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  ipcDir ??= Deno.makeTempDirSync({ prefix: "netgear-test-" });
  return `ipc://${ipcDir}/s${counter++}`;
}

// Ports this test process has handed out. The system may hand a just-closed port out again,
// so two calls in a row could otherwise give the same port to two sockets of one test.
const handedOut = new Set<number>();

/** A free tcp port on 127.0.0.1 (for code that needs the number up front), never one this process was given before. */
export function freePort(): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no free tcp port on 127.0.0.1 that this process has not used already");
}

/** `count` distinct free tcp ports on 127.0.0.1 (see {@link freePort}). */
export function freePorts(count: number): number[] {
  return Array.from({ length: count }, freePort);
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`, or rejects after `ms` milliseconds (the timer is always cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
