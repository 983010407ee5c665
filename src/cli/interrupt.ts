/**
 * Ctrl+C for long-running commands: the first SIGINT aborts a signal so the command closes
 * its NetGear cleanly (a server sends its terminate, a client prints its summary); a second
 * one, after a pause, exits at once with code 130. `deno task` hands its child every Ctrl+C
 * twice, at once: that duplicate is not a second Ctrl+C.
 *
 * @module
 */

/** Exit code of a command ended by Ctrl+C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** A SIGINT this soon after the first is the same Ctrl+C, delivered again (`deno task`). */
const SAME_CTRL_C_MS = 500;

/** A SIGINT watcher; dispose it to restore Deno's default Ctrl+C handling. */
export interface Interrupt extends Disposable {
  /** Aborted on the first Ctrl+C. */
  readonly signal: AbortSignal;
  /** Whether Ctrl+C was pressed. */
  readonly interrupted: boolean;
}

/** Watches for Ctrl+C; `notify` is told when the first one arrives. */
export function watchInterrupt(notify: (line: string) => void): Interrupt {
  const controller = new AbortController();
  let firstAt = 0;
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      if (performance.now() - firstAt < SAME_CTRL_C_MS) return;
      Deno.exit(INTERRUPTED_EXIT_CODE);
    }
    firstAt = performance.now();
    notify("interrupted: closing (press Ctrl+C again to quit at once)");
    controller.abort(new DOMException("Interrupted by Ctrl+C", "AbortError"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  return {
    signal: controller.signal,
    get interrupted() {
      return controller.signal.aborted;
    },
    [Symbol.dispose]() {
      Deno.removeSignalListener("SIGINT", onSigint);
    },
  };
}
