/**
 * Scenario (a), Server-2: the same program as Server-1 (in the docs, another machine with its
 * own webcam), on port 5567.
 *
 *   deno task example:a:server2 [SOURCE] [--address 127.0.0.1] [--port 5567]
 *
 * @module
 */

import { main } from "./server1.ts";

await main("Server-2", 5567);
