/**
 * `netgear demo`: vidgear's multi-server scenario on one machine, with nothing to set up:
 * two synthetic cameras and a client on loopback, the live montage in the browser, and a
 * montage snapshot written every second (the logic is {@linkcode runDemo}).
 *
 * @module
 */

import { runDemo } from "../demo.ts";
import { type ParsedCommandLine, UsageError } from "./args.ts";
import { type CliContext, type Command, defineCommand } from "./command.ts";
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from "./interrupt.ts";
import { patternValue, portListValue, portValue, positiveNumber } from "./values.ts";

/** A port for the live page, where 0 means any free one. */
function viewPortValue(text: string): number {
  return text.trim() === "0" ? 0 : portValue(text, "--view-port");
}

/** Runs the demo until `--duration` passes or Ctrl+C. */
async function demo({ values }: ParsedCommandLine, context: CliContext): Promise<number> {
  const ports = portListValue(values.ports as string, "--ports");
  if (ports.length !== 2) {
    throw new UsageError(`Cannot run the demo on ${ports.length} ports: give two, e.g. 5566,5567`);
  }
  const settings = {
    duration: positiveNumber(values.duration as string, "--duration"),
    fps: positiveNumber(values.fps as string, "--fps"),
    pattern: patternValue(values.pattern as string, true) as 1 | 2,
    out: values.out as string,
    ports: [ports[0], ports[1]] as const,
    viewPort: values.view === false ? false as const : viewPortValue(values["view-port"] as string),
  };
  using interrupt = watchInterrupt(context.err);
  await runDemo({ ...settings, signal: interrupt.signal, log: context.err });
  return interrupt.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}

/** `netgear demo`. */
export const demoCommand: Command = defineCommand({
  name: "demo",
  summary: "Two synthetic servers and a client on loopback, with the live montage",
  description: [
    "Runs vidgear's multi-server scenario on this machine with no camera: two synthetic",
    "servers stream to one multi-server client on 127.0.0.1. Open the printed URL to watch",
    "the live montage; a montage snapshot is written to --out every second. Ends after",
    "--duration seconds, or on Ctrl+C.",
  ].join("\n"),
  options: [
    {
      name: "duration",
      type: "string",
      value: "SECONDS",
      default: "10",
      description: "How long the servers stream",
    },
    {
      name: "out",
      type: "string",
      value: "DIR",
      default: "out/demo",
      description: "Where snapshots go",
    },
    {
      name: "fps",
      type: "string",
      value: "N",
      default: "15",
      description: "Frames per second of each camera",
    },
    {
      name: "pattern",
      type: "string",
      value: "N",
      default: "1",
      description: "1 REQ/REP or 2 PUB/SUB",
    },
    {
      name: "ports",
      type: "string",
      value: "A,B",
      default: "5566,5567",
      description: "The two servers' ports",
    },
    {
      name: "view-port",
      type: "string",
      value: "PORT",
      default: "0",
      description: "The live page's port on 127.0.0.1 (0: any free one)",
    },
    {
      name: "view",
      type: "boolean",
      default: true,
      negatable: true,
      description: "Serve the live page (--no-view: snapshots only)",
    },
  ],
  examples: ["netgear demo", "netgear demo --duration 30 --pattern 2 --no-view"],
  run: demo,
});
