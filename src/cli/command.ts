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
  const help = (): string => {
    const args = positionals.map((p) => ` [${p.name}]`).join("");
    const lines = [
      `Usage: netgear ${definition.name}${args} [options]`,
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
