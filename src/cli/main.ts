/**
 * The `netgear` command line: the command table, the top-level help and version, and the
 * mapping of errors to exit codes (0 done, 1 failed, 2 bad command line, 130 Ctrl+C).
 *
 * @module
 */

import {
  type CliContext,
  type Command,
  processContext,
  runCommand,
  USAGE_EXIT_CODE,
} from "./command.ts";
import { nearest } from "./args.ts";
import { demoCommand } from "./demo.ts";
import { keysCommand } from "./keys.ts";
import { recvCommand } from "./recv.ts";
import { sendCommand } from "./send.ts";
import { VERSION } from "./version.ts";

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  recvCommand,
  demoCommand,
  keysCommand,
];

export { processContext, USAGE_EXIT_CODE };

/** The top-level `--help`. */
export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: netgear <command> [options]",
    "",
    "Stream video frames, plus any data, from many servers to one client over ZeroMQ,",
    "speaking Python vidgear's NetGear protocol.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  -h, --help     Show this help (netgear <command> --help for a command's)",
    "  -V, --version  Show the version",
  ].join("\n");
}

/**
 * Runs the command line `args` (without the program name).
 *
 * @returns The exit code: 0 done, 1 failed, 2 bad command line, 130 interrupted by Ctrl+C.
 */
export async function main(
  args: readonly string[],
  context: CliContext = processContext(),
): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    context.err(topLevelHelp());
    return USAGE_EXIT_CODE;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    context.out(command ? command.help() : topLevelHelp());
    return 0;
  }
  if (first === "--version" || first === "-V") {
    context.out(`netgear ${VERSION}`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    const what = first.startsWith("-") ? "option" : "command";
    const names = COMMANDS.map((c) => c.name);
    const hint = nearest(first, what === "option" ? ["--help", "--version"] : names);
    context.err(
      `netgear: unknown ${what} "${first}": ${hint ? `did you mean ${hint}? ` : ""}use one of ${
        names.join(", ")
      }, or --help`,
    );
    return USAGE_EXIT_CODE;
  }
  return await runCommand(command, rest, context);
}
