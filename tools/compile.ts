// `deno task compile [--target TRIPLE] [--output FILE] [deno compile flags…]`: the standalone
// `netgear` executable.
//
// What it embeds: cli.ts and the modules it imports; the npm packages those import (msgpack,
// imagescript with only the target's native codec); and the libzmq builds inside the npm zeromq
// package for the target platform only, so that the executable runs where no libzmq is installed.
// Not embedded: the packages only this repo's deno.json names (playwright-core for the tests),
// zeromq's JavaScript, C++ sources and build tools (cmake-ts, node-addon-api), other platforms'
// builds. The executable gets the permissions of `deno task netgear`.
//
// It needs the npm zeromq package in Deno's cache (`deno install` fetches it) and, like any
// `deno compile`, the Deno runtime for the target (downloaded once, or DENORT_BIN).

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveZeromqPackageJson, ZEROMQ_PACKAGE } from "../src/_deps/zeromq.ts";

const ROOT = new URL("../", import.meta.url);

/** The npm packages' names for a `deno compile --target` platform. */
interface Platform {
  /** Node's `process.platform`: `linux`, `darwin` or `win32`. */
  os: string;
  /** Node's `process.arch`: `x64` or `arm64`. */
  arch: string;
}

const TARGETS: Record<string, Platform> = {
  "x86_64-unknown-linux-gnu": { os: "linux", arch: "x64" },
  "aarch64-unknown-linux-gnu": { os: "linux", arch: "arm64" },
  "x86_64-apple-darwin": { os: "darwin", arch: "x64" },
  "aarch64-apple-darwin": { os: "darwin", arch: "arm64" },
  "x86_64-pc-windows-msvc": { os: "win32", arch: "x64" },
};

/** The platform this process runs on, in npm's names. */
function hostPlatform(): Platform {
  return {
    os: Deno.build.os === "windows" ? "win32" : Deno.build.os,
    arch: Deno.build.arch === "aarch64" ? "arm64" : "x64",
  };
}

/** The entries of a folder, or none when it is missing. */
function entries(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/**
 * The `--exclude` paths that keep only the target's part of the npm packages, in Deno's npm cache
 * (`<cache>/<registry>/<name>/<version>/`), given where zeromq's package.json is.
 */
export function platformExcludes(zeromqPackageJson: string, target: Platform): string[] {
  const zeromq = dirname(zeromqPackageJson);
  const registry = dirname(dirname(zeromq));
  const excludes: string[] = [];
  // zeromq: only build/<os>/<arch>/ and package.json are read (src/zmq/_ffi.ts).
  for (const entry of entries(zeromq)) {
    if (entry.name !== "build" && entry.name !== "package.json") {
      excludes.push(`${zeromq}/${entry.name}`);
    }
  }
  for (const os of entries(`${zeromq}/build`)) {
    if (os.name !== target.os) excludes.push(`${zeromq}/build/${os.name}`);
  }
  for (const arch of entries(`${zeromq}/build/${target.os}`)) {
    if (arch.name !== target.arch) excludes.push(`${zeromq}/build/${target.os}/${arch.name}`);
  }
  // zeromq's own dependencies serve its JavaScript and its source build, never loaded here.
  for (const name of ["cmake-ts", "node-addon-api"]) {
    for (const version of entries(`${registry}/${name}`).filter((e) => e.isDirectory)) {
      excludes.push(`${registry}/${name}/${version.name}`);
    }
  }
  // imagescript's native codec: one file per platform, named <arch>-<os>.node.
  for (const version of entries(`${registry}/imagescript`).filter((e) => e.isDirectory)) {
    const bin = `${registry}/imagescript/${version.name}/codecs/node/bin`;
    for (const file of entries(bin)) {
      if (file.name !== `${target.arch}-${target.os}.node`) excludes.push(`${bin}/${file.name}`);
    }
  }
  return excludes.map((path) => path.replaceAll("\\", "/"));
}

/** The permission flags of `deno task netgear` (the words between `run` and `cli.ts`). */
export function netgearPermissions(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
    tasks: Record<string, string>;
  };
  const words = config.tasks.netgear.split(/\s+/);
  return words.slice(words.indexOf("run") + 1, words.indexOf("cli.ts"));
}

/**
 * The `deno compile` arguments for the standalone `netgear`.
 *
 * @param args This script's arguments: `--target TRIPLE`, `--output FILE` (default
 * `dist/netgear`), and anything else, passed on to `deno compile` (e.g. `--no-check`).
 * @throws {Error} For an unknown target, or when the npm zeromq package is not in Deno's cache.
 */
export function compileArgs(args: string[]): string[] {
  const passed: string[] = [];
  const own: Record<string, string | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === "--target" || flag === "--output" || flag === "-o") {
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      own[flag === "-o" ? "--output" : flag] = value;
    } else {
      passed.push(args[i]);
    }
  }
  const target = own["--target"];
  const platform = target === undefined ? hostPlatform() : TARGETS[target];
  if (!platform) {
    throw new Error(`Unknown --target "${target}": use one of ${Object.keys(TARGETS).join(", ")}`);
  }
  const zeromq = resolveZeromqPackageJson();
  if (!zeromq?.startsWith("file:")) {
    throw new Error("The npm zeromq package is not in Deno's cache: run `deno install` first");
  }
  const exe = platform.os === "win32" ? ".exe" : "";
  return [
    "compile",
    ...netgearPermissions(),
    "--exclude-unused-npm",
    "--include",
    ZEROMQ_PACKAGE,
    ...platformExcludes(fileURLToPath(zeromq), platform).flatMap((path) => ["--exclude", path]),
    ...(target === undefined ? [] : ["--target", target]),
    ...passed,
    "--output",
    own["--output"] ?? `dist/netgear${exe}`,
    "cli.ts",
  ];
}

if (import.meta.main) {
  let args: string[];
  try {
    args = compileArgs(Deno.args);
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
  Deno.exit(code);
}
