// What every benchmark result file records: the machine, the date, and the figures.
import { cpus } from "node:os";
import { libzmqInfo } from "../src/zmq/mod.ts";

/** The machine a result was measured on. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  os: string;
  target: string;
  deno: string;
  v8: string;
  libzmq: string;
  libzmqPath: string;
  loadAverage: number[];
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** CPU model, cores, OS, Deno and libzmq versions, load, and the date. */
export function machineInfo(): MachineInfo {
  const cpu = cpus()[0]?.model ?? "unknown";
  const distro = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readText("/etc/os-release"))?.[1];
  const zmq = libzmqInfo();
  return {
    date: new Date().toISOString(),
    cpu,
    cores: navigator.hardwareConcurrency,
    os: `${distro ?? Deno.build.os} (kernel ${Deno.osRelease()})`,
    target: Deno.build.target,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    libzmq: zmq.version.join("."),
    libzmqPath: String(zmq.path),
    loadAverage: Deno.loadavg(),
  };
}

/** Writes `<dir>/<name>.json` (default dir `bench/results`) with the machine info; returns its
 * path. */
export async function writeResult(
  name: string,
  results: unknown,
  dir = new URL("./results/", import.meta.url).pathname,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir.replace(/\/$/, "")}/${name}.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ machine: machineInfo(), results }, null, 2) + "\n",
  );
  return path;
}

/** A number for a table cell: no decimals from 100 up. */
export function cell(n: number | undefined, width = 9): string {
  if (n === undefined || !Number.isFinite(n)) return "-".padStart(width);
  return n.toFixed(n >= 100 ? 0 : 1).padStart(width);
}
