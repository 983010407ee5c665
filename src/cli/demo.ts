/**
 * `netgear demo` (and `deno task demo`, the same command): vidgear's multi-server scenario on
 * one machine, with nothing to set up: two synthetic cameras and a client on loopback, the
 * live montage in the browser, and a montage snapshot written every second (the logic is
 * {@linkcode runDemo}).
 *
 * @module
 */

import { runDemo } from "../demo.ts";
import { type ParsedCommandLine, UsageError } from "./args.ts";
import { type CliContext, type Command, defineCommand } from "./command.ts";
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from "./interrupt.ts";
import {
  durationOption,
  KEEP_OPTION,
  outOption,
  PORTS_OPTION,
  viewOption,
} from "./shared_options.ts";
import { keepValue, portListValue, positiveNumber, viewValue } from "./values.ts";

/** Runs the demo until `--duration` passes or Ctrl+C. */
async function demo({ values }: ParsedCommandLine, context: CliContext): Promise<number> {
  const ports = portListValue(values.ports as string, "--ports");
  if (ports.length !== 2) {
    throw new UsageError(`Cannot run the demo on ${ports.length} ports: give two, e.g. 5566,5567`);
  }
  const pattern = String(values.pattern).trim();
  if (pattern !== "1" && pattern !== "2") {
    throw new UsageError(
      `Cannot use --pattern "${pattern}": the demo runs 1 (REQ/REP) or 2 (PUB/SUB)`,
    );
  }
  const fps = positiveNumber(values.fps as string, "--fps");
  if (fps > 120) throw new UsageError(`Cannot use --fps "${values.fps}": use at most 120`);
  const view = viewValue(values.view);
  using interrupt = watchInterrupt(context.err);
  await runDemo({
    duration: positiveNumber(values.duration as string, "--duration"),
    fps,
    pattern: Number(pattern) as 1 | 2,
    out: values.out as string,
    keep: keepValue(values.keep as string, "--keep"),
    ports: [ports[0], ports[1]],
    view: view ?? false,
    signal: interrupt.signal,
    log: context.err,
  });
  return interrupt.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}

/** The demo as a command started by `program` (`netgear demo`, `deno task demo`). */
export function demoCommandAs(program: string): Command {
  return defineCommand({
    name: "demo",
    program,
    summary: "Two synthetic servers and a client on loopback, with the live montage",
    description: [
      "Runs vidgear's multi-server scenario on this machine with no camera: two synthetic",
      "servers stream to one multi-server client on 127.0.0.1. Open the printed URL to watch",
      "the live montage; a montage snapshot is written to --out every second. Ends after",
      "--duration seconds, or on Ctrl+C.",
    ].join("\n"),
    options: [
      durationOption("How long the servers stream", 10),
      outOption("out/demo"),
      KEEP_OPTION,
      {
        name: "fps",
        type: "string",
        value: "RATE",
        default: "15",
        description: "Frame rate of each camera",
      },
      {
        name: "pattern",
        type: "string",
        value: "N",
        default: "1",
        description: "1 REQ/REP or 2 PUB/SUB",
      },
      PORTS_OPTION,
      viewOption(true),
    ],
    examples: [
      `${program}`,
      `${program} --duration 30 --pattern 2 --no-view`,
      `${program} --view=127.0.0.1:8080`,
    ],
    run: demo,
  });
}

/** `netgear demo`. */
export const demoCommand: Command = demoCommandAs("netgear demo");
