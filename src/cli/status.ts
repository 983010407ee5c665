/**
 * {@linkcode StatusLine}: the live one-line status of a running command. On a terminal it is
 * redrawn in place a few times a second; elsewhere (a pipe, a log file) it becomes a plain
 * line every second, so logs stay readable.
 *
 * @module
 */

/** Options of {@linkcode StatusLine}. */
export interface StatusLineOptions {
  /** Writes raw text (no newline added). */
  readonly write: (text: string) => void;
  /** Redraw in place (a terminal) or print plain lines. */
  readonly terminal: boolean;
  /** The terminal's width; longer lines are cut to fit. @default {() => 80} */
  readonly columns?: () => number;
  /**
   * Milliseconds between updates.
   * @default {250 on a terminal, 1000 otherwise}
   */
  readonly intervalMs?: number;
}

/** Erases the current terminal line and returns the cursor to its start. */
const CLEAR_LINE = "\r\x1b[2K";

/** A status line, refreshed from `render()` until {@linkcode StatusLine.stop}. */
export class StatusLine {
  readonly #render: () => string;
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  readonly #columns: () => number;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #drawn = false;

  /** Creates a status line showing what `render` returns; call `start()` to begin. */
  constructor(render: () => string, options: StatusLineOptions) {
    this.#render = render;
    this.#write = options.write;
    this.#terminal = options.terminal;
    this.#columns = options.columns ?? (() => 80);
    this.#intervalMs = options.intervalMs ?? (options.terminal ? 250 : 1000);
  }

  /** Starts the periodic updates. */
  start(): void {
    this.#timer ??= setInterval(() => this.update(), this.#intervalMs);
  }

  /** Shows the current status now. */
  update(): void {
    const text = this.#render();
    if (this.#terminal) {
      const width = Math.max(10, this.#columns() - 1);
      this.#write(CLEAR_LINE + (text.length > width ? text.slice(0, width - 1) + "…" : text));
      this.#drawn = true;
    } else {
      this.#write(text + "\n");
    }
  }

  /** Prints a whole line above the status line (which is redrawn on the next update). */
  print(line: string): void {
    this.#write((this.#terminal && this.#drawn ? CLEAR_LINE : "") + line + "\n");
    this.#drawn = false;
  }

  /** Stops updating; on a terminal the last status stays on screen, ended by a newline. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#terminal && this.#drawn) this.#write("\n");
    this.#drawn = false;
  }
}
