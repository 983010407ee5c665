// The server roster on its own, with a clock of the test's: every rule of the lifecycle, and the
// monitor events it reads (as libzmq reports them for a bound socket: the bound endpoint, and
// the connection's descriptor as the value).

import assert from "node:assert/strict";
import { ServerRoster } from "../src/netgear/roster.ts";
import type { ServerEvent } from "../src/netgear/types.ts";
import { MonitorEvent, type MonitorEventRecord } from "../src/zmq/mod.ts";

function setup(options: { livenessTimeoutMs?: number; waitTimeoutMs?: number } = {}) {
  let now = 1_000_000;
  const events: string[] = [];
  const logs: string[] = [];
  const roster = new ServerRoster([5566, "5567"], {
    livenessTimeoutMs: options.livenessTimeoutMs ?? 5000,
    waitTimeoutMs: options.waitTimeoutMs,
    log: (text) => logs.push(text),
    onEvent: (e: ServerEvent) =>
      events.push(`${e.type}:${e.port}${e.reason ? `:${e.reason}` : ""}`),
    now: () => now,
  });
  const advance = (ms: number) => {
    now += ms;
    roster.expire();
  };
  const state = () => roster.servers.map((s) => `${s.port}:${s.state}`).join(" ");
  return { roster, events, logs, advance, state };
}

function connection(event: "ACCEPTED" | "DISCONNECTED", port: number, fd: number) {
  return {
    event: MonitorEvent[event],
    name: event,
    value: fd,
    endpoint: `tcp://127.0.0.1:${port}`,
  } satisfies MonitorEventRecord;
}

Deno.test("roster: listed servers wait without limit by default, and the receiver is not done", () => {
  const { roster, advance, state, logs } = setup();
  advance(3_600_000); // an hour
  assert.equal(state(), "5566:waiting 5567:waiting");
  assert.equal(roster.done, false);
  assert.ok(logs.some((l) => /waiting for servers 5566, 5567/.test(l)), "a reminder was logged");
  assert.ok(logs.length < 10, `reminders now and then, not a flood: ${logs.length}`);
  assert.equal(roster.nextDeadline(250), 30_000, "the next reminder is due in 30 s");
});

Deno.test("roster: waitTimeout ends the wait for servers that never joined", () => {
  const { roster, advance, state, events } = setup({ waitTimeoutMs: 10_000 });
  roster.connection(connection("ACCEPTED", 5566, 17));
  roster.frame(5566, 10, "hi", undefined);
  advance(9_999);
  assert.equal(state(), "5566:live 5567:waiting");
  advance(1);
  assert.equal(state(), "5566:live 5567:gone");
  assert.deepEqual(events, ["join:5566", "leave:5567:never-joined"]);
  assert.equal(roster.done, false, "5566 is still live");
});

Deno.test("roster: a connected server stays live however long it is silent; a lost connection leaves after livenessTimeout", () => {
  const { roster, advance, state, events } = setup();
  roster.connection(connection("ACCEPTED", 5566, 17));
  roster.frame("5566", 10, null, "127.0.0.1");
  advance(60_000);
  assert.equal(state(), "5566:live 5567:waiting");
  assert.equal(roster.servers[0].connected, true);
  assert.equal(roster.nextDeadline(250), 250, "a live server's connection is looked at often");
  roster.connection(connection("DISCONNECTED", 5566, 17));
  advance(4_999);
  assert.equal(state(), "5566:live 5567:waiting");
  advance(1);
  assert.equal(state(), "5566:gone 5567:waiting");
  assert.deepEqual(events, ["join:5566", "leave:5566:timeout"]);
});

Deno.test("roster: a server restarted within livenessTimeout stays live; a frame after leaving joins again", () => {
  const { roster, advance, state, events } = setup();
  roster.connection(connection("ACCEPTED", 5566, 17));
  roster.frame(5566, 10, null, undefined);
  roster.connection(connection("DISCONNECTED", 5566, 17));
  advance(3_000);
  roster.connection(connection("ACCEPTED", 5566, 21)); // the restarted server
  advance(10_000);
  assert.equal(state(), "5566:live 5567:waiting");
  roster.terminated(5566);
  roster.frame(5566, 10, null, undefined);
  assert.deepEqual(events, ["join:5566", "leave:5566:terminated", "join:5566"]);
});

Deno.test("roster: a descriptor reused on another port moves with its connection", () => {
  const { roster, advance, state } = setup();
  roster.connection(connection("ACCEPTED", 5566, 17));
  roster.frame(5566, 10, null, undefined);
  // The DISCONNECTED of fd 17 was missed; fd 17 now is a connection to 5567.
  roster.connection(connection("ACCEPTED", 5567, 17));
  advance(5_000);
  assert.equal(state(), "5566:gone 5567:waiting");
  assert.equal(roster.servers[1].connected, true);
});

Deno.test("roster: frames count as a connection when the monitor has not told (or never tells) of one", () => {
  const { roster, advance, state } = setup();
  roster.frame(5566, 10, null, undefined);
  advance(4_000);
  roster.frame(5566, 10, null, undefined);
  advance(4_000);
  assert.equal(state(), "5566:live 5567:waiting");
  advance(1_000);
  assert.equal(state(), "5566:gone 5567:waiting");
});

Deno.test("roster: only listed ports count, in any spelling; the receiver is done when none is live or waiting", () => {
  const { roster, state } = setup({ livenessTimeoutMs: 0 });
  assert.equal(roster.lists(" 5566"), true);
  assert.equal(roster.lists(5567), true);
  assert.equal(roster.lists(9999), false);
  roster.frame(9999, 10, null, undefined);
  roster.terminated(9999);
  roster.connection(connection("ACCEPTED", 9999, 30));
  assert.equal(roster.servers.length, 2);
  roster.frame("5566", 10, null, undefined);
  roster.frame(5567, 10, null, undefined);
  roster.terminated(5566);
  assert.equal(roster.done, false);
  roster.terminated("5567");
  assert.equal(state(), "5566:gone 5567:gone");
  assert.equal(roster.done, true);
});
