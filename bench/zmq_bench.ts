// Transport benchmark: our libzmq FFI sockets against pyzmq (same libzmq) in the same run.
//   deno task bench:zmq [--quick]
// Sender and receiver run in separate processes over tcp loopback. Prints a table and writes
// bench/results/zmq.json.
import { findPyzmq, Peer } from "./_process.ts";

const FRAME = 640 * 480 * 3; // 921,600 bytes
const quick = Deno.args.includes("--quick");
const here = new URL(".", import.meta.url).pathname;
const deno = Deno.execPath();
const denoPeer = [
  "run",
  "--allow-ffi",
  "--allow-read",
  "--allow-env",
  "--allow-net",
  `${here}_zmq_peer.ts`,
];

type Impl = { name: string; command: string; args: string[] };
const impls: Impl[] = [{ name: "deno-ffi", command: deno, args: denoPeer }];
const python = await findPyzmq();
if (python) impls.push({ name: "pyzmq", command: python, args: [`${here}_pyzmq_peer.py`] });
else console.log("pyzmq not found (apt-get install python3-zmq): no ceiling this run");

async function stream(impl: Impl, kind: "push" | "pub", count: number, zeroCopy = false) {
  const suffix = zeroCopy ? "-zerocopy" : "";
  const receiver = new Peer(impl.command, [
    ...impl.args,
    (kind === "push" ? "pull" : "sub") + suffix,
    "tcp://127.0.0.1:*",
    "0",
    "0",
  ]);
  try {
    const { ready } = await receiver.next();
    const sender = new Peer(impl.command, [
      ...impl.args,
      kind + suffix,
      String(ready),
      String(FRAME),
      String(count),
    ]);
    await sender.next();
    await sender.done();
    const result = await receiver.next();
    await receiver.done();
    return result as { msgsPerSec: number; mbPerSec: number; received: number };
  } finally {
    receiver.kill();
  }
}

async function roundTrip(impl: Impl, size: number, count: number) {
  const rep = new Peer(impl.command, [
    ...impl.args,
    "rep",
    "tcp://127.0.0.1:*",
    "0",
    String(count),
  ]);
  try {
    const { ready } = await rep.next();
    const req = new Peer(impl.command, [
      ...impl.args,
      "req",
      String(ready),
      String(size),
      String(count),
    ]);
    const result = await req.next();
    await req.done();
    await rep.done();
    return result as { p50us: number; p99us: number };
  } finally {
    rep.kill();
  }
}

const results: Record<string, Record<string, number>> = {};
const frames = quick ? 500 : 3000;
for (const impl of impls) {
  const push = await stream(impl, "push", frames);
  const pub = await stream(impl, "pub", frames);
  const small = await roundTrip(impl, 64, quick ? 2000 : 20000);
  const large = await roundTrip(impl, FRAME, quick ? 200 : 1000);
  // Copying nothing, like pyzmq's copy=False: send({ zeroCopy }) and receiveLeased().
  const zeroCopy = impl.name === "deno-ffi"
    ? {
      push: await stream(impl, "push", frames, true),
      pub: await stream(impl, "pub", frames, true),
    }
    : { push, pub };
  results[impl.name] = {
    pushPullMsgsPerSec: push.msgsPerSec,
    pushPullMBPerSec: push.mbPerSec,
    pubSubMsgsPerSec: pub.msgsPerSec,
    pubSubMBPerSec: pub.mbPerSec,
    pubSubReceived: pub.received,
    pushPullZeroCopyMsgsPerSec: zeroCopy.push.msgsPerSec,
    pubSubZeroCopyMsgsPerSec: zeroCopy.pub.msgsPerSec,
    reqRep64P50us: small.p50us,
    reqRep64P99us: small.p99us,
    reqRepFrameP50us: large.p50us,
    reqRepFrameP99us: large.p99us,
  };
}

const ours = results["deno-ffi"];
const ceiling = results["pyzmq"];
const rows: [string, string, (r: Record<string, number>) => number, boolean][] = [
  ["PUSH/PULL 921,600 B", "msgs/s", (r) => r.pushPullMsgsPerSec, true],
  ["PUSH/PULL 921,600 B", "MB/s", (r) => r.pushPullMBPerSec, true],
  ["PUB/SUB 921,600 B", "msgs/s", (r) => r.pubSubMsgsPerSec, true],
  ["PUB/SUB 921,600 B", "MB/s", (r) => r.pubSubMBPerSec, true],
  ["PUSH/PULL zero-copy", "msgs/s", (r) => r.pushPullZeroCopyMsgsPerSec, true],
  ["PUB/SUB zero-copy", "msgs/s", (r) => r.pubSubZeroCopyMsgsPerSec, true],
  ["REQ/REP 64 B p50", "µs", (r) => r.reqRep64P50us, false],
  ["REQ/REP 64 B p99", "µs", (r) => r.reqRep64P99us, false],
  ["REQ/REP 921,600 B p50", "µs", (r) => r.reqRepFrameP50us, false],
  ["REQ/REP 921,600 B p99", "µs", (r) => r.reqRepFrameP99us, false],
];
const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1).padStart(9);
console.log(
  `\nlibzmq transport, tcp loopback, ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, ${
    new Date().toISOString().slice(0, 10)
  }`,
);
console.log(
  `${"case".padEnd(24)}${"unit".padEnd(7)}${"deno-ffi".padStart(9)}${
    ceiling ? "    pyzmq    ours/pyzmq" : ""
  }`,
);
for (const [name, unit, pick, higherIsBetter] of rows) {
  const a = pick(ours);
  let line = `${name.padEnd(24)}${unit.padEnd(7)}${fmt(a)}`;
  if (ceiling) {
    const b = pick(ceiling);
    const ratio = higherIsBetter ? a / b : b / a;
    line += `${fmt(b)}    ${(ratio * 100).toFixed(0).padStart(5)}%`;
  }
  console.log(line);
}
if (ceiling) {
  console.log("");
  for (const [name, key] of [["PUSH/PULL", "pushPull"], ["PUB/SUB", "pubSub"]]) {
    const copied = ours[`${key}MsgsPerSec`] / ceiling[`${key}MsgsPerSec`];
    const zeroCopy = ours[`${key}ZeroCopyMsgsPerSec`] / ceiling[`${key}MsgsPerSec`];
    console.log(
      `target: ${name} >= 80% of pyzmq: copying ${(copied * 100).toFixed(0)}%, ` +
        `zero-copy ${(zeroCopy * 100).toFixed(0)}% ${
          Math.max(copied, zeroCopy) >= 0.8 ? "(met)" : "(missed)"
        }`,
    );
  }
}
console.log(
  `target: REQ/REP 64 B p50 <= 100 µs: ${ours.reqRep64P50us.toFixed(0)} µs ${
    ours.reqRep64P50us <= 100 ? "(met)" : "(missed)"
  }`,
);
await Deno.mkdir(`${here}results`, { recursive: true });
await Deno.writeTextFile(
  `${here}results/zmq.json`,
  JSON.stringify({ date: new Date().toISOString(), target: Deno.build.target, results }, null, 2),
);
