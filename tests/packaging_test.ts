// The package as others get it: imported from a URL by a project with its own deno.json (no import
// map of ours), published to JSR (dry run), documented per entry point, compiled to a standalone
// `netgear`, and installed as a `netgear` command with `deno install -g`.

import assert from "node:assert/strict";
import { freePort } from "./_endpoints.ts";
import { serveRepo } from "./_serve_repo.ts";
import { PERMISSIONS } from "./_cli.ts";
import { VERSION } from "../src/cli/version.ts";
import { ZEROMQ_PACKAGE } from "../src/_deps/zeromq.ts";

const ROOT = new URL("../", import.meta.url);
const CONFIG = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
  exports: Record<string, string>;
  imports: Record<string, string>;
};
/** Each entry point: `["./zmq", "src/zmq/mod.ts"]`. */
const ENTRIES = Object.entries(CONFIG.exports).map(([name, path]) => [name, path.slice(2)]);
const decoder = new TextDecoder();

/** Runs `deno <args>` in `cwd`, without colours; killed after `seconds`. */
async function deno(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; seconds?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd ?? ROOT.pathname,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout((options.seconds ?? 120) * 1000),
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A consumer's program: imports every entry point by URL and uses each a little. */
function consumerSource(origin: string): string {
  const url = (entry: string) => `${origin}/${ENTRIES.find(([name]) => name === entry)![1]}`;
  const all = ENTRIES.map(([, path], i) => `import * as entry${i} from "${origin}/${path}";`);
  return `
import { createFrame, NetGear } from "${url(".")}";
import { libzmqInfo } from "${url("./zmq")}";
import { jpegCodec } from "${url("./codec")}";
import { buildMontages } from "${url("./montage")}";
import { SyntheticSource } from "${url("./capture")}";
import { startViewer } from "${url("./viewer")}";
import { generateKeys } from "${url("./secure")}";
import { main } from "${url("./cli")}";
${all.join("\n")}

const port = Number(Deno.args[0]);
const dir = Deno.args[1];
const exportCounts = [${ENTRIES.map((_, i) => `Object.keys(entry${i}).length`).join(", ")}];

await using source = new SyntheticSource({ width: 64, height: 48, maxFrames: 1, realtime: false });
const frame = (await source.read())!;
await using client = new NetGear({ address: "127.0.0.1", port, pattern: 0, receiveMode: true });
await using server = new NetGear({ address: "127.0.0.1", port, pattern: 0 });
await server.send(frame, { message: "from a URL" });
const item = (await client.recv())!;

using codec = await jpegCodec();
const decoded = codec.decode(codec.encode(createFrame(new Uint8Array(16 * 8 * 3), [8, 16, 3])));
const [montage] = buildMontages([item.frame, item.frame], [32, 24], [2, 1]);
const viewer = await startViewer();
const page = await fetch(viewer.url);
await page.body?.cancel();
await viewer.close();
const keys = generateKeys(dir);
const cliCode = await main(["--version"]); // prints "netgear <version>"

console.log(JSON.stringify({
  exportCounts,
  libzmq: libzmqInfo().version,
  libzmqSource: libzmqInfo().source,
  shape: item.frame.shape,
  message: item.message,
  jpeg: decoded.shape,
  montage: montage.shape,
  viewer: page.status,
  publicKey: keys.serverPublicKey.length,
  cliCode,
}));
`;
}

Deno.test({
  name: "a project with its own deno.json imports every entry point from a URL, no import map",
  sanitizeResources: false, // the consumer's remote modules are fetched by a child process
  async fn() {
    await using server = serveRepo();
    const dir = await Deno.makeTempDir({ prefix: "netgear-consumer-" });
    try {
      // Its own (empty) import map; no lockfile, as the served files may change between runs.
      await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: {}, lock: false }));
      await Deno.writeTextFile(`${dir}/main.ts`, consumerSource(server.origin));
      const remote = [`--allow-import=${server.host}`, `--reload=${server.origin}`];
      const checked = await deno(["check", ...remote, "main.ts"], { cwd: dir, seconds: 240 });
      assert.equal(checked.code, 0, `deno check failed:\n${checked.stderr}`);
      // As installed (the system's libzmq here), then on the npm zeromq package's copy, which a
      // consumer finds in Deno's cache with no setup either.
      for (const libzmq of [undefined, "bundled"]) {
        const run = await deno(
          [
            "run",
            ...remote,
            "--allow-ffi",
            "--allow-read",
            `--allow-write=${dir}`,
            "--allow-env",
            "--allow-net=127.0.0.1",
            "main.ts",
            String(freePort()),
            dir,
          ],
          { cwd: dir, seconds: 120, env: libzmq ? { NETGEAR_LIBZMQ: libzmq } : {} },
        );
        assert.equal(run.code, 0, `the consumer failed (NETGEAR_LIBZMQ=${libzmq}):\n${run.stderr}`);
        const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
        assert.ok(
          result.exportCounts.every((n: number) => n > 0),
          `an entry point exports nothing: ${result.exportCounts}`,
        );
        assert.equal(result.exportCounts.length, ENTRIES.length);
        assert.ok(result.libzmq[0] >= 4);
        if (libzmq) assert.equal(result.libzmqSource, "bundled");
        assert.deepEqual(result.shape, [48, 64, 3]);
        assert.equal(result.message, "from a URL");
        assert.deepEqual(result.jpeg, [8, 16, 3]);
        assert.deepEqual(result.montage, [24, 64, 3]);
        assert.equal(result.viewer, 200);
        assert.equal(result.publicKey, 40);
        assert.equal(result.cliCode, 0);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("each entry point passes deno doc --lint on its own", async () => {
  for (const [name, path] of ENTRIES) {
    const { code, stdout, stderr } = await deno(["doc", "--lint", path]);
    assert.equal(code, 0, `deno doc --lint ${path} (${name}):\n${stdout}${stderr}`);
  }
});

Deno.test("deno publish --dry-run ships only the library, with no warnings", async () => {
  const { code, stderr, stdout } = await deno(["publish", "--dry-run", "--allow-dirty"], {
    seconds: 240,
  });
  const text = stdout + stderr;
  assert.equal(code, 0, text);
  assert.doesNotMatch(text, /warning/i);
  const listed = [...text.matchAll(/^\s+(file:\/\/\S+) \(/gm)]
    .map((m) => decodeURIComponent(new URL(m[1]).pathname).slice(ROOT.pathname.length));
  assert.ok(listed.length > 0, `no file listed:\n${text}`);
  for (const [, path] of ENTRIES) assert.ok(listed.includes(path), `${path} is not published`);
  for (const path of listed) {
    assert.match(path, /^(LICENSE|README\.md|deno\.json|mod\.ts|cli\.ts|src\/|docs\/)/);
    assert.doesNotMatch(path, /_test\.ts$/);
  }
});

Deno.test("the library's zeromq is the one deno.json makes deno install fetch", () => {
  assert.equal(CONFIG.imports.zeromq, ZEROMQ_PACKAGE);
});

/** The files under `dir` (a path relative to the repo) whose names end with one of `exts`. */
function filesUnder(dir: string, exts: string[]): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, ROOT))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...filesUnder(path, exts));
    else if (exts.some((ext) => entry.name.endsWith(ext))) files.push(path);
  }
  return files;
}

Deno.test("each npm package has one version across the source, tools and deno.json", () => {
  const files = ["deno.json", "mod.ts", "cli.ts", ...filesUnder("src", [".ts", ".js"])];
  files.push(...filesUnder("tools", [".ts"]), ...filesUnder("tests", [".ts"]));
  const versions = new Map<string, Map<string, string>>(); // name → version → a file naming it
  for (const file of files) {
    const text = Deno.readTextFileSync(new URL(file, ROOT));
    for (const [, name, version] of text.matchAll(/npm:(@?[\w.-]+(?:\/[\w.-]+)?)@(\d[\w.-]*)/g)) {
      if (!versions.has(name)) versions.set(name, new Map());
      versions.get(name)!.set(version, file);
    }
  }
  assert.ok(versions.has("zeromq") && versions.has("@msgpack/msgpack"));
  for (const [name, seen] of versions) {
    const where = [...seen].map(([version, file]) => `${version} in ${file}`).join(", ");
    assert.equal(seen.size, 1, `npm:${name} has more than one version: ${where}`);
  }
});

/**
 * The npm packages in a `deno compile` listing, by name, with their sizes in bytes: the lines
 * under `.deno_compile_node_modules`, such as `│   └── zeromq/6.8.0/* (14MB)`.
 */
function embeddedPackages(listing: string): Map<string, number> {
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  const lines = listing.split("\n");
  const start = lines.findIndex((line) => line.includes(".deno_compile_node_modules"));
  const packages = new Map<string, number>();
  for (const line of lines.slice(start + 1)) {
    if (/^[├└]/.test(line)) break; // the next top-level entry
    const m = line.match(/── (\S+?)\/\* \(([\d.]+)(B|KB|MB|GB)/);
    if (m) packages.set(m[1].replace(/\/\d[^/]*$/, ""), Number(m[2]) * units[m[3]]);
  }
  return packages;
}

/** The bytes of every file under `path`. */
function treeSize(path: string): number {
  const info = Deno.statSync(path);
  if (!info.isDirectory) return info.size;
  let total = 0;
  for (const entry of Deno.readDirSync(path)) total += treeSize(`${path}/${entry.name}`);
  return total;
}

Deno.test({
  name: "deno task compile embeds the CLI's packages and only this platform's libzmq",
  async fn() {
    // deno compile cannot download its runtime here: DENORT_BIN lends it this deno binary as
    // the base, which is enough to see what it embeds (the result is not run).
    const dir = await Deno.makeTempDir({ prefix: "netgear-compile-listing-" });
    try {
      const { code, stdout, stderr } = await deno(
        ["task", "--quiet", "compile", "--no-check", "--output", `${dir}/netgear`],
        { env: { DENORT_BIN: Deno.execPath() }, seconds: 300 },
      );
      const listing = stdout + stderr;
      assert.equal(code, 0, listing);
      const packages = embeddedPackages(listing);
      assert.deepEqual([...packages.keys()].sort(), ["@msgpack/msgpack", "imagescript", "zeromq"]);
      const resolved = import.meta.resolve(`${ZEROMQ_PACKAGE}/package.json`);
      const zeromq = new URL(".", resolved).pathname;
      const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
      const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
      const expected = treeSize(`${zeromq}build/${os}/${arch}`) + treeSize(`${zeromq}package.json`);
      const embedded = packages.get("zeromq")!;
      // The listing rounds to 2 decimals of its unit (KiB, MiB).
      assert.ok(
        Math.abs(embedded - expected) < 0.02 * expected,
        `zeromq embeds ${embedded} bytes, its ${os}/${arch} builds are ${expected}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("deno install -g gives a netgear command that works offline", async () => {
  const root = await Deno.makeTempDir({ prefix: "netgear-install-" });
  try {
    const installed = await deno([
      "install",
      "--global",
      "--root",
      root,
      "--name",
      "netgear",
      ...PERMISSIONS,
      "cli.ts",
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    const netgear = `${root}/bin/netgear${Deno.build.os === "windows" ? ".cmd" : ""}`;
    const run = async (args: string[]) => {
      const out = await new Deno.Command(netgear, {
        args,
        cwd: root,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      return {
        code: out.code,
        stdout: decoder.decode(out.stdout),
        stderr: decoder.decode(out.stderr),
      };
    };
    const help = await run(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: netgear <command>/);
    const version = await run(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), `netgear ${VERSION}`);
    // One frame from an installed sender to an installed receiver.
    const port = freePort();
    const recv = run(["recv", "--address", "127.0.0.1", "--ports", String(port), "--json"]);
    const send = await run(["send", "--port", String(port), "--frames", "3", "--size", "64x48"]);
    assert.equal(send.code, 0, send.stderr);
    const received = await recv;
    assert.equal(received.code, 0, received.stderr);
    assert.match(received.stdout, new RegExp(`"port":\\s*${port}`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
