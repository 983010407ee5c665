/**
 * The `netgear` command line: the command table, the top-level help and version, and the
 * mapping of errors to exit codes (0 done, 1 failed, 2 bad command line, 130 Ctrl+C).
 *
 * @module
 */

import { UsageError } from "./args.ts";
import type { CliContext, Command } from "./command.ts";
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

/** Exit code for a mistake on the command line. */
export const USAGE_EXIT_CODE = 2;

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

/** Standard input/output of the running process, as a {@linkcode CliContext}. */
export function processContext(): CliContext {
  const encoder = new TextEncoder();
  const write = (file: typeof Deno.stdout | typeof Deno.stderr, text: string) => {
    const bytes = encoder.encode(text);
    for (let written = 0; written < bytes.length;) {
      written += file.writeSync(bytes.subarray(written));
    }
  };
  return {
    out: (line) => write(Deno.stdout, line + "\n"),
    err: (line) => write(Deno.stderr, line + "\n"),
    errRaw: (text) => write(Deno.stderr, text),
    statusIsTerminal: Deno.stderr.isTerminal(),
    columns: () => {
      try {
        // A pseudo-terminal without a size reports 0 columns.
        return Deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
  };
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
    context.err(
      `netgear: unknown ${what} "${first}": use one of ${
        COMMANDS.map((c) => c.name).join(", ")
      }, or --help`,
    );
    return USAGE_EXIT_CODE;
  }
  const prefix = `netgear ${command.name}`;
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(`${prefix}: ${error.message}`);
      context.err(`Run "${prefix} --help" for usage.`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      context.err(
        `${prefix}: ${(error as Error).message}\n` +
          "Grant the permission named above, or run with those of `deno task netgear` " +
          "(see the README's Command line section).",
      );
      return 1;
    }
    context.err(`${prefix}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
