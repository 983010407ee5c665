/**
 * The recording benchmark: `servers` synthetic cameras (640x480x3 at 30 fps, the project's
 * moving test picture) recorded by one {@linkcode Recorder} for `seconds`. Prints each
 * encoder's CPU (its ffmpeg's user+system time over the run, from /proc, so Linux only), the
 * time `write()` takes (p50/p99), frames recorded and dropped, and the size of each file.
 *
 * Run: `deno run -A bench/record_bench.ts [--servers 2] [--seconds 10] [--preset ultrafast]`
 * (`--preset` other than the default sets libx264's preset through `encoderArgs`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { SyntheticSource } from "../src/capture/mod.ts";
import { Recorder } from "../src/record/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    servers: { type: "string", default: "2" },
    seconds: { type: "string", default: "10" },
    preset: { type: "string" },
  },
});
const servers = Number(values.servers);
const fps = 30;
const frames = Math.round(Number(values.seconds) * fps);
const directory = Deno.makeTempDirSync({ prefix: "netgear-record-bench-" });
const recorder = new Recorder({
  directory,
  encoderArgs: values.preset === undefined ? undefined : [
    ...["-c:v", "libx264", "-preset", values.preset, "-tune", "zerolatency"],
    ...["-crf", "23", "-pix_fmt", "yuv420p"],
  ],
});
const sources = Array.from(
  { length: servers },
  (_, s) => new SyntheticSource({ name: `cam ${s}`, fps, maxFrames: frames }),
);
const writeMs: number[] = [];
const start = performance.now();
await Promise.all(sources.map(async (source, s) => {
  for await (const frame of source) {
    const before = performance.now();
    recorder.write(5566 + s, frame);
    writeMs.push(performance.now() - before);
  }
}));
const seconds = (performance.now() - start) / 1000;
// The encoders' CPU so far: utime + stime (fields 14 and 15 of /proc/<pid>/stat), in ticks.
const pgrep = await new Deno.Command("pgrep", {
  args: ["-P", String(Deno.pid), "-x", "ffmpeg"],
  stdout: "piped",
}).output();
const cpu = new TextDecoder().decode(pgrep.stdout).trim().split("\n").filter(Boolean).map((pid) => {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100 / seconds;
});
await recorder.close();
writeMs.sort((a, b) => a - b);
const at = (q: number) => writeMs[Math.min(writeMs.length - 1, Math.floor(q * writeMs.length))];
const { recorded, dropped, encoder } = recorder.stats;
console.log(
  `${servers} servers x 640x480 at ${fps} fps for ${seconds.toFixed(1)} s, ` +
    `${encoder}${values.preset ? ` preset ${values.preset}` : " (default settings)"}`,
);
console.log(`encoder CPU per server: ${cpu.map((c) => `${(c * 100).toFixed(0)}%`).join(", ")}`);
console.log(`write(): p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`);
console.log(`recorded ${recorded} of ${servers * frames}, dropped ${JSON.stringify(dropped)}`);
for (const entry of Deno.readDirSync(directory)) {
  const bytes = Deno.statSync(`${directory}/${entry.name}`).size;
  console.log(`${entry.name}: ${(bytes / 1e6).toFixed(2)} MB`);
}
Deno.removeSync(directory, { recursive: true });
