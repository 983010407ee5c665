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

/** A free tcp port on 127.0.0.1 (for code that needs the number up front). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** `count` distinct free tcp ports on 127.0.0.1 (all held open while picking, so none twice). */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  try {
    return listeners.map((listener) => (listener.addr as Deno.NetAddr).port);
  } finally {
    for (const listener of listeners) listener.close();
  }
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
