/**
 * Scenario (d), Server-2: the same program as Server-1 (in the docs, a Raspberry Pi with its
 * camera module), on port 5567.
 *
 *   deno task example:d:server2 [SOURCE] [--address 127.0.0.1] [--port 5567]
 *
 * @module
 */

import { main } from "./server1.ts";

await main("Server-2", 5567);
