// One side of a transport benchmark, in its own process:
//   deno run … _zmq_peer.ts <role> <endpoint> <size> <count> [<start at, epoch ms>]
// For `rep`, <size> is the reply's size (0 echoes the request); for `pull` and `sub`, how many
// senders' end markers end the run (fan-in; 0 counts as 1). Senders given a start time wait
// for it, so that several start together.
// Receivers bind and print {"ready": endpoint}; the last line printed is the JSON result.
// Roles ending in -zerocopy copy nothing, like pyzmq's copy=False: receivers use receiveLeased(),
// senders send a SharedArrayBuffer with { zeroCopy: true }.
import { Socket, tuneMemory } from "../src/zmq/mod.ts";

tuneMemory(); // as NetGear does by default

const [role, endpoint, sizeText, countText] = Deno.args;
const size = Number(sizeText);
const count = Number(countText);
const startAt = Number(Deno.args[4] ?? 0);
const print = (value: unknown) => console.log(JSON.stringify(value));

switch (role) {
  case "pull":
  case "sub":
  case "pull-zerocopy":
  case "sub-zerocopy": {
    const subscriber = role.startsWith("sub");
    await using socket = new Socket(subscriber ? "SUB" : "PULL");
    socket.receiveHighWaterMark = 1000;
    if (subscriber) socket.subscribe();
    const receive = role.endsWith("zerocopy")
      ? async () => {
        using message = await socket.receiveLeased({ timeout: 30_000 });
        return message.parts[0].byteLength;
      }
      : async () => (await socket.receive({ timeout: 30_000 }))[0].byteLength;
    socket.bind(endpoint);
    print({ ready: socket.lastEndpoint });
    const senders = Math.max(1, size);
    let ended = 0;
    let received = 0;
    let bytes = 0;
    let start = 0;
    for (;;) {
      const length = await receive();
      if (received === 0) start = performance.now();
      if (length === 1) { // a sender's end marker
        if (++ended === senders) break;
        continue;
      }
      received++;
      bytes += length;
    }
    const seconds = (performance.now() - start) / 1000;
    print({ received, seconds, msgsPerSec: received / seconds, mbPerSec: bytes / seconds / 1e6 });
    break;
  }
  case "push":
  case "pub":
  case "push-zerocopy":
  case "pub-zerocopy": {
    const publisher = role.startsWith("pub");
    const zeroCopy = role.endsWith("zerocopy");
    await using socket = new Socket(publisher ? "PUB" : "PUSH");
    socket.sendHighWaterMark = 1000;
    // Up to 1,000 frames wait in our queue, and in a fan-in they drain at a quarter of the
    // rate: close() waits until all, the end marker last, are out (the bench kills a stuck peer).
    socket.linger = -1;
    if (publisher) socket.xpubNoDrop = true; // backpressure instead of drops, to measure throughput
    socket.connect(endpoint);
    if (publisher) await new Promise((resolve) => setTimeout(resolve, 300)); // subscription
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
    const message = new Uint8Array(zeroCopy ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
    message.fill(7);
    for (let i = 0; i < count; i++) await socket.send(message, { zeroCopy });
    await socket.send(new Uint8Array(1));
    print({ sent: count });
    break;
  }
  case "rep": {
    await using socket = new Socket("REP");
    socket.bind(endpoint);
    print({ ready: socket.lastEndpoint });
    // size 0 echoes each request; otherwise the reply is `size` bytes (like NetGear's ack).
    const reply = size > 0 ? new Uint8Array(size).fill(7) : undefined;
    for (let i = 0; i < count; i++) {
      const request = await socket.receive({ timeout: 30_000 });
      await socket.send(reply ?? request);
    }
    print({ echoed: count });
    break;
  }
  case "req": {
    await using socket = new Socket("REQ");
    socket.connect(endpoint);
    const message = new Uint8Array(size).fill(7);
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await socket.send(message);
      await socket.receive({ timeout: 30_000 });
      times[i] = performance.now() - t;
    }
    times.sort();
    const at = (q: number) => times[Math.min(count - 1, Math.floor(q * count))] * 1000;
    print({ p50us: at(0.5), p99us: at(0.99), roundTrips: count });
    break;
  }
  default:
    throw new TypeError(`Unknown role "${role}": use pull, sub, push, pub, rep or req`);
}
