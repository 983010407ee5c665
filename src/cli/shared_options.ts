/**
 * Options `netgear send` and `netgear recv` share, so that both ends describe NetGear's
 * settings in the same words.
 *
 * @module
 */

import { type OptionSpec, UsageError } from "./args.ts";

/** `--pattern N`. */
export const PATTERN_OPTION: OptionSpec = {
  name: "pattern",
  type: "string",
  value: "N",
  default: "1",
  description: "1 REQ/REP, 2 PUB/SUB, 0 PAIR (with --no-multiserver)",
};

/** `--[no-]multiserver`, on by default: this CLI is about many servers to one client. */
export function multiserverOption(description: string): OptionSpec {
  return { name: "multiserver", type: "boolean", negatable: true, default: true, description };
}

/** `--logging` and `--quiet`, the last options of both commands. */
export const OUTPUT_OPTIONS: readonly OptionSpec[] = [
  { name: "logging", type: "boolean", description: "Log NetGear's connection events to stderr" },
  { name: "quiet", type: "boolean", short: "q", description: "No status line" },
];

/** `--secure N` and `--keys DIR`: NetGear's secure mode, the same on both ends. */
export const SECURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: "secure",
    type: "string",
    value: "N",
    default: "0",
    description: "Secure mode: 0 off, 1 StoneHouse (encrypted), 2 IronHouse (only known keys)",
  },
  {
    name: "keys",
    type: "string",
    value: "DIR",
    description: "Where the key folder (DIR/.vidgear/keys) is; default: the home folder",
  },
];

/** NetGear's secure-mode options from `--secure` and `--keys`. */
export interface SecureSettings {
  /** 0, 1 or 2. */
  readonly secureMode: 0 | 1 | 2;
  /** The key folder's base, when given. */
  readonly customCertLocation?: string;
}

/** Checks `--secure` and `--keys`. */
export function secureSettings(values: Record<string, unknown>): SecureSettings {
  const text = String(values.secure).trim();
  if (text !== "0" && text !== "1" && text !== "2") {
    throw new UsageError(
      `Cannot use --secure "${text}": use 0 (off), 1 (StoneHouse) or 2 (IronHouse)`,
    );
  }
  const keys = values.keys as string | undefined;
  if (keys !== undefined && text === "0") {
    throw new UsageError(`Cannot use --keys without --secure 1 or 2`);
  }
  return {
    secureMode: Number(text) as 0 | 1 | 2,
    ...(keys === undefined ? {} : { customCertLocation: keys }),
  };
}
