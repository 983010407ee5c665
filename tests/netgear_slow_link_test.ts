// Two servers streaming 640x480 frames to one client over a real slow link: network namespaces
// of the test's own, joined by a veth pair rate-limited with tc tbf (tests/_slow_link.ts). The
// client and the servers run as processes inside the namespaces (bench/_slow_link_peer.ts).
// Asserts behaviour only (frames arrive from both, ages are reported, every process ends in
// time); `deno task bench --only slow-link` measures.
import assert from "node:assert/strict";
import { createSlowLink, slowLinkUnavailable } from "./_slow_link.ts";
import { skipIf } from "./_skip.ts";
import { runSlowLinkMode, SLOW_LINK_MODES } from "../bench/slow_link_bench.ts";

const ignore = skipIf(import.meta.url, await slowLinkUnavailable());
const SETTINGS = {
  seconds: 3,
  rateMbit: 20,
  servers: 2,
  fps: 30,
  size: [640, 480] as [number, number],
};

for (const name of ["live", "latest", "live-p1"]) {
  const mode = SLOW_LINK_MODES.find((m) => m.name === name)!;
  Deno.test({
    name:
      `slow link (20 Mbit/s tbf, namespaces): ${mode.label}: frames from both servers arrive, ages are reported, nothing stalls`,
    ignore,
    fn: async () => {
      const link = await createSlowLink({ rateMbit: SETTINGS.rateMbit });
      try {
        const row = await runSlowLinkMode(link, mode, SETTINGS);
        for (const [port, figures] of Object.entries(row.client.servers)) {
          assert.ok(figures.frames > 0, `frames from server ${port}: ${JSON.stringify(row)}`);
          assert.ok(Number.isFinite(figures.p50) && figures.p50 >= 0, `ages of ${port}`);
          const reported = row.client.reported[port];
          assert.ok(reported, `client.servers reports the frame age of ${port}`);
          assert.ok(reported.p99 >= reported.p50);
        }
        for (const server of row.servers) {
          assert.ok(server.frames > 0, `the server sent: ${JSON.stringify(server)}`);
          if (mode.live) {
            assert.ok(server.live, "a live server reports its rate control");
            assert.ok(server.live.quality >= 30 && server.live.quality <= 90);
          } else assert.equal(server.live, null);
        }
      } finally {
        await link.close();
      }
      // The namespaces are gone, also after a failure above.
      const { stdout } = await new Deno.Command("ip", { args: ["netns", "list"] }).output();
      const left = new TextDecoder().decode(stdout);
      assert.ok(!left.includes(link.clientNamespace) && !left.includes(link.serverNamespace));
    },
  });
}
