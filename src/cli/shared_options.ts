/**
 * Options `netgear send` and `netgear recv` share, so that both ends describe NetGear's
 * settings in the same words.
 *
 * @module
 */

import type { OptionSpec } from "./args.ts";

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
