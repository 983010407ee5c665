import assert from "node:assert/strict";
import { LeasedMessage, libzmqInfo, Socket, ZmqError } from "../src/zmq/mod.ts";
import { uniqueEndpoint } from "./_endpoints.ts";

libzmqInfo(); // loads libzmq at module top, outside the tests' resource sanitizer

const BIG = 256 * 1024;

/** A connected PULL/PUSH pair over tcp. */
function streamPair(): [Socket, Socket] {
  const pull = new Socket("PULL");
  pull.bind(uniqueEndpoint("tcp"));
  const push = new Socket("PUSH");
  push.connect(pull.lastEndpoint);
  return [pull, push];
}

/** A connected PULL/PUSH pair over inproc, where messages pass without their bytes copied. */
function inprocPair() {
  const endpoint = `inproc://zero-copy-${crypto.randomUUID()}`;
  const pull = new Socket("PULL");
  pull.bind(endpoint);
  const push = new Socket("PUSH");
  push.connect(endpoint);
  return {
    pull,
    push,
    [Symbol.asyncDispose]: () => Promise.all([pull.close(), push.close()]).then(() => {}),
  };
}

/** Where a part's bytes are. */
function address(bytes: Uint8Array): bigint | number {
  return Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes as Uint8Array<ArrayBuffer>));
}

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

Deno.test("receiveLeased leases large parts without copying and copies small ones", async () => {
  const [pull, push] = streamPair();
  try {
    const big = pattern(BIG, 1);
    await push.send(["header", big]);
    const message = await pull.receiveLeased({ timeout: 5000 });
    assert.ok(message instanceof LeasedMessage);
    const [header, body] = message.parts;
    assert.equal(new TextDecoder().decode(header), "header");
    assert.deepEqual(body, big);
    assert.equal(pull.leasedBytes, BIG); // only the large part is leased
    message.release();
    assert.ok(message.released);
    assert.equal(pull.leasedBytes, 0);
    // Released parts read as empty, never as freed memory; the small copied part stays.
    assert.equal(body.byteLength, 0);
    assert.equal(new TextDecoder().decode(header), "header");
    message.release(); // safe to repeat
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("tryReceiveLeased gives null when nothing waits, and leases a waiting message", async () => {
  await using pair = inprocPair();
  const { pull, push } = pair;
  assert.equal(pull.tryReceiveLeased(), null);
  const big = pattern(BIG, 3);
  await push.send(["header", big]);
  let message: LeasedMessage | null = null;
  for (let i = 0; i < 500 && message === null; i++) {
    message = pull.tryReceiveLeased();
    if (message === null) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  assert.ok(message, "the message arrived within 1 s");
  assert.deepEqual(message.parts[1], big);
  assert.equal(pull.leasedBytes, BIG);
  message.release();
  assert.equal(pull.leasedBytes, 0);
  assert.equal(pull.tryReceiveLeased(), null);
});

Deno.test("a leased message declared with using is released at the end of its block", async () => {
  const [pull, push] = streamPair();
  try {
    await push.send(pattern(BIG, 2));
    let kept: Uint8Array;
    {
      using message = await pull.receiveLeased({ timeout: 5000 });
      kept = message.parts[0];
      assert.equal(kept[5], (5 * 31 + 2) & 0xff);
    }
    assert.equal(kept.byteLength, 0);
    assert.equal(pull.leasedBytes, 0);
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("past the lease budget, parts are copied and the budget bounds what leases hold", async () => {
  const [pull, push] = streamPair();
  try {
    pull.leaseBudget = BIG + 1024;
    assert.throws(() => (pull.leaseBudget = -1), RangeError);
    for (let i = 0; i < 3; i++) await push.send(pattern(BIG, i));
    const held: LeasedMessage[] = [];
    for (let i = 0; i < 3; i++) held.push(await pull.receiveLeased({ timeout: 5000 }));
    assert.equal(pull.leasedBytes, BIG);
    held.forEach((message, i) => assert.deepEqual(message.parts[0], pattern(BIG, i)));
    for (const message of held) message.release();
    assert.equal(pull.leasedBytes, 0);
    // The copies stay readable after release; the leased one is empty.
    assert.deepEqual(held.map((m) => m.parts[0].byteLength), [0, BIG, BIG]);
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("a leased part transferred away stays valid after release, and stays counted", async () => {
  const [pull, push] = streamPair();
  try {
    await push.send(pattern(BIG, 3));
    const message = await pull.receiveLeased({ timeout: 5000 });
    const moved = structuredClone(message.parts[0], {
      transfer: [message.parts[0].buffer as ArrayBuffer],
    });
    message.release();
    // The memory was not freed: the transferred copy still reads the message.
    assert.deepEqual(moved, pattern(BIG, 3));
    assert.equal(pull.leasedBytes, BIG);
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("leased receives work across many messages and after the socket closes", async () => {
  const [pull, push] = streamPair();
  const last: LeasedMessage[] = [];
  try {
    for (let i = 0; i < 50; i++) {
      await push.send([String(i), pattern(BIG, i)]);
      using message = await pull.receiveLeased({ timeout: 5000 });
      assert.equal(new TextDecoder().decode(message.parts[0]), String(i));
      assert.equal(message.parts[1][7], (7 * 31 + i) & 0xff);
    }
    await push.send(pattern(BIG, 9));
    last.push(await pull.receiveLeased({ timeout: 5000 }));
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
  // A lease outlives its socket: the memory belongs to the message, not the socket.
  assert.equal(last[0].parts[0][1], (31 + 9) & 0xff);
  last[0].release();
  assert.equal(last[0].parts[0].byteLength, 0);
});

Deno.test("a zero-copy send transfers an ArrayBuffer and the peer gets every byte", async () => {
  const [pull, push] = streamPair();
  try {
    const big = pattern(BIG, 4);
    const header = big.subarray(0, 16); // a small part over the same buffer moves with it
    await push.send([header, big], { zeroCopy: true });
    assert.equal(big.byteLength, 0); // transferred: the sender's view reads as empty
    const [gotHeader, gotBody] = await pull.receive({ timeout: 5000 });
    assert.deepEqual(gotHeader, pattern(BIG, 4).subarray(0, 16));
    assert.deepEqual(gotBody, pattern(BIG, 4));
    await assert.rejects(push.send(big, { zeroCopy: true }), /already transferred/);
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("a SharedArrayBuffer sent zero-copy many times stays readable and arrives intact", async () => {
  const [pull, push] = streamPair();
  try {
    const shared = new Uint8Array(new SharedArrayBuffer(BIG));
    shared.set(pattern(BIG, 5));
    for (let i = 0; i < 40; i++) await push.send(shared, { zeroCopy: true });
    for (let i = 0; i < 40; i++) {
      using message = await pull.receiveLeased({ timeout: 5000 });
      assert.deepEqual(message.parts[0], pattern(BIG, 5));
    }
    assert.equal(shared.byteLength, BIG);
    assert.equal(shared[3], pattern(BIG, 5)[3]);
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});

Deno.test("closing right after zero-copy sends is safe, and the socket's memory is let go", async () => {
  for (let round = 0; round < 5; round++) {
    const pub = new Socket("PUB"); // no subscriber: libzmq drops each message at once
    pub.bind(uniqueEndpoint("tcp"));
    const shared = new Uint8Array(new SharedArrayBuffer(BIG)).fill(round);
    for (let i = 0; i < 10; i++) await pub.send(shared, { zeroCopy: true });
    const [pull, push] = streamPair();
    push.linger = 0;
    await push.send(pattern(BIG, round), { zeroCopy: true });
    await Promise.all([pub.close(), push.close()]);
    await pull.close();
  }
});

Deno.test("a zero-copy send hands libzmq the sender's own memory, not a copy of it", async () => {
  // inproc passes messages between sockets without touching their bytes: a leased receive
  // then sees the very memory the sender gave, if (and only if) the send copied nothing.
  await using pair = inprocPair();
  const { pull, push } = pair;
  const shared = new Uint8Array(new SharedArrayBuffer(BIG)).fill(9);
  await push.send(shared, { zeroCopy: true });
  await push.send(shared); // and a copying send, for contrast
  {
    using lent = await pull.receiveLeased({ timeout: 5000 });
    assert.equal(address(lent.parts[0]), address(shared));
  }
  using copied = await pull.receiveLeased({ timeout: 5000 });
  assert.notEqual(address(copied.parts[0]), address(shared));
  assert.deepEqual(copied.parts[0], shared);
});

Deno.test("a lent part is sent from its own memory, and released() waits until libzmq lets go", async () => {
  // Over inproc the receiver shares the sender's message: while its lease holds the part,
  // libzmq still holds the sender's memory.
  await using pair = inprocPair();
  const { pull, push } = pair;
  const frame = pattern(BIG, 6);
  const header = new Uint8Array([1, 2, 3]);
  await push.send([header, frame], { zeroCopy: "lend" });
  assert.equal(frame.byteLength, BIG); // nothing transferred
  const message = await pull.receiveLeased({ timeout: 5000 });
  assert.deepEqual(message.parts[0], header);
  assert.equal(address(message.parts[1]), address(frame));
  await assert.rejects(
    push.released({ timeout: 30 }),
    (e) => e instanceof ZmqError && e.code === "EAGAIN",
  );
  message.release();
  await push.released({ timeout: 1000 });
  // A socket with nothing lent is released at once, also once closed.
  await pull.released({ timeout: 0 });
});

Deno.test("released() waits for what a closed socket still sends, within its linger", async () => {
  const [pull, push] = streamPair();
  try {
    const frames = Array.from({ length: 8 }, (_, i) => pattern(BIG, i));
    for (const frame of frames) await push.send(frame, { zeroCopy: "lend" });
    await push.close();
    await push.released({ timeout: 5000 });
    for (let i = 0; i < frames.length; i++) {
      assert.deepEqual((await pull.receive({ timeout: 5000 }))[0], pattern(BIG, i));
    }
  } finally {
    await Promise.all([pull.close(), push.close()]);
  }
});
