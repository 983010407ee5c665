/**
 * The shape of a `netgear` subcommand, and {@linkcode defineCommand}, which gives every
 * command the same `--help`, option parsing and usage errors.
 *
 * @module
 */

import {
  formatOptions,
  HELP_OPTION,
  type OptionSpec,
  parseCommandLine,
  type ParsedCommandLine,
  type PositionalSpec,
  UsageError,
} from "./args.ts";

/** Where a command writes, and what it knows of its terminal. */
export interface CliContext {
  /** Writes a line to standard output (results: summaries, JSON, help). */
  out(line: string): void;
  /** Writes a line to standard error (progress, warnings, errors). */
  err(line: string): void;
  /** Writes raw text to standard error (the status line, which rewrites itself). */
  errRaw(text: string): void;
  /** Whether standard error is a terminal, so the status line may rewrite itself in place. */
  readonly statusIsTerminal: boolean;
  /** The terminal's width in columns (80 when unknown). */
  columns(): number;
}

/** A subcommand: `netgear <name> …`. */
export interface Command {
  /** The word after `netgear`. */
  readonly name: string;
  /** How the user starts it (`netgear send`, `deno task demo`): its help and errors say so. */
  readonly program: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `--help` text. */
  help(): string;
  /**
   * Runs the command with the arguments after its name.
   *
   * @returns The exit code.
   * @throws {UsageError} For a mistake on the command line (exit code 2).
   */
  run(args: readonly string[], context: CliContext): Promise<number>;
}

/** What {@link defineCommand} takes. */
export interface CommandDefinition {
  /** The word after `netgear`. */
  readonly name: string;
  /**
   * How the user starts the command, for its help and error lines (`deno task demo`).
   *
   * @default {`netgear ${name}`}
   */
  readonly program?: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Paragraphs after the usage line of the help. */
  readonly description: string;
  /** The positional arguments, in order (each optional). */
  readonly positionals?: readonly PositionalSpec[];
  /** The options (`--help` is added). */
  readonly options: readonly OptionSpec[];
  /** Example command lines for the help. */
  readonly examples?: readonly string[];
  /** Runs the command once its arguments are parsed; returns the exit code. */
  run(parsed: ParsedCommandLine, context: CliContext): Promise<number>;
}

/** Builds a command that parses its options, answers `--help`, and then runs. */
export function defineCommand(definition: CommandDefinition): Command {
  const options = [...definition.options, HELP_OPTION];
  const positionals = definition.positionals ?? [];
  const program = definition.program ?? `netgear ${definition.name}`;
  const help = (): string => {
    const args = positionals.map((p) => ` [${p.name}]`).join("");
    const lines = [
      `Usage: ${program}${args} [options]`,
      "",
      definition.summary,
      "",
      definition.description,
    ];
    if (positionals.length > 0) {
      lines.push("", "Arguments:");
      const width = Math.max(...positionals.map((p) => p.name.length));
      for (const p of positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
    }
    lines.push("", "Options:", formatOptions(options));
    if (definition.examples?.length) {
      lines.push("", "Examples:", ...definition.examples.map((e) => `  ${e}`));
    }
    return lines.join("\n");
  };
  return {
    name: definition.name,
    program,
    summary: definition.summary,
    help,
    async run(args, context) {
      const parsed = parseCommandLine(args, options, positionals.length);
      if (parsed.values.help) {
        context.out(help());
        return 0;
      }
      return await definition.run(parsed, context);
    },
  };
}

/** Exit code for a mistake on the command line. */
export const USAGE_EXIT_CODE = 2;

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
 * Runs `command` with `args` and turns whatever it throws into one line on stderr, prefixed
 * with the program's name: a {@linkcode UsageError} (plus a line pointing to `--help`) gives
 * exit code 2; a missing permission (Deno's message names it) or any other failure gives 1.
 * No stack trace.
 *
 * @returns The exit code: 0 done, 1 failed, 2 bad command line, 130 interrupted by Ctrl+C.
 */
export async function runCommand(
  command: Command,
  args: readonly string[],
  context: CliContext = processContext(),
): Promise<number> {
  const prefix = command.program;
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(`${prefix}: ${error.message}`);
      context.err(`Run "${prefix} --help" for usage.`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      context.err(
        `${prefix}: ${
          errorLine(error)
        } (docs/examples.md and docs/cli.md list the permissions each task grants)`,
      );
      return 1;
    }
    context.err(`${prefix}: ${errorLine(error)}`);
    return 1;
  }
}

/**
 * Runs `command` as the whole program, with `Deno.args`, and exits with its exit code: what a
 * script that is one command (`deno task demo`, an example) does at its end.
 *
 * @example A script with the netgear command-line grammar
 * ```ts ignore
 * import { defineCommand, runProgram } from "./command.ts";
 *
 * await runProgram(defineCommand({
 *   name: "hello",
 *   program: "deno run hello.ts",
 *   summary: "Says hello",
 *   description: "Prints one line.",
 *   options: [],
 *   run: async (_parsed, context) => (context.out("hello"), 0),
 * }));
 * ```
 */
export async function runProgram(command: Command): Promise<never> {
  Deno.exit(await runCommand(command, Deno.args));
}

/** An error as one line: its message, then its causes' messages, each once. */
export function errorLine(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    const text = e instanceof Error ? e.message : String(e);
    if (!parts.some((part) => part.includes(text))) parts.push(text);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ").replace(/\s*\n\s*/g, " ");
}
