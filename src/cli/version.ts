/**
 * The CLI's version, kept equal to `version` in deno.json (a test checks it): a constant, so
 * that the CLI needs no file access to report it, also when run from a URL or compiled.
 *
 * @module
 */

/** This release of `netgear`. */
export const VERSION = "0.1.0";
