import assert from "node:assert/strict";
import {
  curveKeyPair,
  curvePublicKey,
  libzmqInfo,
  Socket,
  z85Decode,
  z85Encode,
  zmqHas,
  zmqVersion,
} from "../src/zmq/mod.ts";
import { freePort } from "./_endpoints.ts";
import { evalIn as runWith } from "./_eval.ts";

const moduleUrl = new URL("../src/zmq/mod.ts", import.meta.url).href;
libzmqInfo(); // loaded once per process, before the sanitizers watch

Deno.test("libzmq is 4.2 or newer and reports where it came from", () => {
  const info = libzmqInfo();
  assert.ok(["explicit", "system", "bundled"].includes(info.source));
  assert.ok(info.version[0] > 4 || (info.version[0] === 4 && info.version[1] >= 2));
  assert.equal(zmqVersion(), info.version.join("."));
  assert.equal(zmqHas("ipc"), true);
  assert.equal(zmqHas("no-such-capability"), false);
});

Deno.test("Z85 matches the RFC 32 test vector and round-trips", () => {
  const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(z85Encode(bytes), "HelloWorld");
  assert.deepEqual(z85Decode("HelloWorld"), bytes);
  const random = crypto.getRandomValues(new Uint8Array(32));
  assert.deepEqual(z85Decode(z85Encode(random)), random);
  assert.throws(() => z85Encode(new Uint8Array(3)), RangeError);
  assert.throws(() => z85Decode("abc"), RangeError);
  assert.throws(() => z85Decode("Hello Wor"), RangeError);
});

Deno.test("CURVE key pairs are 40-char Z85 and the public key derives from the secret", () => {
  if (!zmqHas("curve")) return; // a libzmq without libsodium: covered by the error test below
  const { publicKey, secretKey } = curveKeyPair();
  assert.equal(publicKey.length, 40);
  assert.equal(secretKey.length, 40);
  assert.equal(curvePublicKey(secretKey), publicKey);
  assert.notEqual(curveKeyPair().publicKey, publicKey);
  assert.throws(() => curvePublicKey("short"), TypeError);
});

Deno.test("CURVE sockets talk with the right server key and not with a wrong one", async () => {
  if (!zmqHas("curve")) return;
  const server = curveKeyPair();
  const client = curveKeyPair();
  await using rep = new Socket("REP");
  rep.curveServer = true;
  rep.curveSecretKey = server.secretKey;
  rep.bind("tcp://127.0.0.1:*");
  assert.equal(rep.curveServer, true);

  await using good = new Socket("REQ");
  good.curveServerKey = server.publicKey;
  good.curvePublicKey = client.publicKey;
  good.curveSecretKey = client.secretKey;
  good.connect(rep.lastEndpoint);
  await good.send("secret hello");
  assert.equal(new TextDecoder().decode((await rep.receive({ timeout: 5000 }))[0]), "secret hello");
  await rep.send("ok");
  await good.receive({ timeout: 5000 });

  await using bad = new Socket("REQ");
  bad.curveServerKey = curveKeyPair().publicKey; // not the server's
  bad.curvePublicKey = client.publicKey;
  bad.curveSecretKey = client.secretKey;
  bad.connect(rep.lastEndpoint);
  await bad.send("should never arrive");
  await assert.rejects(rep.receive({ timeout: 300 }), { code: "EAGAIN" });
});

Deno.test("NETGEAR_LIBZMQ=bundled loads the copy inside the npm zeromq package", async () => {
  const { out, err, exit } = await runWith(
    { NETGEAR_LIBZMQ: "bundled" },
    `import { libzmqInfo, Socket } from "${moduleUrl}";
     const info = libzmqInfo();
     const s = new Socket("PAIR"); s.bind("inproc://x"); await s.close();
     console.log(JSON.stringify(info));`,
  );
  assert.equal(exit, 0, err);
  const info = JSON.parse(out);
  assert.equal(info.source, "bundled");
  assert.match(info.path, /zeromq.*addon\.node$/);
});

Deno.test("a wrong NETGEAR_LIBZMQ path fails with the place tried", async () => {
  const { err, exit } = await runWith(
    { NETGEAR_LIBZMQ: "/nonexistent/libzmq.so" },
    `import { libzmqInfo } from "${moduleUrl}"; libzmqInfo();`,
  );
  assert.notEqual(exit, 0);
  assert.match(err, /Cannot load libzmq from "\/nonexistent\/libzmq\.so"/);
});

Deno.test("an uncaught error with messages in flight ends the process with the error, not a crash", async () => {
  // Deno skips the "unload" event on an uncaught error, so libzmq's I/O threads are still
  // running when the library is closed at exit; before it was pinned this died of SIGSEGV
  // 11 times in 12.
  const script = new URL("./_throw_with_lingering_messages.ts", import.meta.url);
  for (let run = 0; run < 4; run++) {
    const { code, signal, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-ffi", "--allow-env", "--allow-read", script.href],
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(signal, null, `run ${run}: killed by ${signal}\n${text}`);
    assert.equal(code, 1, `run ${run}: exit ${code}\n${text}`);
    assert.match(text, /Uncaught .*Error: uncaught on purpose/);
  }
});

Deno.test("calls interrupted by signals are retried: NetGear streams under the CPU profiler", async () => {
  // The profiler's sampling signals make libzmq calls fail with EINTR; before they were
  // retried, a REQ/REP stream died with "interrupted system call" within a few hundred frames.
  const dir = await Deno.makeTempDir({ prefix: "netgear-prof-" });
  try {
    const script = new URL("./_stream_under_signals.ts", import.meta.url);
    const port = freePort();
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        "--allow-ffi",
        "--allow-env",
        "--allow-read",
        script.href,
        String(port),
        "3000",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(code, 0, text);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), { received: 3000 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
