/**
 * Command-line parsing for the `netgear` CLI: option tables that drive both `node:util`'s
 * `parseArgs` and the `--help` text, and {@linkcode UsageError} for everything the user typed
 * wrong (the CLI exits with code 2 on it).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** A mistake on the command line: an unknown flag, a missing or bad value. Exit code 2. */
export class UsageError extends Error {
  /** Creates the error; `message` says what is wrong and what to type instead. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One `--flag` of a command. */
export interface OptionSpec {
  /** The long name, without the dashes. */
  readonly name: string;
  /** `"string"` takes a value (`--port 5566` or `--port=5566`); `"boolean"` is a switch. */
  readonly type: "string" | "boolean";
  /** A one-letter alias (`-h`). @default {undefined} */
  readonly short?: string;
  /** The value's placeholder in the help (`PORT`). @default {"VALUE"} */
  readonly value?: string;
  /** The value used when the flag is absent. @default {undefined} */
  readonly default?: string | boolean;
  /**
   * A string option that may also stand alone: `--jpeg` means `--jpeg=<bare>`. Its value must
   * then be attached with `=` (`--jpeg=80`).
   * @default {undefined}
   */
  readonly bare?: string;
  /** A boolean that `--no-<name>` turns off. @default {false} */
  readonly negatable?: boolean;
  /** One line for the help. */
  readonly description: string;
}

/** A positional argument of a command, for the help. */
export interface PositionalSpec {
  /** Its placeholder (`SOURCE`). */
  readonly name: string;
  /** What it is, for the help. */
  readonly description: string;
}

/** What {@link parseCommandLine} found. */
export interface ParsedCommandLine {
  /** Each option's value (absent ones hold their default, or `undefined`). */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The arguments that are not options. */
  readonly positionals: readonly string[];
}

/** The `--help` every command takes. */
export const HELP_OPTION: OptionSpec = {
  name: "help",
  type: "boolean",
  short: "h",
  description: "Show this help and exit",
};

/**
 * Parses `args` against `options`, allowing at most `maxPositionals` positional arguments.
 *
 * @throws {UsageError} For an unknown option, a missing value, a value given to a switch, or
 * too many positional arguments.
 */
export function parseCommandLine(
  args: readonly string[],
  options: readonly OptionSpec[],
  maxPositionals: number,
): ParsedCommandLine {
  const config: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | boolean }
  > = {};
  for (const option of options) {
    config[option.name] = { type: option.type };
    if (option.short) config[option.name].short = option.short;
    if (option.default !== undefined) config[option.name].default = option.default;
  }
  const expanded = args.map((arg) => {
    const bare = options.find((o) => o.bare !== undefined && arg === `--${o.name}`);
    return bare ? `--${bare.name}=${bare.bare}` : arg;
  });
  for (const arg of expanded) {
    const negated = /^--no-(.+)$/.exec(arg)?.[1];
    if (negated !== undefined && !options.some((o) => o.name === negated && o.negatable)) {
      throw new UsageError(`Unknown option "${arg}"`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: expanded,
      options: config,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(explainParseError(error as Error & { code?: string }));
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((p) => `"${p}"`).join(", ");
    throw new UsageError(
      maxPositionals === 0
        ? `Unexpected argument ${extra}: this command takes only options`
        : `Unexpected extra argument ${extra}: give at most ${maxPositionals}`,
    );
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Rewrites `parseArgs`'s messages in the CLI's voice. */
function explainParseError(error: Error & { code?: string }): string {
  const message = error.message;
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const option = /'([^']+)'/.exec(message)?.[1] ?? "";
      return `Unknown option "${option}"`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const missing = /^Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
      if (missing) return `Option "${missing[2]}" needs a value, e.g. ${missing[2]}=VALUE`;
      const extra = /^Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
      if (extra) return `Option "${extra[2]}" is a switch and takes no value`;
      return message;
    }
    default:
      return message;
  }
}

/** Formats an option table for `--help`, one aligned line per option. */
export function formatOptions(options: readonly OptionSpec[]): string {
  const rows = options.map((option) => {
    let flag = option.short ? `-${option.short}, ` : "    ";
    if (option.type === "boolean") {
      flag += option.negatable ? `--[no-]${option.name}` : `--${option.name}`;
    } else if (option.bare !== undefined) {
      flag += `--${option.name}[=${option.value ?? "VALUE"}]`;
    } else {
      flag += `--${option.name} ${option.value ?? "VALUE"}`;
    }
    let text = option.description;
    if (option.type === "string" && option.default !== undefined) {
      text += ` (default ${option.default})`;
    } else if (option.negatable && option.default === true) {
      text += " (default on)";
    }
    return [flag, text] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join("\n");
}
