// Private: how a live FfmpegSource is reopened after a drop. The schedule (1 s, 2 s, 4 s, 8 s,
// then every 10 s by default), the callbacks, the bound on attempts and giving up live here;
// FfmpegSource only says what one attempt is.

import { CaptureError, type CaptureErrorReason } from "./capture_error.ts";
import type { ReconnectOptions, ReconnectRetry, ReconnectSuccess } from "./ffmpeg_source.ts";
import { checkPositiveInteger, checkPositiveNumber } from "./_util.ts";

/** Reasons worth another attempt: the source failed, stalled or ended, not the setup. */
const RETRYABLE: ReadonlySet<CaptureErrorReason> = new Set(["ffmpeg-failed", "timeout", "ended"]);

/** {@linkcode ReconnectOptions} with the defaults filled in. */
export interface ReconnectSettings {
  readonly maxAttempts: number | null;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly onRetry: ((retry: ReconnectRetry) => void) | undefined;
  readonly onReconnect: ((success: ReconnectSuccess) => void) | undefined;
}

/** Checks the `reconnect` option; `undefined` when reconnecting is off. */
export function reconnectSettings(
  option: boolean | ReconnectOptions | undefined,
): ReconnectSettings | undefined {
  if (option === undefined || option === false) return undefined;
  const options: ReconnectOptions = option === true ? {} : option;
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot use reconnect ${String(option)}: use true, false or an object of reconnect options`,
    );
  }
  const maxAttempts = options.maxAttempts ?? null;
  if (maxAttempts !== null) checkPositiveInteger("reconnect.maxAttempts", maxAttempts);
  checkPositiveNumber("reconnect.initialDelay", options.initialDelay);
  checkPositiveNumber("reconnect.maxDelay", options.maxDelay);
  const initialDelay = options.initialDelay ?? 1000;
  const maxDelay = options.maxDelay ?? Math.max(10_000, initialDelay);
  if (maxDelay < initialDelay) {
    throw new RangeError(
      `Cannot use reconnect.maxDelay ${maxDelay}: use at least reconnect.initialDelay ` +
        `(${initialDelay})`,
    );
  }
  for (const name of ["onRetry", "onReconnect"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new TypeError(`Cannot use reconnect.${name} ${String(options[name])}: use a function`);
    }
  }
  return {
    maxAttempts,
    initialDelay,
    maxDelay,
    onRetry: options.onRetry,
    onReconnect: options.onReconnect,
  };
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts; leaves no timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Reopens one source after each of its drops, with backoff. */
export class Reconnector {
  readonly #settings: ReconnectSettings;
  readonly #label: string;
  /** Steps into the backoff schedule the next attempt is at. */
  #step = 0;
  #reopenedAt = -Infinity;

  /** `label` names the source in the error given when the attempts run out. */
  constructor(settings: ReconnectSettings, label: string) {
    this.#settings = settings;
    this.#label = label;
  }

  /**
   * Runs `attempt` on the schedule until it succeeds, after the source dropped with `drop`.
   *
   * @returns What the successful attempt returned, or `undefined` once `signal` aborts.
   * @throws {CaptureError} The attempt's error when it is not worth retrying (ffmpeg missing,
   * output changed), or one saying the attempts ran out.
   */
  async reopen<T>(
    drop: CaptureError,
    attempt: () => Promise<T>,
    signal: AbortSignal,
  ): Promise<T | undefined> {
    const { maxAttempts, initialDelay, maxDelay, onRetry, onReconnect } = this.#settings;
    const droppedAt = performance.now();
    // A source that drops again soon after it came back goes on with the backoff instead of
    // starting it over, so a flapping camera is retried ever more slowly, not every second.
    if (droppedAt - this.#reopenedAt >= maxDelay) this.#step = 0;
    let error = drop;
    for (let n = 1; maxAttempts === null || n <= maxAttempts; n++) {
      const delay = Math.min(initialDelay * 2 ** this.#step, maxDelay);
      if (delay < maxDelay) this.#step++;
      onRetry?.({ attempt: n, delay, error });
      if (!(await sleep(delay, signal))) return undefined;
      try {
        const result = await attempt();
        this.#reopenedAt = performance.now();
        onReconnect?.({ attempts: n, downtime: this.#reopenedAt - droppedAt });
        return result;
      } catch (caught) {
        if (signal.aborted) return undefined;
        if (!(caught instanceof CaptureError) || !RETRYABLE.has(caught.reason)) throw caught;
        error = caught;
      }
    }
    throw new CaptureError(
      error.reason,
      `Cannot reconnect to ${this.#label}: ${maxAttempts} attempts failed over ` +
        `${((performance.now() - droppedAt) / 1000).toFixed(1)} s; check that it is up, or ` +
        `allow more attempts. The last attempt: ${error.message}`,
      { exitCode: error.exitCode, stderr: error.stderr, cause: error },
    );
  }
}
