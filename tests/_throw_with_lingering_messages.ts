// A program that dies of an uncaught error while libzmq still has messages in flight (run by
// zmq_library_test.ts): it must end with the error's message and exit code 1, not a SIGSEGV.
import { Socket } from "../src/zmq/mod.ts";

const pull = new Socket("PULL");
pull.bind("tcp://127.0.0.1:*");
const push = new Socket("PUSH");
push.connect(pull.lastEndpoint!);
const part = new Uint8Array(1 << 20);
for (let i = 0; i < 20; i++) await push.send(part);
await pull.receive();
throw new Error("uncaught on purpose");
