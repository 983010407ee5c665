// Streams frames over pattern 1 in one process (run by netgear_modes_test.ts under
// `--cpu-prof`, whose sampling signals interrupt libzmq calls with EINTR).
import { createFrame, NetGear } from "../mod.ts";

const port = Number(Deno.args[0]);
const count = Number(Deno.args[1] ?? 3000);
const client = new NetGear({
  address: "127.0.0.1",
  port: [port],
  pattern: 1,
  receiveMode: true,
  multiserverMode: true,
});
const server = new NetGear({ address: "127.0.0.1", port, pattern: 1, multiserverMode: true });
const frame = createFrame(new Uint8Array(64 * 48 * 3), [48, 64, 3]);
const sending = (async () => {
  for (let i = 0; i < count; i++) await server.send(frame, { message: i });
  await server.close();
})();
let received = 0;
for await (const _ of client) received++;
await sending;
console.log(JSON.stringify({ received }));
