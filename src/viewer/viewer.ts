/**
 * The live viewer: a page on localhost showing every server's newest frame as a tile, with
 * its port, fps and last message, updated as servers join and leave.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { jpegCodec } from "../codec/jpeg_codec.ts";
import type { JpegCodec } from "../codec/types.ts";
import type { ChannelOrder } from "../montage/color.ts";
import { PAGE_POLICY, viewerPage } from "./_page.ts";
import { Tile } from "./_tile.ts";
import { compareKeys } from "../montage/labels.ts";

/*
 * Why one WebSocket per page, not one multipart MJPEG stream per tile: browsers open at most
 * six HTTP/1.1 connections per host, so a seventh server's stream (or the state channel)
 * would never start; an MJPEG stream has no back-channel, so a slow tab would queue frames
 * in the socket buffers; and join/leave/fps/message updates need a channel anyway. Over one
 * socket the page acknowledges each frame it paints, and a tile's next frame goes out only
 * after that, so each watcher gets what it can show and never a backlog. Frames are encoded
 * at most `maxFps` times a second, once for all watchers, and only while a page is open.
 */

/** Options of {@linkcode startViewer}. */
export interface ViewerOptions {
  /**
   * The interface to listen on. Keep the loopback default unless other machines must see
   * the page: it shows every camera to whoever can reach it.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * The TCP port; `0` takes any free one (read it from {@linkcode Viewer.url}).
   *
   * @default {0}
   */
  port?: number;
  /**
   * The page's title.
   *
   * @default {"NetGear viewer"}
   */
  title?: string;
  /**
   * Most frames per second sent for each tile (frames in between are skipped, never queued).
   *
   * @default {10}
   */
  maxFps?: number;
  /**
   * JPEG quality of the frames sent to the page, 10 to 100.
   *
   * @default {75}
   */
  quality?: number;
  /**
   * The channel order of 3- and 4-channel frames (`"bgr"` is vidgear's), unless a tile's
   * {@linkcode TileInfo.channelOrder} says otherwise. Gray frames have none.
   *
   * @default {"bgr"}
   */
  channelOrder?: ChannelOrder;
  /**
   * Print a line on stderr for the first dropped frame of each tile (all drops are counted
   * in {@linkcode Viewer.stats} and shown on the tile).
   *
   * @default {false}
   */
  logging?: boolean;
  /** Closes the viewer when aborted. */
  signal?: AbortSignal;
}

/** What the page shows about a server next to its frame. Fields left out keep their value. */
export interface TileInfo {
  /** The server's last message (any value; shown as one line of text or JSON). */
  message?: unknown;
  /** The server's frame rate; without it, the rate of {@linkcode Viewer.update} calls. */
  fps?: number;
  /** The tile's title; the key by default. */
  label?: string;
  /** The channel order of this server's frames; the viewer's by default. */
  channelOrder?: ChannelOrder;
}

/** Counters of a {@linkcode Viewer}. */
export interface ViewerStats {
  /** Tiles shown (servers that sent a frame and were not removed). */
  readonly tiles: number;
  /** Pages connected right now. */
  readonly watchers: number;
  /** Frames encoded to JPEG (at most one per tile per `1 / maxFps` seconds, while watched). */
  readonly encoded: number;
  /** Frames sent to pages, summed over pages. */
  readonly sent: number;
  /** Frames refused: not a uint8 image (`[h, w]`, `[h, w, 1|3|4]`), or the encoder failed. */
  readonly dropped: number;
}

interface Watcher {
  readonly socket: WebSocket;
  /** Tiles whose last frame the page has not acknowledged yet. */
  readonly awaiting: Set<number>;
  /** The JPEG version of each tile last sent to this page. */
  readonly sent: Map<number, number>;
}

/** State messages between join/leave changes go out at most this often. */
const STATE_INTERVAL_MS = 500;

/**
 * Starts a live viewer: an HTTP server (Deno.serve) whose page shows one tile per server,
 * with its newest frame, label, fps and last message. Feed it with
 * {@linkcode Viewer.update} (cheap: it only keeps a reference to the frame) and
 * {@linkcode Viewer.remove}; the frames are JPEG-encoded only while a page is open.
 *
 * Needs `--allow-net=127.0.0.1` (or the hostname given) and, for the JPEG codec,
 * `--allow-ffi --allow-read --allow-env`.
 *
 * @param options Where to listen, the title, the frame rate cap.
 * @returns The running viewer; its {@linkcode Viewer.url} is the page.
 * @throws {TypeError | RangeError} For invalid options.
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 * @throws {JpegLibraryError} When no JPEG codec can be loaded.
 *
 * @example Show two servers' frames
 * ```ts ignore
 * import { createFrame } from "../frame.ts";
 * import { startViewer } from "./mod.ts";
 *
 * await using viewer = await startViewer({ title: "cameras" });
 * console.log(`open ${viewer.url}`);
 * const frame = createFrame(new Uint8Array(480 * 640 * 3).fill(90), [480, 640, 3]);
 * viewer.update(5566, frame, { message: "I'm Server-1", fps: 30 });
 * viewer.update(5567, frame, { message: "I'm Server-2" });
 * viewer.remove(5567); // that server left
 * ```
 */
export async function startViewer(options: ViewerOptions = {}): Promise<Viewer> {
  checkOptions(options);
  const codec = await jpegCodec();
  try {
    return new Viewer(codec, options);
  } catch (error) {
    codec.close();
    throw error;
  }
}

/**
 * A running live viewer. Create it with {@linkcode startViewer}; close it (or `await using`)
 * to stop serving: open pages are disconnected and show that they are retrying.
 */
export class Viewer implements AsyncDisposable {
  /** The page's address, e.g. `http://127.0.0.1:43123/`. */
  readonly url: string;
  readonly #codec: JpegCodec;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #hostname: string;
  readonly #title: string;
  readonly #frameMs: number;
  readonly #quality: number;
  readonly #order: ChannelOrder;
  readonly #logging: boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => void this.close();
  readonly #tiles = new Map<string, Tile>();
  readonly #watchers = new Set<Watcher>();
  #nextId = 1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #joinedOrLeft = false;
  #infoChanged = false;
  #lastState = 0;
  #encoded = 0;
  #sent = 0;
  #dropped = 0;
  #closing: Promise<void> | undefined;

  /**
   * Starts serving with `codec` as the JPEG encoder, which the viewer then owns and closes.
   * {@linkcode startViewer} picks the codec for you; use this to choose one.
   *
   * @throws {TypeError | RangeError} For invalid options.
   * @throws {Deno.errors.AddrInUse} When the port is taken.
   */
  constructor(codec: JpegCodec, options: ViewerOptions = {}) {
    checkOptions(options);
    this.#codec = codec;
    this.#hostname = options.hostname ?? "127.0.0.1";
    this.#title = options.title ?? "NetGear viewer";
    this.#frameMs = 1000 / (options.maxFps ?? 10);
    this.#quality = options.quality ?? 75;
    this.#order = options.channelOrder ?? "bgr";
    this.#logging = options.logging ?? false;
    try {
      this.#server = Deno.serve({
        hostname: this.#hostname,
        port: options.port ?? 0,
        onListen: () => {},
        onError: () => new Response("Internal error", { status: 500 }),
      }, (request) => this.#handle(request));
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      const where = `${this.#hostname}:${options.port}`;
      throw new Deno.errors.AddrInUse(
        `Cannot serve the live view on ${where}: the port is in use by another program; ` +
          "pick another port, or 0 for any free one",
      );
    }
    this.url = `http://${urlHost(this.#hostname)}:${this.#server.addr.port}/`;
    this.#signal = options.signal;
    if (this.#signal?.aborted) void this.close();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Counters: tiles, connected pages, frames encoded, sent and dropped. */
  get stats(): ViewerStats {
    return {
      tiles: this.#tiles.size,
      watchers: this.#watchers.size,
      encoded: this.#encoded,
      sent: this.#sent,
      dropped: this.#dropped,
    };
  }

  /**
   * Makes `frame` the newest of server `key`, creating its tile if needed. Cheap: the frame
   * is kept by reference (don't change its bytes afterwards) and encoded later only if a page
   * is watching. A frame that is not a uint8 image (`[h, w]`, `[h, w, 1]`, `[h, w, 3]`,
   * `[h, w, 4]`) is dropped: counted in {@linkcode Viewer.stats}, its reason shown on the tile.
   * Does nothing once the viewer is closed.
   *
   * @param key The server, usually its port.
   * @param frame Its newest frame.
   * @param info Its message, fps, label or channel order.
   * @throws {TypeError} When `key` is neither a number nor a string.
   */
  update(key: number | string, frame: Frame, info?: TileInfo): void {
    const name = keyOf(key);
    if (this.#closing) return;
    let tile = this.#tiles.get(name);
    if (!tile) {
      tile = new Tile(this.#nextId++, name);
      this.#tiles.set(name, tile);
      this.#joinedOrLeft = true;
    }
    if (info) tile.describe(info);
    const order = info?.channelOrder ?? this.#order;
    const reason = order === "bgr" || order === "rgb"
      ? tile.accept(frame, order)
      : tile.refuse(`channel order "${String(order)}" is not "bgr" or "rgb"`);
    if (reason !== undefined) this.#drop(tile, reason);
    this.#infoChanged = true;
  }

  /**
   * Removes server `key`'s tile (it left); the page drops it at once. Unknown keys are ignored.
   *
   * @throws {TypeError} When `key` is neither a number nor a string.
   */
  remove(key: number | string): void {
    const tile = this.#tiles.get(keyOf(key));
    if (!tile) return;
    this.#tiles.delete(tile.key);
    for (const watcher of this.#watchers) {
      watcher.awaiting.delete(tile.id);
      watcher.sent.delete(tile.id);
    }
    this.#joinedOrLeft = true;
  }

  /** Stops serving and disconnects every page. Safe to call twice. */
  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  /** Same as {@linkcode Viewer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const watcher of this.#watchers) {
      try {
        watcher.socket.close(1001, "viewer closed");
      } catch {
        // already closing
      }
    }
    await this.#server.shutdown();
    this.#watchers.clear();
    this.#codec.close();
  }

  #drop(tile: Tile, reason: string): void {
    this.#dropped++;
    if (this.#logging && tile.dropped === 1) {
      console.error(`[NetGear viewer] tile ${tile.key}: ${reason} (later drops only counted)`);
    }
  }

  // ------------------------------------------------------------------ HTTP

  #handle(request: Request): Response {
    if (!this.#hostAllowed(request.headers.get("host"))) {
      return text(403, "Unknown host: open the viewer by the address it printed");
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, "Only GET is served here");
    }
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      return new Response(viewerPage(this.#title), {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": PAGE_POLICY,
          "cache-control": "no-store",
        },
      });
    }
    if (pathname === "/ws") return this.#watch(request);
    if (pathname === "/state.json") {
      return new Response(JSON.stringify(this.#state()), {
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    }
    const match = /^\/tiles\/([^/]+)\.jpg$/.exec(pathname);
    if (match) return this.#snapshot(match[1]);
    return text(404, "Not found: the page is at /");
  }

  /**
   * Guards against DNS rebinding: a page on another site whose name resolves to 127.0.0.1
   * reaches us with its own name in Host. Only IP literals, localhost and our hostname pass.
   */
  #hostAllowed(host: string | null): boolean {
    if (host === null) return false;
    let name: string;
    try {
      name = new URL(`http://${host}`).hostname;
    } catch {
      return false;
    }
    return name === "localhost" || name === this.#hostname.toLowerCase() ||
      /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith("[");
  }

  /** The newest frame of one tile as a JPEG file (for scripts, and a page-less check). */
  #snapshot(encodedKey: string): Response {
    let key: string;
    try {
      key = decodeURIComponent(encodedKey);
    } catch {
      return text(400, `Bad tile name "${encodedKey}"`);
    }
    const tile = this.#tiles.get(key);
    const jpeg = tile && this.#encode(tile);
    if (!jpeg) return text(404, `No frame from "${key}" yet`);
    return new Response(jpeg.slice(), {
      headers: { "content-type": "image/jpeg", "cache-control": "no-store" },
    });
  }

  #watch(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return text(426, "This is the page's WebSocket; open / instead");
    }
    // Browsers send Origin; a page from another site must not read the cameras.
    const origin = request.headers.get("origin");
    if (origin !== null && originHost(origin) !== request.headers.get("host")) {
      return text(403, "Cross-origin viewers are refused");
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const watcher: Watcher = { socket, awaiting: new Set(), sent: new Map() };
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      if (this.#closing) return socket.close(1001, "viewer closed");
      this.#watchers.add(watcher);
      this.#send(watcher, JSON.stringify(this.#state()));
      this.#timer ??= setInterval(() => this.#tick(), this.#frameMs);
    };
    socket.onmessage = (event) => {
      const id = ackOf(event.data);
      if (id !== undefined) watcher.awaiting.delete(id);
    };
    socket.onclose = () => this.#watchers.delete(watcher);
    socket.onerror = () => this.#watchers.delete(watcher);
    return response;
  }

  // ------------------------------------------------------------ the stream

  #tick(): void {
    if (this.#watchers.size === 0) {
      // Nobody watching: stop encoding until a page connects again.
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    if (
      this.#joinedOrLeft || (this.#infoChanged && now - this.#lastState >= STATE_INTERVAL_MS)
    ) {
      const state = JSON.stringify(this.#state());
      for (const watcher of this.#watchers) this.#send(watcher, state);
      this.#joinedOrLeft = this.#infoChanged = false;
      this.#lastState = now;
    }
    for (const tile of this.#tiles.values()) {
      let message: Uint8Array | undefined;
      for (const watcher of this.#watchers) {
        if (watcher.awaiting.has(tile.id) || (watcher.sent.get(tile.id) ?? 0) >= tile.version) {
          continue;
        }
        message ??= this.#frameMessage(tile);
        if (!message) break;
        if ((watcher.sent.get(tile.id) ?? 0) >= tile.jpegVersion) continue;
        if (this.#send(watcher, message)) {
          watcher.awaiting.add(tile.id);
          watcher.sent.set(tile.id, tile.jpegVersion);
          this.#sent++;
        }
      }
    }
  }

  #encode(tile: Tile): Uint8Array | undefined {
    const stale = tile.stale;
    const dropped = tile.dropped;
    const jpeg = tile.jpeg(this.#codec, this.#quality);
    if (tile.dropped > dropped) this.#drop(tile, tile.error ?? "encode failed");
    else if (stale) this.#encoded++;
    return jpeg;
  }

  /** The binary message for a tile's newest frame: its id (u32, big-endian), then the JPEG. */
  #frameMessage(tile: Tile): Uint8Array | undefined {
    const jpeg = this.#encode(tile);
    if (!jpeg) return undefined;
    const message = new Uint8Array(4 + jpeg.byteLength);
    new DataView(message.buffer).setUint32(0, tile.id);
    message.set(jpeg, 4);
    return message;
  }

  #send(watcher: Watcher, data: string | Uint8Array): boolean {
    if (watcher.socket.readyState !== WebSocket.OPEN) return false;
    try {
      watcher.socket.send(data);
      return true;
    } catch {
      this.#watchers.delete(watcher);
      return false;
    }
  }

  #state(): { title: string; tiles: ReturnType<Tile["state"]>[] } {
    const tiles = [...this.#tiles.values()].sort((a, b) => compareKeys(a.key, b.key));
    return { title: this.#title, tiles: tiles.map((tile) => tile.state()) };
  }
}

function checkOptions(options: ViewerOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Cannot start the viewer: pass an options object or nothing");
  }
  const { hostname, port, title, maxFps, quality, channelOrder } = options;
  if (hostname !== undefined && (typeof hostname !== "string" || hostname === "")) {
    throw new TypeError(`Cannot listen on hostname "${String(hostname)}": use e.g. "127.0.0.1"`);
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`Cannot listen on port "${String(port)}": use 0 (any free) to 65535`);
  }
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`Cannot use title "${String(title)}": use a string`);
  }
  if (maxFps !== undefined && !(typeof maxFps === "number" && maxFps > 0 && maxFps <= 120)) {
    throw new RangeError(`Cannot use maxFps "${String(maxFps)}": use a number above 0, up to 120`);
  }
  if (quality !== undefined && !(Number.isInteger(quality) && quality >= 10 && quality <= 100)) {
    throw new RangeError(`Cannot use quality "${String(quality)}": use an integer from 10 to 100`);
  }
  if (channelOrder !== undefined && channelOrder !== "bgr" && channelOrder !== "rgb") {
    throw new TypeError(`Cannot use channelOrder "${String(channelOrder)}": use "bgr" or "rgb"`);
  }
}

function keyOf(key: number | string): string {
  if (typeof key === "string" || (typeof key === "number" && Number.isFinite(key))) {
    return String(key);
  }
  throw new TypeError(`Cannot use tile key "${String(key)}": use a port number or a string`);
}

/** The host part of a URL for `hostname`: IPv6 in brackets, wildcard as loopback. */
function urlHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::") return "[::1]";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The tile id of a page's `{"ack": id}`, or undefined for anything else. */
function ackOf(data: unknown): number | undefined {
  if (typeof data !== "string" || data.length > 64) return undefined;
  try {
    const id = (JSON.parse(data) as { ack?: unknown })?.ack;
    return typeof id === "number" ? id : undefined;
  } catch {
    return undefined;
  }
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain" } });
}
