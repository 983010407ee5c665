// Secure mode (CURVE): the key folder (vidgear's layout, pyzmq's format, both ways with pyzmq),
// StoneHouse and IronHouse receivers with their ZAP handler, refusals counted while authorised
// servers keep streaming, multi-server, bidirectional and pattern-2 modes, interop with a Python
// peer in secure mode, and a secure receiver fuzzed from an authorised raw socket.

import assert from "node:assert/strict";
import {
  createFrame,
  type Frame,
  generateKeys,
  keyFolder,
  NetGear,
  NetGearError,
  type NetGearInit,
  ProtocolError,
  type Refusal,
} from "../mod.ts";
import { parseCertificate, readCertificate } from "../src/secure/mod.ts";
import { decodeMessage, decodeReply, encodeFrameMessage } from "../src/protocol/mod.ts";
import { curveKeyPair, libzmqInfo, Socket } from "../src/zmq/mod.ts";
import { delay, freePort, within } from "./_endpoints.ts";
import { serverFrame } from "./_netgear_server.ts";
import { skipIf } from "./_skip.ts";
import { formulaBytes, PYTHON, PythonPeer, pythonPeerUnavailable } from "./_python_peer.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const PYTHON_MISSING = pythonPeerUnavailable();

const FILES = [
  "private_keys/client.key_secret",
  "private_keys/server.key_secret",
  "public_keys/client.key",
  "public_keys/server.key",
];

/** A temporary folder, removed with its contents on dispose. */
function tempDir(): { path: string } & Disposable {
  const path = Deno.makeTempDirSync({ prefix: "netgear-secure-" });
  return { path, [Symbol.dispose]: () => Deno.removeSync(path, { recursive: true }) };
}

/** A secure peer on 127.0.0.1 with the key folder at `dir`: IronHouse, pattern 1 unless told.
 * A port list makes a multi-server client; `multiserverMode` a multi-server server. */
function securePeer(
  dir: string,
  port: number | number[],
  options: Partial<NetGearInit> = {},
): NetGear {
  const receiveMode = options.receiveMode ?? Array.isArray(port);
  return new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    receiveMode,
    multiserverMode: Array.isArray(port),
    secureMode: 2,
    customCertLocation: dir,
    ...(receiveMode ? {} : { requestTimeout: 5 }),
    ...options,
  });
}

/** The files under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(...listFiles(`${dir}/${entry.name}`, `${path}/`));
    else out.push(path);
  }
  return out.sort();
}

/** Runs Python code with pyzmq; returns its stdout parsed as JSON. */
function python(code: string, ...args: string[]): unknown {
  const { success, stdout, stderr } = new Deno.Command(PYTHON, {
    args: ["-c", code, ...args],
    stdin: "null",
  }).outputSync();
  const decoder = new TextDecoder();
  assert.ok(success, `python failed:\n${decoder.decode(stderr)}`);
  return JSON.parse(decoder.decode(stdout));
}

/** Sends `count` frames from `server`, each answered by the client's `recv()`; checks bytes. */
async function streamFrames(
  server: NetGear,
  client: NetGear,
  index: number,
  count: number,
  first = 0,
): Promise<void> {
  const sending = (async () => {
    for (let i = first; i < first + count; i++) {
      await server.send(serverFrame(index, i), { message: { index, i } });
    }
  })();
  for (let i = first; i < first + count; i++) {
    const item = await within(client.recv(), 10_000, `frame ${i} of server ${index}`);
    assert.ok(item);
    assert.deepEqual(item.message, { index, i });
    assert.deepEqual(item.frame.data, serverFrame(index, i).data);
  }
  await within(sending, 10_000, "sending");
}

/** Waits until `check()` holds, at most `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await delay(20);
  }
}

// ------------------------------------------------------------------------------ key folder

Deno.test("generateKeys writes vidgear's layout in pyzmq's format, keeps valid keys, and overwrites on request", () => {
  using dir = tempDir();
  const keys = generateKeys(dir.path);
  assert.equal(keys.generated, true);
  assert.equal(keys.path, `${dir.path}/.vidgear/keys`);
  assert.deepEqual(listFiles(keys.path), FILES);
  // A location already ending in .vidgear is not nested again.
  assert.equal(keyFolder(`${dir.path}/.vidgear`).path, keys.path);
  assert.equal(keyFolder(`${dir.path}/.vidgear/`).publicKeysDir, keys.publicKeysDir);

  const publicText = Deno.readTextFileSync(`${keys.publicKeysDir}/server.key`);
  const secretText = Deno.readTextFileSync(`${keys.privateKeysDir}/server.key_secret`);
  // pyzmq's layout: banner comments, metadata, curve, then indented quoted keys.
  assert.match(publicText, /^#.*\n(#.*\n)*\nmetadata\ncurve\n {4}public-key = "[^"]{40}"\n$/);
  assert.match(
    secretText,
    /^#.*\n(#.*\n)*\nmetadata\ncurve\n {4}public-key = "[^"]{40}"\n {4}secret-key = "[^"]{40}"\n$/,
  );
  assert.equal(readCertificate(`${keys.publicKeysDir}/server.key`).publicKey, keys.serverPublicKey);
  assert.equal(readCertificate(`${keys.publicKeysDir}/client.key`).publicKey, keys.clientPublicKey);
  assert.equal(readCertificate(`${keys.publicKeysDir}/server.key`).secretKey, undefined);
  if (Deno.build.os !== "windows") {
    const mode = Deno.statSync(`${keys.privateKeysDir}/client.key_secret`).mode!;
    assert.equal(mode & 0o077, 0, "secret certificates are private to their owner");
  }

  const again = generateKeys(dir.path);
  assert.equal(again.generated, false);
  assert.equal(again.serverPublicKey, keys.serverPublicKey);
  assert.equal(again.clientPublicKey, keys.clientPublicKey);

  const fresh = generateKeys(dir.path, { overwrite: true });
  assert.equal(fresh.generated, true);
  assert.notEqual(fresh.serverPublicKey, keys.serverPublicKey);
  assert.deepEqual(listFiles(fresh.path), FILES);

  // Half a folder is refused, not silently replaced; overwrite replaces it.
  Deno.removeSync(`${fresh.publicKeysDir}/server.key`);
  assert.throws(() => generateKeys(dir.path), NetGearError, "not all four");
  assert.equal(generateKeys(dir.path, { overwrite: true }).generated, true);
  // Mismatched files (public and secret of different pairs) are refused.
  Deno.copyFileSync(`${fresh.publicKeysDir}/client.key`, `${fresh.publicKeysDir}/server.key`);
  assert.throws(() => generateKeys(dir.path), NetGearError, "does not match");
  assert.throws(() => generateKeys(`${dir.path}/missing`), NetGearError, "no such folder");
});

Deno.test("parseCertificate reads keys as pyzmq does and refuses files without a valid key", () => {
  const key = curveKeyPair();
  const text =
    `# comment\nmetadata\n    name = "cam"\ncurve\n\tpublic-key = '${key.publicKey}'  \n` +
    `    secret-key = "${key.secretKey}"\r\n`;
  assert.deepEqual(parseCertificate(text), key);
  assert.throws(() => parseCertificate("metadata\ncurve\n"), TypeError, "no public-key line");
  assert.throws(
    () => parseCertificate('curve\n    public-key = "short"\n', "x.key"),
    TypeError,
    "x.key",
  );
  assert.throws(
    () => parseCertificate(`curve\n    public-key = "${"\u00e9".repeat(40)}"\n`),
    TypeError,
    "40 characters of Z85",
  );
});

Deno.test({
  name: "pyzmq loads the certificates we write, and a key folder pyzmq wrote serves our peers",
  ignore: skipIf(import.meta.url, PYTHON_MISSING),
  async fn() {
    using ours = tempDir();
    using theirs = tempDir();
    const keys = generateKeys(ours.path);
    const loaded = python(
      `import json, sys, zmq.auth
pub, priv = sys.argv[1] + "/public_keys", sys.argv[1] + "/private_keys"
out = {}
for name in ("server", "client"):
    p, _ = zmq.auth.load_certificate(pub + "/" + name + ".key")
    ps, s = zmq.auth.load_certificate(priv + "/" + name + ".key_secret")
    out[name] = [p.decode(), ps.decode(), zmq.curve_public(s).decode()]
out["all"] = sorted(k.decode() for k in zmq.auth.load_certificates(pub))
print(json.dumps(out))`,
      keys.path,
    ) as Record<string, string[]>;
    assert.deepEqual(loaded.server, Array(3).fill(keys.serverPublicKey));
    assert.deepEqual(loaded.client, Array(3).fill(keys.clientPublicKey));
    assert.deepEqual(loaded.all, [keys.clientPublicKey, keys.serverPublicKey].sort());

    // vidgear's way: pyzmq's create_certificates, then the *.key files moved to public_keys.
    const made = python(
      `import json, os, shutil, sys, zmq.auth
keys = sys.argv[1] + "/.vidgear/keys"
pub, priv = keys + "/public_keys", keys + "/private_keys"
os.makedirs(pub); os.makedirs(priv)
out = {}
for name in ("server", "client"):
    p, s = zmq.auth.create_certificates(priv, name)
    shutil.move(p, pub)
    out[name] = zmq.auth.load_certificate(s)[0].decode()
print(json.dumps(out))`,
      theirs.path,
    ) as Record<string, string>;
    const read = generateKeys(theirs.path);
    assert.equal(read.generated, false, "pyzmq's folder is complete and valid for us");
    assert.equal(read.serverPublicKey, made.server);
    assert.equal(read.clientPublicKey, made.client);

    // And our peers stream through it in IronHouse.
    const port = freePort();
    await using client = securePeer(theirs.path, port, { receiveMode: true });
    await using server = securePeer(theirs.path, port);
    await streamFrames(server, client, 0, 3);
    assert.deepEqual(client.stats.refused, {});
  },
});

Deno.test("secure-mode options are checked with advice", async () => {
  using dir = tempDir();
  const base = { address: "127.0.0.1", port: freePort(), pattern: 1, receiveMode: true } as const;
  const refused = (
    options: Partial<NetGearInit>,
    type: new (...args: never[]) => Error,
    text: string,
  ) => assert.throws(() => new NetGear({ ...base, ...options }), type, text);
  refused({ secureMode: 3 as 2 }, RangeError, "1 (StoneHouse) or 2 (IronHouse)");
  refused({ allowedAddresses: ["127.0.0.1"] }, NetGearError, "secureMode 1 or 2");
  refused({ secureMode: 1, allowedAddresses: [] }, TypeError, "non-empty list");
  refused(
    { receiveMode: false, secureMode: 1, allowedAddresses: ["127.0.0.1"] },
    NetGearError,
    "on a sender",
  );
  refused(
    { secureMode: 1, customCertLocation: `${dir.path}/nope` },
    NetGearError,
    "no such folder",
  );
  // A folder holding the receiver's half only: the sender is told what to copy.
  const keys = generateKeys(dir.path);
  Deno.removeSync(`${keys.privateKeysDir}/client.key_secret`);
  refused(
    { receiveMode: false, secureMode: 1, customCertLocation: dir.path },
    NetGearError,
    "incomplete",
  );
  // snake_case names work as in vidgear.
  await using receiver = new NetGear(
    { ...base, secure_mode: 1, custom_cert_location: dir.path } as never,
  );
  assert.equal(receiver.options.secureMode, 1);
});

Deno.test("a secure receiver that cannot bind fails at once and leaves nothing running", async () => {
  using dir = tempDir();
  await using holder = new Socket("PULL");
  holder.bind("tcp://127.0.0.1:*");
  const port = Number(holder.lastEndpoint.split(":").pop());
  // The sanitizers fail this test if the ZAP handler, a monitor or the context outlived it.
  assert.throws(() => securePeer(dir.path, port, { receiveMode: true }), { code: "EADDRINUSE" });
});

// ------------------------------------------------------------------------------ streaming

Deno.test("StoneHouse, pattern 0, bidirectional: frames go out and replies come back encrypted", async () => {
  using dir = tempDir();
  const port = freePort();
  const options = { pattern: 0, secureMode: 1, bidirectionalMode: true } as const;
  await using client = securePeer(dir.path, port, { receiveMode: true, ...options });
  await using server = securePeer(dir.path, port, options);
  assert.deepEqual(listFiles(keyFolder(dir.path).path), FILES, "the first peer made the keys");
  for (let i = 0; i < 3; i++) {
    const reply = server.send(serverFrame(1, i), { message: i });
    const item = await within(client.recv({ returnData: { ok: i } }), 10_000, "frame");
    assert.deepEqual(item?.frame.data, serverFrame(1, i).data);
    assert.deepEqual(await within(reply, 10_000, "reply"), { ok: i });
  }
});

Deno.test("IronHouse multi-server: unknown-key, wrong-server-key and plaintext servers are refused and counted while authorised servers stream", async () => {
  using dir = tempDir();
  using strangers = tempDir();
  const keys = generateKeys(dir.path);
  const ports = [freePort(), freePort(), freePort()];
  const refusals: Refusal[] = [];
  const logged: string[] = [];
  const consoleError = console.error;
  // Capture the client's log lines (the real console is restored below).
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  const client = securePeer(dir.path, ports, {
    livenessTimeout: 0,
    allowedAddresses: ["127.0.0.1"],
    logging: true,
    onRefused: (refusal) => refusals.push(refusal),
  });
  const good = [0, 1].map((s) => securePeer(dir.path, ports[s], { multiserverMode: true }));
  // An unknown key: a raw CURVE client that knows the server key but is not in public_keys.
  const unknown = new Socket("REQ");
  unknown.linger = 0;
  const stranger = curveKeyPair();
  unknown.curvePublicKey = stranger.publicKey;
  unknown.curveSecretKey = stranger.secretKey;
  unknown.curveServerKey = keys.serverPublicKey;
  // Made one at a time below (each connects as soon as it is made).
  const strays: NetGear[] = [];
  const stray = (options: Partial<NetGearInit>) => {
    const server = securePeer(dir.path, ports[2], {
      multiserverMode: true,
      requestTimeout: 1,
      maxRetries: 1,
      ...options,
    });
    strays.push(server);
    return server.send(serverFrame(9, 0)).then(() => "sent", (error) => error);
  };
  try {
    await streamFrames(good[0], client, 0, 2);
    const refused = (reason: string) => client.stats.refused[reason] ?? 0;
    // One stranger at a time, so that each refusal is attributed to its peer.
    const failures: Promise<unknown>[] = [];
    const refusedBy = async (start: () => unknown, reasons: string[], what: string) => {
      const before = reasons.reduce((sum, r) => sum + refused(r), 0);
      start();
      await until(
        () => reasons.reduce((sum, r) => sum + refused(r), 0) > before,
        10_000,
        `${what} refused (${JSON.stringify(client.stats.refused)})`,
      );
    };
    await refusedBy(
      () => {
        unknown.connect(`tcp://127.0.0.1:${ports[2]}`);
        failures.push(unknown.send("let me in"));
      },
      ["unknown-key"],
      "the unknown key",
    );
    await refusedBy(
      () => failures.push(stray({ secureMode: 0 })),
      ["plaintext"],
      "the plaintext server",
    );
    await refusedBy(
      // No key of ours: a secure server whose own folder holds other keys.
      () => failures.push(stray({ customCertLocation: strangers.path })),
      ["wrong-server-key"],
      "the server without our keys",
    );
    // Authorised servers keep streaming, on both ports.
    await streamFrames(good[0], client, 0, 3, 2);
    await streamFrames(good[1], client, 1, 3);
    const [, ...sends] = await within(Promise.all(failures), 10_000, "refused sends");
    for (const failure of sends) {
      assert.ok(failure instanceof NetGearError, `a refused server's send fails: ${failure}`);
    }
    assert.match(String(sends[1]), /secure handshake failed/, "the sender says why");
    await assert.rejects(unknown.receive({ timeout: 200 }), { code: "EAGAIN" });

    assert.equal(client.stats.frames, 8);
    assert.deepEqual(client.stats.dropped, {});
    assert.equal(refused("address"), 0);
    const total = Object.values(client.stats.refused).reduce((a, b) => a + b, 0);
    assert.equal(refusals.length, total, "onRefused saw every refusal");
    const byKey = refusals.find((r) => r.reason === "unknown-key")!;
    assert.equal(byKey.publicKey, stranger.publicKey);
    assert.equal(byKey.address, "127.0.0.1");
    assert.ok(
      refusals.some((r) => r.reason === "wrong-server-key" && r.endpoint?.endsWith(`:${ports[2]}`)),
    );
    for (const reason of ["unknown-key", "plaintext", "wrong-server-key"]) {
      assert.ok(
        logged.some((line) => line.includes("refused a connection") && line.includes(reason)),
        `a log line for ${reason}`,
      );
    }
    const states = Object.fromEntries(client.servers.map((s) => [s.port, s.state]));
    assert.deepEqual(states, { [ports[0]]: "live", [ports[1]]: "live", [ports[2]]: "waiting" });
  } finally {
    console.error = consoleError;
    await unknown.close();
    await Promise.all([...good, ...strays].map((server) => server.close()));
    await client.close();
  }
});

Deno.test("a plaintext server is counted as plaintext on every connection, whichever end sees the mismatch first", async () => {
  using dir = tempDir();
  generateKeys(dir.path);
  const ports = [freePort(), freePort()];
  const refusals: Refusal[] = [];
  await using client = securePeer(dir.path, ports, {
    livenessTimeout: 0,
    onRefused: (refusal) => refusals.push(refusal),
  });
  // Each try is a new socket. On each connection either end may read the other's greeting
  // first and hang up; the server's libzmq reconnects until it sees the mismatch itself, so the
  // receiver sees both a mismatch and a hang-up from one server.
  const tries = 3;
  await using server = securePeer(dir.path, ports[0], {
    multiserverMode: true,
    secureMode: 0,
    requestTimeout: 1,
    maxRetries: tries,
  });
  for (let i = 1; i < tries; i++) {
    assert.equal(await within(server.send(serverFrame(0, i)), 10_000, `try ${i}`), undefined);
  }
  await assert.rejects(
    within(server.send(serverFrame(0, tries)), 10_000, "last try"),
    NetGearError,
  );
  await server.close();
  const total = () => Object.values(client.stats.refused).reduce((a, b) => a + b, 0);
  await until(() => total() >= tries, 10_000, "a refusal per try");
  assert.deepEqual(Object.keys(client.stats.refused), ["plaintext"]);
  assert.equal(refusals.length, total(), "onRefused saw every refusal");
  for (const refusal of refusals) {
    assert.deepEqual(refusal, { reason: "plaintext", endpoint: `tcp://127.0.0.1:${ports[0]}` });
  }
  assert.equal(client.stats.frames, 0);
});

Deno.test("a secure server's reconnect after a reply timeout is secure too (vidgear's is plain)", async () => {
  using dir = tempDir();
  const port = freePort();
  await using client = securePeer(dir.path, port, { receiveMode: true });
  await using server = securePeer(dir.path, port, { requestTimeout: 1 });
  // Nobody reads yet: the reply does not come, the frame is lost, the server reconnects.
  assert.equal(await within(server.send(serverFrame(0, 0)), 10_000, "lost send"), undefined);
  assert.equal(server.stats.timeouts, 1);
  const lost = await within(client.recv(), 10_000, "the lost frame");
  assert.deepEqual(lost?.frame.data, serverFrame(0, 0).data);
  // The next frame goes through the new socket, which only CURVE gets past.
  const sending = server.send(serverFrame(0, 1));
  const item = await within(client.recv(), 10_000, "the frame after the reconnect");
  assert.deepEqual(item?.frame.data, serverFrame(0, 1).data);
  await within(sending, 10_000, "send");
  assert.deepEqual(client.stats.refused, {});
});

Deno.test("allowedAddresses: a server from another address is refused and counted", async () => {
  using dir = tempDir();
  const port = freePort();
  const options = { secureMode: 1, requestTimeout: 1, maxRetries: 1 } as const;
  // 192.0.2.1 is TEST-NET-1: never this machine.
  await using client = securePeer(dir.path, port, {
    receiveMode: true,
    allowedAddresses: ["192.0.2.1"],
    ...options,
  });
  await using server = securePeer(dir.path, port, options);
  const receiving = client.recv();
  await assert.rejects(within(server.send(serverFrame(0, 0)), 10_000, "send"), NetGearError);
  assert.ok(client.stats.refused.address >= 1, JSON.stringify(client.stats.refused));
  assert.equal(client.stats.frames, 0);
  await client.close();
  assert.equal(await receiving, null);
});

Deno.test("secure pattern 2 multi-server: two servers publish to a SUB client through CURVE", async () => {
  using dir = tempDir();
  const ports = [freePort(), freePort()];
  await using client = securePeer(dir.path, ports, { pattern: 2 });
  const servers = ports.map((port) =>
    securePeer(dir.path, port, { pattern: 2, multiserverMode: true })
  );
  try {
    const sending = servers.map(async (server, s) => {
      for (let i = 0; i < 4; i++) await server.send(serverFrame(s, i), { message: { s, i } });
    });
    const seen = new Map<number, number[]>();
    for (let n = 0; n < 8; n++) {
      const item = await within(client.recv(), 10_000, `frame ${n}`);
      const { s, i } = item!.message as { s: number; i: number };
      assert.equal(item!.port, ports[s]);
      assert.deepEqual(item!.frame.data, serverFrame(s, i).data);
      seen.set(s, [...(seen.get(s) ?? []), i]);
    }
    await within(Promise.all(sending), 10_000, "sending");
    assert.deepEqual(seen.get(0), [0, 1, 2, 3]);
    assert.deepEqual(seen.get(1), [0, 1, 2, 3]);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
});

// ------------------------------------------------------------------------------ interop

const SHAPE = [6, 8, 3];

Deno.test({
  name:
    "interop: Python secure servers (IronHouse, ThreadAuthenticator side) stream to our secure multi-server client",
  ignore: skipIf(import.meta.url, PYTHON_MISSING),
  async fn() {
    using dir = tempDir();
    generateKeys(dir.path);
    const ports = [freePort(), freePort()];
    await using client = securePeer(dir.path, ports);
    const peers = ports.map((port) =>
      new PythonPeer([
        "server",
        "--pattern=1",
        "--multiserver",
        `--port=${port}`,
        "--frames=3",
        `--shape=${SHAPE.join(",")}`,
        "--secure=2",
        `--cert-location=${dir.path}`,
        "--timeout-s=20",
      ])
    );
    try {
      const got: { port: unknown; data: Uint8Array; i: number }[] = [];
      for await (const { port, frame } of client) {
        // The peer's formula: byte 0 of frame i is (i*7 + seed) % 256, seed = its port.
        const i = (((frame.data[0] - Number(port)) % 256 + 256) * 183) % 256;
        got.push({ port, data: frame.data, i });
      }
      for (const port of ports) {
        const mine = got.filter((g) => g.port === String(port));
        assert.deepEqual(mine.map((g) => g.i), [0, 1, 2], `frames of ${port}`);
        for (const g of mine) assert.deepEqual(g.data, formulaBytes(g.i, port, g.data.length));
      }
      for (const peer of peers) assert.equal((await peer.finish(20_000)).code, 0);
      assert.deepEqual(client.stats.refused, {});
    } finally {
      await Promise.all(peers.map((peer) => peer.kill()));
    }
  },
});

Deno.test({
  name:
    "interop: our secure server streams to a Python secure client (IronHouse, its keys, bidirectional)",
  ignore: skipIf(import.meta.url, PYTHON_MISSING),
  async fn() {
    using dir = tempDir();
    const port = freePort();
    const peer = new PythonPeer([
      "client",
      "--pattern=1",
      "--bidirectional",
      `--ports=${port}`,
      "--return-json",
      '{"seen": "{i}"}',
      "--max-frames=3",
      "--secure=2",
      `--cert-location=${dir.path}`,
      "--timeout-s=20",
    ]);
    let server: NetGear | undefined;
    try {
      await peer.waitFor("ready", 20_000); // it has made the key folder by now
      server = securePeer(dir.path, port, { bidirectionalMode: true });
      for (let i = 0; i < 3; i++) {
        const frame: Frame = createFrame(formulaBytes(i, port, 144), SHAPE);
        assert.deepEqual(await server.send(frame), { seen: String(i) });
      }
      const result = await peer.finish(20_000);
      assert.equal(result.code, 0, result.stderr);
      const frames = result.events.filter((e) => e.event === "frame");
      assert.deepEqual(frames.map((e) => e.verified), [true, true, true]);
    } finally {
      await server?.close();
      await peer.kill();
    }
  },
});

// ------------------------------------------------------------------------------ fuzz

const FUZZ_SEED = Number(
  Deno.env.get("NETGEAR_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 32),
);

/** Random bad messages (xorshift32, seeded), each with the drop reason the client must count. */
function* malformedMessages(seed: number): Generator<{ parts: Uint8Array[]; reason: string }> {
  let state = (seed >>> 0) || 1;
  const next = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => next(256));
  for (;;) {
    let parts: Uint8Array[];
    const kind = next(3);
    if (kind === 0) {
      parts = Array.from({ length: 1 + next(4) }, () => bytes(next(300)));
    } else {
      const shape = [1 + next(4), 1 + next(4)];
      const real = encodeFrameMessage({
        frame: createFrame(bytes(shape[0] * shape[1]), shape),
        message: next(2) ? null : { n: next(100) },
        pattern: 1,
        port: next(2) ? 5566 : undefined,
      });
      const head = real[0].slice();
      if (kind === 1) parts = [head.subarray(0, next(head.length)), real[1]];
      else {
        for (let k = 0; k < 1 + next(3); k++) head[next(head.length)] = next(256);
        parts = [head, real[1].subarray(0, next(real[1].length + 1))];
      }
    }
    try {
      const decoded = decodeMessage(parts);
      if (decoded.kind === "frame" && decoded.port === undefined) {
        yield { parts, reason: "missing-key" };
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      yield { parts, reason: error.reason };
    }
  }
}

Deno.test("fuzz: a secure receiver answers and counts thousands of bad messages from an authorised raw socket, then streams", async () => {
  using dir = tempDir();
  const keys = generateKeys(dir.path);
  const ports = [freePort(), freePort()];
  await using client = securePeer(dir.path, ports, { livenessTimeout: 0 });
  await using server = securePeer(dir.path, ports[1], { multiserverMode: true });
  const { publicKey, secretKey } = readCertificate(`${keys.privateKeysDir}/client.key_secret`);
  await using raw = new Socket("REQ");
  raw.linger = 0;
  raw.curvePublicKey = publicKey;
  raw.curveSecretKey = secretKey!;
  raw.curveServerKey = keys.serverPublicKey;
  const first = client.recv();
  first.catch(() => {}); // awaited below
  try {
    raw.connect(`tcp://127.0.0.1:${ports[0]}`);
    const total = 3000;
    const expected: Record<string, number> = {};
    const messages = malformedMessages(FUZZ_SEED);
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const { parts, reason } = messages.next().value!;
      await raw.send(parts, { timeout: 5000 });
      const reply = await raw.receive({ timeout: 5000 });
      assert.equal(decodeReply(reply).kind, "text", `message ${n} is acknowledged`);
      expected[reason] = (expected[reason] ?? 0) + 1;
      assert.ok(performance.now() - started < 60_000, "fuzzing took too long");
    }
    const sorted = (o: Readonly<Record<string, number>>) =>
      Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
    assert.deepEqual(sorted(client.stats.dropped), sorted(expected));
    assert.equal(client.stats.frames, 0);
    assert.deepEqual(client.stats.refused, {});
    // Good frames still arrive.
    const sending = server.send(serverFrame(3, 0), { message: "after" });
    const item = await within(first, 10_000, "the first good frame");
    assert.equal(item?.message, "after");
    assert.deepEqual(item?.frame.data, serverFrame(3, 0).data);
    await within(sending, 10_000, "send");
    await streamFrames(server, client, 3, 3, 1);
  } catch (error) {
    console.error(`secure fuzz failed: rerun with NETGEAR_FUZZ_SEED=${FUZZ_SEED}`);
    throw error;
  } finally {
    await client.close();
    await first.catch(() => {});
  }
});
