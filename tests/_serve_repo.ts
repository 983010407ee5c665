// The repo's files over HTTP on 127.0.0.1 (any free port), as a consumer imports them from a URL.

const ROOT = new URL("../", import.meta.url).pathname;

const TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".js": "application/javascript",
  ".json": "application/json",
};

/** A running file server; `await using` stops it. */
export interface RepoServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly origin: string;
  /** `127.0.0.1:<port>`, for `--allow-import`. */
  readonly host: string;
}

/** Serves the repo's files read-only; paths with `..` get 403, missing files 404. */
export function serveRepo(): RepoServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (path.split("/").includes("..")) return new Response(null, { status: 403 });
      const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
      try {
        const body = await Deno.readFile(ROOT + path.slice(1));
        return new Response(body, { headers: { "content-type": type } });
      } catch {
        return new Response(null, { status: 404 });
      }
    },
  );
  const host = `127.0.0.1:${server.addr.port}`;
  return {
    origin: `http://${host}`,
    host,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
