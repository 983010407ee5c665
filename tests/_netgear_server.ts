// A multi-server NetGear server for the child-process tests.
//
// Usage: deno run --allow-ffi --allow-read --allow-env --allow-net=127.0.0.1 \
//   tests/_netgear_server.ts <port> <pattern> <frames> <intervalMs> <index>
//
// Prints `{"ready":true}` once its socket is up, one JSON line `{"sent":i}` per frame sent,
// then `{"closed":true}` after close() (which sends the terminate).

import { createFrame, type Frame, NetGear } from "../mod.ts";

/** The deterministic frame `i` of server `index` (the tests rebuild it to compare bytes). */
export function serverFrame(index: number, i: number): Frame {
  const shape = [4, 6, 3];
  const data = new Uint8Array(4 * 6 * 3);
  for (let k = 0; k < data.length; k++) data[k] = (index * 31 + i * 7 + k) % 256;
  return createFrame(data, shape);
}

function line(value: unknown): void {
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(value) + "\n"));
}

if (import.meta.main) {
  const [port, pattern, frames, interval, index] = Deno.args.map(Number);
  if (pattern !== 1 && pattern !== 2) throw new Error(`bad pattern ${Deno.args[1]}`);
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern,
    multiserverMode: true,
    requestTimeout: 5,
  });
  try {
    line({ ready: true });
    for (let i = 0; i < frames; i++) {
      await server.send(serverFrame(index, i), { message: { index, i } });
      line({ sent: i });
      if (interval > 0) await new Promise((resolve) => setTimeout(resolve, interval));
    }
  } finally {
    await server.close();
  }
  line({ closed: true });
}
