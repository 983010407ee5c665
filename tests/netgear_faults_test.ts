// Faults, with every peer a real process on loopback: servers SIGKILLed, stalled (SIGSTOP /
// SIGCONT), terminated and respawned at seeded random moments; a client SIGKILLed and restarted
// on the same ports; 16 servers churning. What must hold every time:
// - no hang: every wait is bounded, and the client ends by itself once its servers have left;
// - the client's live-server set is right within the liveness timeout (plus a margin for a
//   machine shared with other test runs): a port is waited for until its first server comes,
//   gone once its server terminated, or lost its connection (killed; pattern 1: stalled past
//   the heartbeats) for the liveness timeout;
// - pattern 1: every frame a server was told was received reaches the application exactly once
//   (counted per server incarnation by the sequence number its message carries).
//
// The seed is random per run and printed; NETGEAR_FAULT_SEED=<seed> replays one.
// NETGEAR_LONG_TESTS=1 runs each scenario for minutes instead of seconds.

import assert from "node:assert/strict";
import { createFrame, NetGear, NetGearError, type ServerEvent } from "../mod.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";
import { delay, freePort, freePorts, type Transport, TRANSPORTS, within } from "./_endpoints.ts";
import { isServerFrame, multiServerClient, NetGearProcess } from "./_netgear_server.ts";
import { Random, seedFrom } from "./_random.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const LONG = Deno.env.get("NETGEAR_LONG_TESTS") === "1";
const SEED = seedFrom("NETGEAR_FAULT_SEED");
/** The clients' liveness timeout. */
const LIVENESS_MS = 1500;
/** Slack on top of it for scheduling on a busy machine (never asserted as a speed). */
const MARGIN_MS = 1000;
/** How long a pattern-1 connection lives on without heartbeats (NetGear's 3 s). */
const HEARTBEAT_TIMEOUT_MS = 3000;
/** A server acknowledged this recently must be live. */
const ACK_FRESH_MS = 500;
/** How often the client's view of its servers is sampled. */
const SAMPLE_MS = 100;

/** Where the peers meet: tcp on loopback, or ipc under a fresh directory. */
function placeFor(transport: Transport): { protocol: Transport; address: string } {
  return transport === "tcp"
    ? { protocol: "tcp", address: "127.0.0.1" }
    : { protocol: "ipc", address: `${Deno.makeTempDirSync({ prefix: "netgear-faults-" })}/s` };
}

/** Runs `body` with a seeded random source, printing the seed (and again when it fails). */
async function seeded(name: string, body: (random: Random) => Promise<void>): Promise<void> {
  console.log(`${name}: NETGEAR_FAULT_SEED=${SEED}`);
  try {
    await body(new Random(SEED));
  } catch (error) {
    console.error(`${name} failed: rerun with NETGEAR_FAULT_SEED=${SEED}`);
    throw error;
  }
}

// ------------------------------------------------------------------ the servers

/** One server process on one port, from spawn to its end. */
interface Incarnation {
  readonly index: number;
  readonly port: number;
  readonly process: NetGearProcess;
  readonly spawnedAt: number;
  endedAt?: number;
  how?: "SIGKILL" | "SIGTERM";
  /** SIGSTOP..SIGCONT periods. */
  readonly stops: { from: number; to?: number }[];
}

/** The server processes of a test, with the history of what was done to each. */
class Fleet {
  readonly incarnations: Incarnation[] = [];
  readonly #running = new Map<number, Incarnation>();

  constructor(
    readonly pattern: 1 | 2,
    readonly place: { protocol: Transport; address: string },
  ) {}

  /** Starts a server streaming on `port` until told to stop (not waiting for it). */
  spawn(port: number, intervalMs: number): Incarnation {
    assert.ok(!this.#running.has(port), `port ${port} already has a server`);
    const index = this.incarnations.length;
    const process = NetGearProcess.server({
      port,
      pattern: this.pattern,
      frames: -1,
      intervalMs,
      index,
      requestTimeout: 1,
      maxRetries: 1_000_000, // a server outlives any absence of its client
      ...this.place,
    });
    const incarnation = { index, port, process, spawnedAt: performance.now(), stops: [] };
    this.incarnations.push(incarnation);
    this.#running.set(port, incarnation);
    return incarnation;
  }

  /** The server running on `port`, if any. */
  on(port: number): Incarnation | undefined {
    return this.#running.get(port);
  }

  /** Running servers that are ready and not stalled. */
  healthy(): Incarnation[] {
    return [...this.#running.values()].filter((s) =>
      !this.stalled(s) && s.process.lines.some((l) => l.ready === true)
    );
  }

  stalled(server: Incarnation): boolean {
    const last = server.stops.at(-1);
    return last !== undefined && last.to === undefined;
  }

  /** Ends a server: SIGKILL (a crash) or SIGTERM (it closes, sending its terminate). */
  end(server: Incarnation, how: "SIGKILL" | "SIGTERM"): void {
    assert.ok(how === "SIGKILL" || !this.stalled(server), "SIGTERM would wait for SIGCONT");
    server.process.kill(how);
    server.endedAt = performance.now();
    server.how = how;
    this.#running.delete(server.port);
  }

  stall(server: Incarnation): void {
    server.process.kill("SIGSTOP");
    server.stops.push({ from: performance.now() });
  }

  resume(server: Incarnation): void {
    server.process.kill("SIGCONT");
    server.stops.at(-1)!.to = performance.now();
  }

  /** Resumes the stalled, then SIGTERMs every running server and checks each closed cleanly. */
  async endAll(): Promise<void> {
    for (const server of [...this.#running.values()]) {
      if (this.stalled(server)) this.resume(server);
      this.end(server, "SIGTERM");
    }
    for (const server of this.incarnations.filter((s) => s.how === "SIGTERM")) {
      const code = await server.process.exitCode(20_000);
      const error = server.process.lines.find((l) => "error" in l);
      assert.equal(error, undefined, `server ${server.index}: ${JSON.stringify(error)}`);
      assert.equal(code, 0, `server ${server.index} exit code`);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.incarnations.map((s) => s.process.dispose()));
  }
}

// ------------------------------------------------------------------ the client

interface Sample {
  readonly at: number;
  readonly states: ReadonlyMap<number, string>;
}

/** An in-process multi-server client that records what it delivers and how it sees servers. */
class Receiver {
  readonly client: NetGear;
  readonly startedAt = performance.now();
  /** Sequence numbers delivered, per server incarnation, in order. */
  readonly delivered = new Map<number, number[]>();
  readonly wrongPort: string[] = [];
  inexact = 0;
  readonly events: (ServerEvent & { at: number })[] = [];
  readonly samples: Sample[] = [];
  readonly done: Promise<void>;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    readonly ports: number[],
    pattern: 1 | 2,
    place: { protocol: Transport; address: string },
    readonly portOf: (index: number) => number | undefined,
  ) {
    this.client = multiServerClient(ports, pattern, {
      ...place,
      livenessTimeout: LIVENESS_MS / 1000,
      onServerEvent: (event) => this.events.push({ ...event, at: performance.now() }),
    });
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
    this.done = this.#receive();
  }

  async #receive(): Promise<void> {
    try {
      for (let n = 0; n < 10_000_000; n++) {
        const item = await this.client.recv();
        if (item === null) return;
        const { index, i } = item.message as { index: number; i: number };
        if (!isServerFrame(item.frame, index, i)) this.inexact++;
        if (Number(item.port) !== this.portOf(index)) {
          this.wrongPort.push(`${index}:${i} came with port ${item.port}`);
        }
        const seqs = this.delivered.get(index) ?? [];
        seqs.push(i);
        this.delivered.set(index, seqs);
      }
    } finally {
      clearInterval(this.#timer);
      this.#sample();
    }
  }

  #sample(): void {
    const states = new Map(this.client.servers.map((s) => [Number(s.port), s.state]));
    this.samples.push({ at: performance.now(), states });
  }

  /** Waits (bounded) for the client to end by itself, then closes it. */
  async end(ms: number): Promise<void> {
    try {
      await within(this.done, ms, "the client's end");
    } finally {
      await this.client.close();
    }
  }
}

// ------------------------------------------------------------------ the checks

/** Delivered frames were exact, carried their server's port, and no one came twice (in order). */
function checkDelivered(receiver: Receiver): void {
  assert.equal(receiver.inexact, 0, "frames whose bytes differ from what was sent");
  assert.deepEqual(receiver.wrongPort, []);
  for (const [index, seqs] of receiver.delivered) {
    for (let k = 1; k < seqs.length; k++) {
      assert.ok(seqs[k] > seqs[k - 1], `server ${index}: ${seqs[k]} after ${seqs[k - 1]}`);
    }
  }
}

/**
 * Pattern 1: every frame a server was told was received was delivered, each once. `excused`
 * names the frames that may be missing: those a client SIGKILLed after it replied and before its
 * application got the frame.
 */
function checkExactlyOnce(
  incarnations: readonly Incarnation[],
  delivered: ReadonlyMap<number, readonly number[]>,
  excused: (index: number, seq: number) => boolean = () => false,
): { acked: number; delivered: number } {
  let ackedTotal = 0;
  let deliveredTotal = 0;
  for (const server of incarnations) {
    const seqs = delivered.get(server.index) ?? [];
    const got = new Set(seqs);
    assert.equal(got.size, seqs.length, `server ${server.index}: a frame came twice`);
    const acked = server.process.acked();
    const missing = acked.filter((i) => !got.has(i) && !excused(server.index, i));
    assert.deepEqual(missing, [], `server ${server.index}: acknowledged but never delivered`);
    // Delivered without a reply is fine (the reply was lost); but never a frame never sent.
    const attempted = server.process.sent + 1; // +1: sent, then killed before it printed
    assert.ok(seqs.every((i) => i < attempted), `server ${server.index}: unknown frame`);
    ackedTotal += acked.length;
    deliveredTotal += seqs.length;
  }
  return { acked: ackedTotal, delivered: deliveredTotal };
}

/**
 * The live-server set over time. A port silent since `s` (server ended, stalled, or none yet)
 * must be gone from `s + liveness + margin` until a server could speak on it again; a pattern-1
 * server acknowledged in the last {@link ACK_FRESH_MS}, running unstalled for long before, must
 * be live.
 */
function checkLiveSet(receiver: Receiver, fleet: Fleet): void {
  const late = LIVENESS_MS + MARGIN_MS;
  const failures: string[] = [];
  // How late this process ran (the 100 ms sampler's overshoot) between two moments: when the
  // machine starves it, the client's own timers fire that much later too.
  const lag = (from: number, to: number) => {
    let worst = 0;
    receiver.samples.forEach((sample, k) => {
      const previous = receiver.samples[k - 1];
      if (previous && sample.at >= from && previous.at <= to) {
        worst = Math.max(worst, sample.at - previous.at - SAMPLE_MS);
      }
    });
    return worst;
  };
  for (const port of receiver.ports) {
    const servers = fleet.incarnations.filter((s) => s.port === port);
    const silences: { from: number; to: number; why: string }[] = [];
    const firstSpawn = servers[0]?.spawnedAt ?? Infinity;
    // Before its first server, a listed port is waited for: never gone.
    for (const sample of receiver.samples) {
      if (sample.at < firstSpawn && sample.states.get(port) !== "waiting") {
        failures.push(`port ${port} ${sample.states.get(port)} before any server came`);
      }
    }
    servers.forEach((server, k) => {
      const next = servers[k + 1]?.spawnedAt ?? Infinity;
      // A stalled (SIGSTOPped) server keeps its connection open. Pattern 1's heartbeats drop it
      // once the stalled peer misses them; a pattern-2 connection stays open, and the stalled
      // server live (silence alone is not leaving).
      for (const stop of fleet.pattern === 1 ? server.stops : []) {
        silences.push({
          from: stop.from + HEARTBEAT_TIMEOUT_MS,
          to: stop.to ?? server.endedAt ?? Infinity,
          why: "stall",
        });
      }
      if (server.endedAt !== undefined) {
        silences.push({ from: server.endedAt, to: next, why: `${server.how} ${server.index}` });
      }
    });
    for (const { from, to, why } of silences) {
      for (const sample of receiver.samples) {
        if (
          sample.at >= from + late && sample.at < to && sample.states.get(port) !== "gone" &&
          sample.at >= from + late + lag(from, sample.at)
        ) {
          const events = receiver.events.filter((e) => Number(e.port) === port)
            .map((e) =>
              `${e.type}${e.reason ? ` ${e.reason}` : ""} at ${(e.at - from).toFixed(0)}`
            );
          failures.push(
            `port ${port} still ${sample.states.get(port)} ${
              (sample.at - from).toFixed(0)
            } ms into a silence (${why}, until ${(to - from).toFixed(0)}); its events: ${
              events.join(", ")
            }`,
          );
        }
      }
    }
    if (fleet.pattern !== 1) continue;
    for (const server of servers) {
      const acks = server.process.lines.filter((l) => l.acked === true).map((l) => l.at as number);
      for (const sample of receiver.samples) {
        const fresh = acks.some((a) =>
          a <= sample.at && sample.at - a <= ACK_FRESH_MS &&
          lag(a - LIVENESS_MS, sample.at) < LIVENESS_MS - ACK_FRESH_MS
        );
        const settled = sample.at - server.spawnedAt > late &&
          server.stops.every((s) => (s.to ?? Infinity) < sample.at - late);
        const ended = server.endedAt !== undefined && server.endedAt <= sample.at;
        if (fresh && settled && !ended && sample.states.get(port) !== "live") {
          failures.push(
            `port ${port} ${sample.states.get(port)} while server ${server.index} streams`,
          );
        }
      }
    }
  }
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} live-set failures`);
}

/** Each port's events alternate join / leave (a never-heard port may just leave). */
function checkEvents(receiver: Receiver): { joins: number; leaves: number } {
  for (const port of receiver.ports) {
    const types = receiver.events.filter((e) => Number(e.port) === port).map((e) => e.type);
    const text = types.join(",");
    assert.ok(!/join,join|leave,leave/.test(text), `port ${port}: ${text}`);
  }
  const count = (type: string) => receiver.events.filter((e) => e.type === type).length;
  return { joins: count("join"), leaves: count("leave") };
}

/** Ends every server (SIGTERM), waits for the client to end by itself, and runs the checks
 * every fault scenario shares. */
async function finish(
  fleet: Fleet,
  receiver: Receiver,
): Promise<{ joins: number; leaves: number }> {
  await Promise.all(fleet.incarnations.map((s) => s.process.ready().catch(() => {})));
  await delay(300);
  await fleet.endAll();
  await receiver.end(LIVENESS_MS + MARGIN_MS + 20_000);
  checkDelivered(receiver);
  checkLiveSet(receiver, fleet);
  assert.ok(receiver.client.servers.every((s) => s.state === "gone"));
  return checkEvents(receiver);
}

// ------------------------------------------------------------------ the tests

Deno.test("a slow application (away longer than the liveness timeout between recv() calls) does not make live servers leave", async () => {
  for (const pattern of [1, 2] as const) {
    const ports = freePorts(2);
    const client = multiServerClient(ports, pattern, { livenessTimeout: 0.3 });
    let stop = false;
    const sending = ports.map(async (port) => {
      const server = new NetGear({ address: "127.0.0.1", port, pattern, multiserverMode: true });
      try {
        for (let i = 0; i < 200 && !stop; i++) {
          await server.send(createFrame(new Uint8Array(3), [3]), { message: i });
          await delay(20);
        }
      } finally {
        await server.close();
      }
    });
    try {
      for (let n = 0; n < 8; n++) {
        const item = await within(client.recv(), 5000, "recv");
        assert.notEqual(item, null, `pattern ${pattern}: the client ended after ${n} frames`);
        if (n % 3 === 2) await delay(700); // the application is busy with this frame
      }
      assert.ok(client.servers.every((s) => s.state === "live"), `pattern ${pattern}`);
    } finally {
      stop = true;
      await within(Promise.all(sending), 10_000, "servers");
      await client.close();
    }
  }
});

for (const pattern of [1, 2] as const) {
  Deno.test(
    `pattern ${pattern}: servers SIGKILLed, stalled and terminated at random moments, then respawned: the live set follows, ${
      pattern === 1 ? "acknowledged frames arrive exactly once" : "no frame twice"
    }`,
    async () => {
      await seeded(`faults pattern ${pattern}`, async (random) => {
        const ports = freePorts(4);
        const fleet = new Fleet(pattern, placeFor("tcp"));
        let receiver: Receiver | undefined;
        try {
          for (const port of ports) fleet.spawn(port, 20);
          await Promise.all(fleet.incarnations.map((s) => s.process.ready()));
          receiver = new Receiver(ports, pattern, fleet.place, (i) => fleet.incarnations[i]?.port);
          const timed: { at: number; run: () => void }[] = [];
          const duration = LONG ? 120_000 : 10_000;
          const late = LIVENESS_MS + MARGIN_MS;
          const started = performance.now();
          let nextAction = started + random.between(300, 900);
          const done = { kill: 0, stall: 0, term: 0 };
          while (performance.now() - started < duration) {
            await delay(25);
            const now = performance.now();
            for (const action of timed.filter((a) => a.at <= now)) {
              timed.splice(timed.indexOf(action), 1);
              action.run();
            }
            if (now < nextAction) continue;
            nextAction = now + random.between(300, 900);
            const healthy = fleet.healthy();
            if (healthy.length < 2) continue; // keep one streaming, or the client would end
            const server = random.pick(healthy);
            const action = random.pick(["kill", "stall", "term"] as const);
            done[action]++;
            if (action === "stall") {
              fleet.stall(server);
              const resumeIn = random.pick([300, random.between(late + 200, late + 1500)]);
              timed.push({ at: now + resumeIn, run: () => fleet.resume(server) });
            } else {
              fleet.end(server, action === "kill" ? "SIGKILL" : "SIGTERM");
              const respawnIn = random.pick([200, random.between(late + 200, late + 1500)]);
              timed.push({ at: now + respawnIn, run: () => fleet.spawn(server.port, 20) });
            }
          }
          for (const action of timed) action.run(); // resume and respawn what waits
          const { joins, leaves } = await finish(fleet, receiver);
          const counts = pattern === 1
            ? checkExactlyOnce(fleet.incarnations, receiver.delivered)
            : { acked: NaN, delivered: [...receiver.delivered.values()].flat().length };
          console.log(
            `  ${JSON.stringify(done)}, ${fleet.incarnations.length} servers, ${joins} joins, ` +
              `${leaves} leaves, ${counts.delivered} frames delivered (${counts.acked} acknowledged)`,
          );
          assert.ok(counts.delivered > 100, "frames flowed");
        } finally {
          await receiver?.client.close();
          await fleet.dispose();
        }
      });
    },
  );
}

for (const transport of TRANSPORTS) {
  Deno.test(`pattern 1, ${transport}: a multi-server client SIGKILLed twice and restarted on the same ports: the servers resume by themselves, acknowledged frames arrive once`, async () => {
    await seeded(`client restart ${transport}`, async (random) => {
      const ports = freePorts(4);
      const fleet = new Fleet(1, placeFor(transport));
      const clients: NetGearProcess[] = [];
      let receiver: Receiver | undefined;
      /** Each server acknowledges `n` more frames from now on. */
      const eachAcks = async (n: number, what: string) => {
        const base = fleet.incarnations.map((s) => s.process.acked().length);
        await Promise.all(
          fleet.incarnations.map((s, k) =>
            s.process.waitFor(() => s.process.acked().length >= base[k] + n, 20_000, what)
          ),
        );
      };
      try {
        for (const port of ports) fleet.spawn(port, 10);
        await Promise.all(fleet.incarnations.map((s) => s.process.ready()));
        const rounds = LONG ? 10 : 2;
        for (let round = 0; round < rounds; round++) {
          const child = NetGearProcess.client({
            ports,
            pattern: 1,
            livenessTimeout: LIVENESS_MS / 1000,
            ...fleet.place,
          });
          clients.push(child);
          await child.ready();
          await eachAcks(3, `round ${round}: every server streams to the new client`);
          await delay(random.between(0, 1000));
          child.kill("SIGKILL");
          await child.exitCode();
          await delay(random.between(0, 1500));
        }
        receiver = new Receiver(ports, 1, fleet.place, (i) => fleet.incarnations[i]?.port);
        await eachAcks(5, "every server streams to the last client");
        await fleet.endAll();
        await receiver.end(LIVENESS_MS + 15_000);

        checkDelivered(receiver);
        const delivered = new Map(receiver.delivered);
        for (const child of clients) {
          const items = child.items();
          assert.ok(items.every((x) => x.exact), "a killed client's frames were exact");
          for (const { index, i } of items) {
            delivered.set(index, [...delivered.get(index) ?? [], i]);
          }
        }
        // A SIGKILL may land after the client replied and before its application got the
        // frame: per server and kill, at most the frame after the last one that client got
        // (a server has one request in flight).
        const lastGot = clients.map((child) => {
          const last = new Map<number, number>();
          for (const { index, i } of child.items()) {
            last.set(index, Math.max(i, last.get(index) ?? -1));
          }
          return last;
        });
        const counts = checkExactlyOnce(
          fleet.incarnations,
          delivered,
          (index, seq) => lastGot.some((last) => last.get(index) === seq - 1),
        );
        console.log(`  ${rounds} restarts, ${counts.delivered} delivered, ${counts.acked} acked`);
        const lastInfo = receiver.client.servers;
        assert.ok(lastInfo.every((s) => s.goneReason === "terminated" && s.frames >= 5));
      } finally {
        await receiver?.client.close();
        await Promise.all(clients.map((c) => c.dispose()));
        await fleet.dispose();
      }
    });
  });
}

Deno.test("churn: 16 server ports, servers joining and leaving (SIGTERM or SIGKILL) at random: the live set follows, acknowledged frames arrive exactly once", async () => {
  await seeded("churn", async (random) => {
    const ports = freePorts(16);
    const fleet = new Fleet(1, placeFor("tcp"));
    let receiver: Receiver | undefined;
    try {
      for (const port of ports.filter(() => random.float() < 0.5)) {
        fleet.spawn(port, random.pick([10, 30, 60]));
      }
      if (fleet.incarnations.length < 4) {
        for (const port of ports.filter((p) => !fleet.on(p)).slice(0, 4)) fleet.spawn(port, 30);
      }
      await Promise.all(fleet.incarnations.map((s) => s.process.ready()));
      receiver = new Receiver(ports, 1, fleet.place, (i) => fleet.incarnations[i]?.port);
      const duration = LONG ? 300_000 : 20_000;
      const started = performance.now();
      for (let step = 0; performance.now() - started < duration && step < 100_000; step++) {
        await delay(random.between(150, 600));
        const port = random.pick(ports);
        const server = fleet.on(port);
        if (!server) fleet.spawn(port, random.pick([10, 30, 60]));
        else if (fleet.healthy().length > 4 && fleet.healthy().includes(server)) {
          fleet.end(server, random.float() < 0.6 ? "SIGTERM" : "SIGKILL");
        }
      }
      // Every listed camera is started at some point: one never started is waited for.
      for (const port of ports.filter((p) => !fleet.incarnations.some((s) => s.port === p))) {
        fleet.spawn(port, 30);
      }
      const { joins, leaves } = await finish(fleet, receiver);
      const counts = checkExactlyOnce(fleet.incarnations, receiver.delivered);
      const kills = fleet.incarnations.filter((s) => s.how === "SIGKILL").length;
      console.log(
        `  ${fleet.incarnations.length} servers (${kills} SIGKILLed), ${joins} joins, ` +
          `${leaves} leaves, ${counts.delivered} frames delivered, ${counts.acked} acknowledged`,
      );
      assert.ok(fleet.incarnations.length >= 16 + 8, "servers came and went");
      for (const info of receiver.client.servers) {
        const frames = fleet.incarnations.filter((s) => s.port === Number(info.port))
          .reduce((sum, s) => sum + (receiver!.delivered.get(s.index)?.length ?? 0), 0);
        assert.equal(info.frames, frames, `port ${info.port}: frames counted`);
      }
    } finally {
      await receiver?.client.close();
      await fleet.dispose();
    }
  });
});

for (const pattern of [0, 1, 2] as const) {
  Deno.test(`pattern ${pattern}: close() while a send() waits for a receiver that never comes returns, and the send() settles`, async () => {
    const port = freePort();
    const server = new NetGear({ address: "127.0.0.1", port, pattern, requestTimeout: 30 });
    const sending = server.send(createFrame(new Uint8Array(3), [3])).then(
      () => "resolved",
      (error: Error) => `rejected: ${error.message}`,
    );
    await delay(100); // the send is waiting: for the reply, or (pattern 2) for a subscriber
    await within(server.close(), 5000, "close()");
    const outcome = await within(sending, 5000, "the pending send()");
    assert.ok(outcome === "resolved" || /closed/i.test(outcome), outcome);
    await assert.rejects(server.send(createFrame(new Uint8Array(3), [3])), NetGearError);
  });
}

Deno.test("pattern 2: a slow client whose queue is full survives its server's SIGKILL and still delivers every frame that reached it (with ZMTP heartbeats libzmq 4.3 dropped them, or aborted)", async () => {
  const port = freePort();
  const server = NetGearProcess.server({
    port,
    pattern: 2,
    frames: 300,
    intervalMs: 0,
    index: 0,
    hold: true,
  });
  const client = NetGearProcess.client({
    ports: [port],
    pattern: 2,
    livenessTimeout: LIVENESS_MS / 1000,
    delayMs: 20, // the application is far slower than the server: every queue fills up
  });
  try {
    await Promise.all([server.ready(), client.ready()]);
    await server.waitFor(() => server.sent === 300, 15_000, "the server's burst");
    await delay(200); // its I/O thread hands the last bytes to the kernel
    server.kill("SIGKILL"); // the connection closes while the client's input is stopped
    // The client goes on with what it queued, then ends by itself; it must not abort.
    const code = await client.exitCode(30_000);
    assert.equal(code, 0, "the client process exit code");
    // Everything that reached the client's host is delivered, exact and in order.
    const items = client.items();
    assert.ok(items.every((x) => x.exact));
    assert.deepEqual(items.map((x) => x.i), Array.from({ length: 300 }, (_, k) => k));
    assert.ok(client.lines.some((l) => l.end === true));
  } finally {
    await client.dispose();
    await server.dispose();
  }
});
