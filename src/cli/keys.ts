/**
 * `netgear keys`: makes the key folder of NetGear's secure mode, laid out as vidgear lays it
 * out, so that Deno and Python peers can share it.
 *
 * @module
 */

import { generateKeys } from "../secure/mod.ts";
import type { ParsedCommandLine } from "./args.ts";
import { type CliContext, type Command, defineCommand } from "./command.ts";

/** Makes (or checks) the key folder and prints where it is and its public keys. */
function keys({ values, positionals }: ParsedCommandLine, context: CliContext): Promise<number> {
  const location = positionals[0];
  const made = generateKeys(location, { overwrite: values.overwrite === true });
  if (values.json === true) {
    context.out(JSON.stringify(made, null, 2));
  } else {
    context.out(
      [
        `${made.generated ? "made" : "kept (already complete)"}: ${made.path}`,
        `  server public key: ${made.serverPublicKey}`,
        `  client public key: ${made.clientPublicKey}`,
        "Copy this folder to every peer; start each with --secure 1|2" +
        (location === undefined ? "." : ` --keys ${location}.`),
      ].join("\n"),
    );
  }
  return Promise.resolve(0);
}

/** `netgear keys`. */
export const keysCommand: Command = defineCommand({
  name: "keys",
  summary: "Generate the key pairs of NetGear's secure mode",
  description: [
    "Writes a server and a client CURVE key pair into DIR/.vidgear/keys (public_keys and",
    "private_keys, in pyzmq's certificate format, as Python vidgear reads them). DIR must",
    "exist; it defaults to the home folder, as in vidgear. A complete folder is kept unless",
    "--overwrite is given.",
  ].join("\n"),
  positionals: [{ name: "DIR", description: "The base folder (default: the home folder)" }],
  options: [
    { name: "overwrite", type: "boolean", description: "Replace the keys that are there" },
    { name: "json", type: "boolean", description: "Print the paths and public keys as JSON" },
  ],
  examples: ["netgear keys", "netgear keys /srv/netgear --overwrite"],
  run: keys,
});
