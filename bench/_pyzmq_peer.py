"""The pyzmq side of the transport benchmark: the same roles and output as _zmq_peer.ts.

Zero-copy receives and sends (copy=False), so it is a C-speed ceiling for the same libzmq.
Run with Debian's python3 (python3-zmq):
  python3 _pyzmq_peer.py <role> <endpoint> <size> <count> [<start at, epoch ms>]

NetGear's own shape (one receiver binding one port per sender), for the NetGear ceilings:
  pull-ports | rep-ports <endpoint, "*" or "{i}" per port> <ports> 0
  push | req-stream <endpoint> <size> <count> [<start at>]
Senders report their process CPU time per message sent (cpuUs), the receivers their rate.
"""
import json
import sys
import time

import zmq


def main():
    role, endpoint, size, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    start_at = int(sys.argv[5]) / 1000 if len(sys.argv) > 5 else 0.0
    ctx = zmq.Context.instance()
    out = lambda v: print(json.dumps(v), flush=True)
    if role in ("pull-ports", "rep-ports"):
        s = ctx.socket(zmq.PULL if role == "pull-ports" else zmq.REP)
        s.rcvhwm = 1000
        s.rcvtimeo = 30000
        ports = max(1, size)
        endpoints = []
        for i in range(ports):
            s.bind(endpoint.replace("{i}", str(i)))
            endpoints.append(s.getsockopt_string(zmq.LAST_ENDPOINT))
        out({"ready": endpoints})
        ack = bytes([7]) * 40 if role == "rep-ports" else None  # a NetGear reply's size
        received = nbytes = ended = 0
        start = 0.0
        while ended < ports:
            frame = s.recv(copy=False)
            if ack is not None:
                s.send(ack, copy=False)
            if len(frame) == 1:
                ended += 1
                continue
            if received == 0:
                start = time.perf_counter()
            received += 1
            nbytes += len(frame)
        seconds = time.perf_counter() - start
        out({"received": received, "seconds": seconds, "msgsPerSec": received / seconds,
             "mbPerSec": nbytes / seconds / 1e6})
    elif role == "req-stream":
        s = ctx.socket(zmq.REQ)
        s.rcvtimeo = 30000
        s.connect(endpoint)
        time.sleep(max(0.0, start_at - time.time()))
        message = bytes([7]) * size
        cpu = time.process_time()
        for _ in range(count):
            s.send(message, copy=False)
            s.recv(copy=False)
        cpu = time.process_time() - cpu
        s.send(b"\0")
        s.recv(copy=False)
        out({"sent": count, "cpuUs": cpu * 1e6 / max(1, count)})
    elif role in ("pull", "sub"):
        s = ctx.socket(zmq.PULL if role == "pull" else zmq.SUB)
        s.rcvhwm = 1000
        s.rcvtimeo = 30000
        if role == "sub":
            s.setsockopt(zmq.SUBSCRIBE, b"")
        s.bind(endpoint)
        out({"ready": s.getsockopt_string(zmq.LAST_ENDPOINT)})
        senders = max(1, size)  # fan-in: how many senders' end markers end the run
        received = nbytes = ended = 0
        start = 0.0
        while True:
            frame = s.recv(copy=False)
            if received == 0:
                start = time.perf_counter()
            if len(frame) == 1:
                ended += 1
                if ended == senders:
                    break
                continue
            received += 1
            nbytes += len(frame)
        seconds = time.perf_counter() - start
        out({"received": received, "seconds": seconds, "msgsPerSec": received / seconds,
             "mbPerSec": nbytes / seconds / 1e6})
    elif role in ("push", "pub"):
        s = ctx.socket(zmq.PUSH if role == "push" else zmq.PUB)
        s.sndhwm = 1000
        if role == "pub":
            s.setsockopt(zmq.XPUB_NODROP, 1)
        s.connect(endpoint)
        if role == "pub":
            time.sleep(0.3)
        time.sleep(max(0.0, start_at - time.time()))
        message = bytes([7]) * size
        cpu = time.process_time()
        for _ in range(count):
            s.send(message, copy=False)
        s.send(b"\0")
        # The I/O thread's work counts too: until the last byte is out (term waits for it).
        s.close(linger=-1)
        ctx.term()
        out({"sent": count, "cpuUs": (time.process_time() - cpu) * 1e6 / max(1, count)})
        return
    elif role == "rep":
        s = ctx.socket(zmq.REP)
        s.rcvtimeo = 30000
        s.bind(endpoint)
        out({"ready": s.getsockopt_string(zmq.LAST_ENDPOINT)})
        # size 0 echoes each request; otherwise the reply is `size` bytes (like NetGear's ack)
        reply = bytes([7]) * size if size > 0 else None
        for _ in range(count):
            request = s.recv(copy=False)
            s.send(reply if reply is not None else request, copy=False)
        out({"echoed": count})
    elif role == "req":
        s = ctx.socket(zmq.REQ)
        s.rcvtimeo = 30000
        s.connect(endpoint)
        message = bytes([7]) * size
        times = []
        for _ in range(count):
            t = time.perf_counter()
            s.send(message, copy=False)
            s.recv(copy=False)
            times.append(time.perf_counter() - t)
        times.sort()
        at = lambda q: times[min(count - 1, int(q * count))] * 1e6
        out({"p50us": at(0.5), "p99us": at(0.99), "roundTrips": count})
    else:
        raise SystemExit(f"unknown role {role!r}")
    # A sender's queue (up to 1,000 frames) drains slowly in a fan-in: wait until all are out,
    # the end marker last (the bench kills a stuck peer).
    s.close(linger=-1 if role in ("push", "pub") else 1000)
    ctx.term()


if __name__ == "__main__":
    main()
