// Smoke test of the NetGear benchmark: a --quick run with two server counts over tcp and ipc
// must end by itself and write a well-formed JSON with every row. No figure is asserted: a
// benchmark measures, and this machine is shared.

import assert from "node:assert/strict";
import { within } from "./_endpoints.ts";
import { MODES, type NetgearBenchResult } from "../bench/netgear_bench.ts";
import type { MachineInfo } from "../bench/_report.ts";

const MAIN = new URL("../bench/main.ts", import.meta.url).pathname;
// 1 and 4 servers bring pyzmq's same-shape ceilings (when pyzmq is here), 4 the rows of the
// copying receive.
const SERVERS = [1, 4];
const TRANSPORTS = ["tcp", "ipc"] as const;

Deno.test("the NetGear benchmark's quick run writes every row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "netgear-bench-smoke-" });
  try {
    const { code, stdout, stderr } = await within(
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-ffi",
          "--allow-read",
          "--allow-env",
          "--allow-run",
          "--allow-write",
          "--allow-net=127.0.0.1",
          "--allow-sys",
          MAIN,
          "--only",
          "netgear",
          "--quick",
          "--servers",
          SERVERS.join(","),
          "--transports",
          TRANSPORTS.join(","),
          "--long",
          "400",
          "--out",
          dir,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output(),
      120_000,
      "the quick benchmark",
    );
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr).slice(-3000));
    assert.match(text, /NetGear multi-server/);
    assert.match(text, /targets \(tcp\):/);

    const { machine, results } = JSON.parse(await Deno.readTextFile(`${dir}/netgear.json`)) as {
      machine: MachineInfo;
      results: NetgearBenchResult;
    };
    for (const key of ["date", "cpu", "os", "deno", "libzmq"] as const) {
      assert.equal(typeof machine[key], "string", `machine.${key}`);
      assert.ok(machine[key].length > 0, `machine.${key} is empty`);
    }
    assert.ok(machine.cores >= 1);

    for (const transport of TRANSPORTS) {
      const ours = results.ceiling["deno-ffi"][transport];
      assert.ok(ours, `no ${transport} ceiling`);
      assert.ok(ours.pushPull.msgsPerSec > 0 && ours.reqRep.p50us > 0);
    }
    // pyzmq in NetGear's shape, 160 frames in all as every case: each sender sends its share.
    const pyzmq = "pyzmq" in results.ceiling;
    assert.equal(results.shapes.length, pyzmq ? TRANSPORTS.length * SERVERS.length : 0);
    for (const shape of results.shapes) {
      for (const raw of [shape.pattern1, shape.pattern2]) {
        assert.equal(raw.received, Math.max(20, Math.ceil(160 / shape.servers)) * shape.servers);
        assert.ok(raw.msgsPerSec > 0 && raw.senderCpuUs > 0, JSON.stringify(shape));
      }
    }

    const copyRows = 2; // the lossless modes at 4 servers
    assert.equal(
      results.multiServer.length,
      TRANSPORTS.length * (MODES.length * SERVERS.length + copyRows),
    );
    const cases = (mode: string, servers: number) =>
      mode !== "pattern 2 latest" && servers === 4 ? ["default", "copy"] : ["default"];
    for (const transport of TRANSPORTS) {
      for (const mode of MODES) {
        for (const servers of SERVERS) {
          for (const receive of cases(mode, servers)) {
            const row = results.multiServer.find((r) =>
              r.transport === transport && r.mode === mode && r.servers === servers &&
              r.receive === receive
            );
            assert.ok(row, `no row for ${transport} ${mode} x${servers} ${receive}`);
            assert.ok(row.serverCpuUs > 0, JSON.stringify(row));
            if (pyzmq) {
              assert.ok(row.ofShape! > 0 && row.shapeSenderCpuUs! > 0, JSON.stringify(row));
            }
            assert.ok(row.delivered > 0 && row.delivered <= row.sent, JSON.stringify(row));
            assert.equal(row.lost, row.sent - row.delivered);
            if (mode !== "pattern 2 latest") assert.equal(row.lost, 0, JSON.stringify(row));
            assert.ok(row.framesPerSec > 0 && row.mbPerSec > 0 && row.peakRssMB > 0);
            assert.ok(row.ofCeiling["deno-ffi"] > 0);
          }
        }
      }
    }

    assert.equal(results.roundTrip.length, TRANSPORTS.length * 2);
    for (const trip of results.roundTrip) {
      assert.ok(trip.p50us > 0 && trip.p99us >= trip.p50us, JSON.stringify(trip));
      assert.ok(trip.timesRaw["deno-ffi"] > 0);
    }

    assert.ok(results.longRun, "no long run");
    assert.equal(results.longRun.frames, 400);
    assert.ok(results.longRun.samples.length >= 10);
    assert.equal(results.targets.length, 12);
    assert.equal(results.targets.at(-1)!.value, results.longRun.growthMB);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
