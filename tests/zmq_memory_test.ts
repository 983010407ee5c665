import assert from "node:assert/strict";
import { tuneMemory } from "../src/zmq/mod.ts";
import { freePort } from "./_endpoints.ts";
import { evalIn } from "./_eval.ts";
import { skipIf } from "./_skip.ts";

// tuneMemory() changes the whole process, once: each case runs in a fresh Deno.
const zmqModule = new URL("../src/zmq/mod.ts", import.meta.url).href;
const rootModule = new URL("../mod.ts", import.meta.url).href;
const MIB = 1024 * 1024;
const glibc = Deno.build.os === "linux" &&
  (await evalIn(
      {},
      "Deno.dlopen('libc.so.6', { gnu_get_libc_version: { parameters: [], result: 'pointer' } })",
    ))
      .exit === 0;

Deno.test({
  name: "tuneMemory raises glibc's malloc thresholds, once per process",
  ignore: skipIf(import.meta.url, glibc ? undefined : "tuneMemory() tunes glibc's malloc only"),
  fn: async () => {
    const { out, err, exit } = await evalIn(
      {},
      `import { tuneMemory } from "${zmqModule}";
       const first = tuneMemory();
       console.log(JSON.stringify({ first, again: tuneMemory({ mmapThreshold: 0 }) === first }));`,
    );
    assert.equal(exit, 0, err);
    const { first, again } = JSON.parse(out);
    assert.equal(first.applied, true, first.detail);
    assert.equal(first.mmapThreshold, 32 * MIB);
    assert.equal(first.trimThreshold, 64 * MIB);
    assert.match(first.detail, /^glibc \d+\.\d+: mmap threshold 32 MiB, trim threshold 64 MiB$/);
    assert.equal(again, true);
  },
});

Deno.test({
  name: "tuneMemory leaves malloc alone when the environment already tunes it",
  ignore: skipIf(import.meta.url, glibc ? undefined : "tuneMemory() tunes glibc's malloc only"),
  fn: async () => {
    for (
      const [env, why] of [
        [{ GLIBC_TUNABLES: "glibc.malloc.trim_threshold=1000000" }, /GLIBC_TUNABLES/],
        [{ MALLOC_MMAP_THRESHOLD_: "1000000" }, /MALLOC_MMAP_THRESHOLD_/],
      ] as const
    ) {
      const { out, err, exit } = await evalIn(
        env,
        `import { tuneMemory } from "${zmqModule}"; console.log(JSON.stringify(tuneMemory()));`,
      );
      assert.equal(exit, 0, err);
      const result = JSON.parse(out);
      assert.equal(result.applied, false);
      assert.match(result.detail, why);
    }
  },
});

Deno.test("tuneMemory refuses thresholds glibc cannot take, before changing anything", () => {
  assert.throws(
    () => tuneMemory({ mmapThreshold: 64 * MIB }),
    /mmapThreshold must be .* 0 to 33554432/,
  );
  assert.throws(() => tuneMemory({ trimThreshold: -1 }), RangeError);
  assert.throws(() => tuneMemory({ trimThreshold: 1.5 }), RangeError);
});

Deno.test({
  name: "NetGear tunes malloc by default, and not with tuneMemory: false",
  ignore: skipIf(import.meta.url, glibc ? undefined : "tuneMemory() tunes glibc's malloc only"),
  fn: async () => {
    for (const tune of [undefined, false]) {
      const { err, exit } = await evalIn(
        {},
        `import { NetGear } from "${rootModule}";
         const client = new NetGear({ address: "127.0.0.1", port: ${freePort()}, pattern: 1,
           receiveMode: true, logging: true${tune === undefined ? "" : ", tuneMemory: false"} });
         await client.close();`,
      );
      assert.equal(exit, 0, err);
      if (tune === false) assert.doesNotMatch(err, /malloc/);
      else assert.match(err, /malloc tuned for large frames: glibc/);
    }
  },
});
