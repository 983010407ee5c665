/**
 * Command-line parsing for the `netgear` CLI, the demo and the examples: one option table per
 * command drives both the parser and the `--help` text, and {@linkcode UsageError} reports
 * everything the user typed wrong (exit code 2), with the nearest valid flag when a name is
 * misspelt (`--port` → "did you mean --ports?").
 *
 * The parser is ours (about a hundred lines) rather than `node:util`'s `parseArgs`: the tables
 * need options it lacks (a value that may be left out, `--jpeg` or `--jpeg=80`; a negatable
 * option with a value, `--view=HOST:PORT` or `--no-view`), and every error must be phrased
 * for this program, where `parseArgs` throws its own English sentences.
 *
 * @module
 */

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
  /**
   * `--no-<name>` turns it off: a boolean becomes `false`, and so does a string option (its
   * value is then `false`, e.g. `--no-view`).
   * @default {false}
   */
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
  /**
   * Each option's value (absent ones hold their default, or `undefined`); a string option
   * turned off with `--no-<name>` holds `false`.
   */
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
 * `--name value`, `--name=value`, `-h`, `--no-name` (negatable options) and `--` (the rest
 * are positional) are understood; a later flag overrides an earlier one.
 *
 * @throws {UsageError} For an unknown option (naming the nearest valid one), a missing value,
 * a value given to a switch, or too many positional arguments.
 */
export function parseCommandLine(
  args: readonly string[],
  options: readonly OptionSpec[],
  maxPositionals: number,
): ParsedCommandLine {
  const values: Record<string, string | boolean | undefined> = {};
  for (const option of options) values[option.name] = option.default;
  const positionals: string[] = [];
  const byName = new Map(options.map((option) => [option.name, option]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!isFlag(arg)) {
      positionals.push(arg);
      continue;
    }
    let option: OptionSpec | undefined;
    let inline: string | undefined;
    let flag: string;
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      flag = equals < 0 ? arg : arg.slice(0, equals);
      inline = equals < 0 ? undefined : arg.slice(equals + 1);
      option = byName.get(flag.slice(2));
      const negated = /^--no-(.+)$/.exec(flag)?.[1];
      if (option === undefined && negated !== undefined && byName.get(negated)?.negatable) {
        if (inline !== undefined) throw new UsageError(`Option "${flag}" takes no value`);
        values[negated] = false;
        continue;
      }
    } else {
      flag = arg.slice(0, 2);
      option = options.find((o) => o.short === arg[1]);
      if (arg.length > 2) inline = arg.slice(2).replace(/^=/, "");
    }
    if (option === undefined) {
      const base = byName.get(/^--no-(.+)$/.exec(flag)?.[1] ?? "");
      if (base?.type === "boolean") {
        throw new UsageError(`Unknown option "${flag}": --${base.name} is off unless given`);
      }
      throw new UsageError(unknownOption(flag, options));
    }
    const name = `--${option.name}`;
    if (option.type === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(`Option "${name}" is a switch and takes no value`);
      }
      values[option.name] = true;
    } else if (inline !== undefined) {
      values[option.name] = inline;
    } else if (option.bare !== undefined) {
      values[option.name] = option.bare;
    } else {
      const next = args[i + 1];
      if (next === undefined || isFlag(next)) {
        throw new UsageError(
          `Option "${name}" needs a value, e.g. ${name} ${option.value ?? "VALUE"}`,
        );
      }
      values[option.name] = next;
      i++;
    }
  }
  if (positionals.length > maxPositionals) {
    const extra = positionals.slice(maxPositionals).map((p) => `"${p}"`).join(", ");
    throw new UsageError(
      maxPositionals === 0
        ? `Unexpected argument ${extra}: this command takes only options`
        : `Unexpected extra argument ${extra}: give at most ${maxPositionals}`,
    );
  }
  return { values, positionals };
}

/** Whether `arg` looks like a flag (not `-`, a negative number, or plain text). */
function isFlag(arg: string): boolean {
  return arg.length > 1 && arg.startsWith("-") && !/^-\d/.test(arg);
}

/** "Unknown option", with the nearest valid spelling when one is close. */
function unknownOption(flag: string, options: readonly OptionSpec[]): string {
  const candidates = options.flatMap((option) => [
    `--${option.name}`,
    ...(option.negatable ? [`--no-${option.name}`] : []),
    ...(option.short ? [`-${option.short}`] : []),
  ]);
  const hint = nearest(flag, candidates);
  return `Unknown option "${flag}"${hint ? `: did you mean ${hint}?` : ""}`;
}

/**
 * The candidate `word` is most likely a misspelling of: the closest by edit distance when
 * close enough, else the only one it begins; `undefined` when none is near.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const close = best !== undefined && word.length > 2 &&
    bestDistance <= Math.max(2, Math.floor(word.length / 4));
  const prefix = candidates.filter((c) => word.length > 3 && c.startsWith(word));
  return close ? best : prefix.length === 1 ? prefix[0] : undefined;
}

/** Levenshtein distance between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** Width the help's option descriptions are wrapped to. */
const HELP_COLUMNS = 100;

/** Formats an option table for `--help`, one aligned entry per option, wrapped at 100 columns. */
export function formatOptions(options: readonly OptionSpec[]): string {
  const rows = options.map((option) => {
    let flag = option.short ? `-${option.short}, ` : "    ";
    const name = option.negatable ? `--[no-]${option.name}` : `--${option.name}`;
    if (option.type === "boolean") flag += name;
    else if (option.bare !== undefined) flag += `${name}[=${option.value ?? "VALUE"}]`;
    else flag += `${name} ${option.value ?? "VALUE"}`;
    let text = option.description;
    if (option.type === "string" && option.default !== undefined) {
      text += ` (default ${option.default})`;
    } else if (option.negatable && option.default === true) {
      text += " (default on)";
    }
    return [flag, text] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const indent = 2 + width + 2;
  return rows.map(([flag, text]) =>
    wrap(text, Math.max(30, HELP_COLUMNS - indent))
      .map((line, i) => (i === 0 ? `  ${flag.padEnd(width)}  ` : " ".repeat(indent)) + line)
      .join("\n")
  ).join("\n");
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
