/**
 * What the four multi-server examples share, so that each scenario's `client.ts` and
 * `server1.ts` keep only what the docs page shows (the NetGear, the receive or send loop):
 * flags and `--help`, frame sources, the client's live view in the browser, stopping on `--duration` or Ctrl+C, printing (text or
 * `--json` lines), the client's labelled montage snapshots, and the summaries.
 *
 * @module
 */

export * from "./flags.ts";
export * from "./sources.ts";
export { messageText, putMessage } from "./snapshots.ts";
export { ClientRun, ServerRun } from "./runs.ts";
export { startLiveView } from "./view.ts";
