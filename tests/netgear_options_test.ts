// NetGear's options, resolved without opening a socket: ports keep their type but lose their
// spaces, refusals name what was given and suggest only what would work, and maxMessageSize
// is a receiver's positive integer.

import assert from "node:assert/strict";
import { NetGearError } from "../src/errors.ts";
import { resolveOptions } from "../src/netgear/options.ts";

const MULTI_SERVER_CLIENT = { receiveMode: true, multiserverMode: true, pattern: 1 } as const;

Deno.test("ports given with spaces come back trimmed, strings as strings and numbers as numbers", () => {
  assert.deepEqual(resolveOptions({ ...MULTI_SERVER_CLIENT, port: [" 6319", 6320] }).ports, [
    "6319",
    6320,
  ]);
  assert.deepEqual(resolveOptions({ receiveMode: true, port: " 5566 " }).ports, ["5566"]);
  assert.deepEqual(resolveOptions({ receiveMode: true, port: 5566 }).ports, [5566]);
});

Deno.test("a port given twice, once with spaces, is refused as a repeat", () => {
  assert.throws(
    () => resolveOptions({ ...MULTI_SERVER_CLIENT, port: [" 6319", "6319"] }),
    /ports must differ/,
  );
});

Deno.test("an option given under both its names says both spellings", () => {
  assert.throws(
    () => resolveOptions({ receive_mode: true, receiveMode: true }),
    (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.equal(
        e.message,
        'NetGear option "receiveMode" is given twice (as "receive_mode" and "receiveMode"): give it once',
      );
      return true;
    },
  );
  assert.throws(
    () => resolveOptions({ maxRetries: 1, max_retries: 2 }),
    {
      message:
        'NetGear option "maxRetries" is given twice (as "maxRetries" and "max_retries"): give it once',
    },
  );
});

for (const multi of ["multiserverMode", "multiclientMode"] as const) {
  Deno.test(`an unknown pattern with ${multi} suggests only the patterns it takes`, () => {
    assert.throws(
      () => resolveOptions({ port: [5566], pattern: 3 as 1, [multi]: true }),
      (e: unknown) => {
        assert.ok(e instanceof RangeError);
        assert.equal(
          e.message,
          `Cannot use pattern 3 with ${multi}: use 1 (REQ/REP) or 2 (PUB/SUB)`,
        );
        return true;
      },
    );
  });
}

Deno.test("an unknown pattern outside the multi modes suggests all three", () => {
  assert.throws(() => resolveOptions({ port: 5566, pattern: 3 as 1 }), {
    name: "RangeError",
    message: "Cannot use pattern 3: use 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB)",
  });
});

Deno.test("maxMessageSize is off unless given, and a receiver takes it under either name", () => {
  assert.equal(resolveOptions({ receiveMode: true }).maxMessageSize, undefined);
  assert.equal(
    resolveOptions({ receiveMode: true, maxMessageSize: 1 << 20 }).maxMessageSize,
    1 << 20,
  );
  assert.equal(resolveOptions({ receive_mode: true, max_message_size: 4096 }).maxMessageSize, 4096);
  assert.equal(
    resolveOptions({ ...MULTI_SERVER_CLIENT, port: [5566], maxMessageSize: 1 }).maxMessageSize,
    1,
  );
});

Deno.test("maxMessageSize on a sender is refused: it caps what a receiver accepts", () => {
  for (
    const options of [{ maxMessageSize: 4096 }, { receiveMode: false, max_message_size: 4096 }]
  ) {
    assert.throws(() => resolveOptions(options), (e: unknown) => {
      assert.ok(e instanceof NetGearError);
      assert.match(e.message, /^Cannot use maxMessageSize on a sender: .*set it on the receiver$/);
      return true;
    });
  }
});

Deno.test("maxMessageSize takes only a positive integer of bytes", () => {
  for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(
      () => resolveOptions({ receiveMode: true, maxMessageSize: size }),
      (e: unknown) => {
        assert.ok(e instanceof RangeError, `${size}: ${e}`);
        assert.equal(
          e.message,
          `Cannot use maxMessageSize ${size}: use a positive integer (bytes), or leave it out for no cap`,
        );
        return true;
      },
    );
  }
  assert.throws(
    () => resolveOptions({ receiveMode: true, maxMessageSize: "4096" }),
    {
      name: "TypeError",
      message: /Cannot use "4096" for NetGear option "maxMessageSize": it takes a number/,
    },
  );
});
