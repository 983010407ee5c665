/**
 * Private: the viewer's one self-contained page (inline CSS and script, no external asset).
 *
 * The script opens one WebSocket to `/ws`. Text messages are the state (the tiles, their
 * labels, fps and last messages); binary messages are one tile's newest JPEG behind a 4-byte
 * big-endian tile id. After painting a frame the page answers `{"ack": id}`: the viewer sends
 * a tile's next frame only after that, so a slow browser gets fewer frames, never a backlog.
 *
 * @module
 */

/** Builds the page for a viewer titled `title` (escaped here; the page sets no other HTML). */
export function viewerPage(title: string): string {
  return PAGE.replaceAll("%TITLE%", escapeHtml(title));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The Content-Security-Policy sent with the page: nothing from anywhere but itself. */
export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; " +
  "script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' blob: data:";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE%</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, sans-serif; }
  body { margin: 0; background: #111; color: #ddd; }
  header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1em; background: #1b1b1b; }
  h1 { font-size: 1.1em; margin: 0; }
  #status { font-size: .9em; color: #8a8; }
  #status.down { color: #c77; }
  #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
    gap: .8em; padding: .8em; }
  #empty { padding: 2em 1em; color: #888; }
  .tile { margin: 0; background: #000; border: 1px solid #333; border-radius: 4px;
    overflow: hidden; }
  .tile canvas { display: block; width: 100%; height: auto; background: #000;
    aspect-ratio: 4 / 3; }
  .tile figcaption { display: grid; grid-template-columns: 1fr auto; gap: .2em .8em;
    padding: .4em .6em; font-size: .85em; background: #1b1b1b; }
  .label { font-weight: 600; }
  .fps { color: #9bd; font-variant-numeric: tabular-nums; }
  .message { grid-column: 1 / -1; color: #aaa; white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; font-family: ui-monospace, monospace; min-height: 1.2em; }
  .error { grid-column: 1 / -1; color: #e88; }
  .error:empty { display: none; }
</style>
</head>
<body>
<header><h1>%TITLE%</h1><span id="status" class="down">connecting…</span></header>
<div id="empty">Waiting for servers…</div>
<main id="grid"></main>
<script>
"use strict";
const grid = document.getElementById("grid");
const empty = document.getElementById("empty");
const status = document.getElementById("status");
const tiles = new Map(); // tile id -> its elements
let retry = 500;

function element(tag, className, parent) {
  const node = document.createElement(tag);
  node.className = className;
  parent.appendChild(node);
  return node;
}

function createTile(id) {
  const figure = document.createElement("figure");
  figure.className = "tile";
  figure.dataset.id = String(id);
  figure.dataset.painted = "0";
  const canvas = element("canvas", "", figure);
  const caption = element("figcaption", "", figure);
  const tile = {
    figure, canvas, context: canvas.getContext("2d"), painted: 0,
    label: element("span", "label", caption),
    fps: element("span", "fps", caption),
    message: element("span", "message", caption),
    error: element("span", "error", caption),
  };
  grid.appendChild(figure);
  return tile;
}

function applyState(state) {
  const seen = new Set();
  for (const info of state.tiles) {
    seen.add(info.id);
    const tile = tiles.get(info.id) ?? createTile(info.id);
    tiles.set(info.id, tile);
    tile.figure.dataset.key = info.key;
    tile.label.textContent = info.label;
    tile.fps.textContent = info.fps.toFixed(1) + " fps";
    tile.message.textContent = info.message;
    tile.message.title = info.message;
    tile.error.textContent = info.error ?? "";
  }
  // The tiles in the state's order (by port), moving only those out of place.
  let previous = null;
  for (const info of state.tiles) {
    const figure = tiles.get(info.id).figure;
    const next = previous ? previous.nextSibling : grid.firstChild;
    if (figure !== next) grid.insertBefore(figure, next);
    previous = figure;
  }
  for (const [id, tile] of tiles) {
    if (!seen.has(id)) {
      tile.figure.remove();
      tiles.delete(id);
    }
  }
  empty.hidden = tiles.size > 0;
  status.textContent = tiles.size + (tiles.size === 1 ? " server" : " servers");
}

async function paint(tile, jpeg) {
  const bitmap = await createImageBitmap(new Blob([jpeg], { type: "image/jpeg" }));
  try {
    if (tile.canvas.width !== bitmap.width || tile.canvas.height !== bitmap.height) {
      tile.canvas.width = bitmap.width;
      tile.canvas.height = bitmap.height;
      tile.canvas.style.aspectRatio = bitmap.width + " / " + bitmap.height;
    }
    tile.context.drawImage(bitmap, 0, 0);
    tile.figure.dataset.painted = String(++tile.painted);
  } finally {
    bitmap.close();
  }
}

function connect() {
  const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
  socket.binaryType = "arraybuffer";
  socket.onopen = () => {
    retry = 500;
    status.classList.remove("down");
  };
  socket.onmessage = async (event) => {
    if (typeof event.data === "string") {
      applyState(JSON.parse(event.data));
      return;
    }
    const id = new DataView(event.data).getUint32(0);
    const tile = tiles.get(id);
    try {
      if (tile) await paint(tile, new Uint8Array(event.data, 4));
    } catch (error) {
      if (tile) tile.error.textContent = "cannot show frame: " + error.message;
    } finally {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ ack: id }));
    }
  };
  socket.onclose = () => {
    status.textContent = "disconnected, retrying…";
    status.classList.add("down");
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 5000);
  };
}
connect();
</script>
</body>
</html>
`;
