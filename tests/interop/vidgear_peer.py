#!/usr/bin/python3
"""vidgear_peer.py: a stand-in for a Python vidgear NetGear (v0.3.5) peer, for interop tests.

Written from /work/shared/spec/netgear-protocol.md and
/work/shared/reference/vidgear-netgear-facts.md (sections 0-3, 5, 12). No vidgear code was used.
It plays vidgear's side of the wire: the same socket types, socket options, bind/connect roles,
endpoint strings, JSON header keys (same order, written with Python's default json.dumps, as
pyzmq's send_json does), the same reply strings and the same terminate behaviour, and secure mode
(--secure 1|2: CURVE with vidgear's key folder and a zmq.auth ThreadAuthenticator, facts 6). It
does NOT do JPEG (no simplejpeg here) or SSH tunnels.

Run with Debian's Python (it has pyzmq + numpy):  /usr/bin/python3 vidgear_peer.py server|client ...

Roles (vidgear's names):
  server = the sender (vidgear receive_mode=False): CONNECTS; PAIR / REQ / PUB for pattern 0/1/2.
  client = the receiver (vidgear receive_mode=True): BINDS;    PAIR / REP / SUB for pattern 0/1/2.
Endpoint: "<protocol>://<address>:<port>" for tcp and ipc alike (ipc: the port is appended to the
path after a colon, e.g. ipc:///tmp/x/ng:5555).

DETERMINISTIC FRAMES (both roles use the same formula):
  A frame is a C-order array of --shape and --dtype; its payload is prod(shape)*itemsize bytes.
  Byte k (0-based) of the raw payload of frame i (0-based, per sender) is
      b[k] = (i*7 + k + seed) % 256            for every dtype except bool
      b[k] = (i*7 + k + seed) % 256 & 1        for bool (so every byte is 0 or 1)
  and the array is that byte string viewed as the dtype (so float frames may hold NaN bit
  patterns: compare bytes, never values).
  seed = int(port) for a sender in normal or multi-server mode (its single port), 0 in
  multi-client mode (REQ round-robin / PUB broadcast: the sender cannot know the receiver), and 0
  when the port is not a decimal number (ipc with a name). --seed overrides.
  The receiver recovers i (mod 256) from byte 0: i = ((b[0] - seed) * 183) % 256 (183 = 7^-1
  mod 256; for bool only i % 2 is recoverable), then checks every byte. Its seed: --seed if
  given, else the header's "port" (multi-server), 0 (multi-client), else its own bound port.
  Every frame line also carries sha256 of the payload bytes, so a test can verify by itself.

MESSAGES: --message-json is parsed with json.loads (NaN/Infinity allowed, so a test can make
  this peer emit those tokens). Inside every string VALUE (not dict keys), at any depth, the
  substring "{i}" is replaced by the frame index, e.g. {"n": "f{i}"} -> {"n": "f3"} (it stays a
  string). --return-json on the client works the same way, "{i}" = number of frames received
  before the one being answered (0 for the first reply).

STDOUT: one JSON object per line (non-finite floats are printed as {"$nonfinite": "NaN"} so
  the lines are standard JSON). Logs/diagnostics go to stderr.
  both:   {"event":"ready", ...}  once the sockets are bound/connected (flushed).
  server: {"event":"sent","index":i,"header":<exact header text>,"nbytes":n,"sha256":hex}
          {"event":"reply","index":i,"parts":n,"raw":<part 1 as text>,"decoded":<JSON or null>,
           "returned":<what vidgear's send() would return>[, "array":{...}]}
          {"event":"reply_timeout","index":i,"retries_left":n}
          {"event":"terminate","sent":n,"messages":[<exact text>...],"ack":<text or null>}
          {"event":"done","role":"server",...}
  client: {"event":"frame","index":<per-port count>,"port":<as received or null>,"message":...,
           "dtype":...,"shape":...,"compression":...,"jpeg":bool,"nbytes":n,"sha256":hex,
           "size_ok":bool,"verified":bool|null,"formula_index":i%256|null,"seed":s,
           "header":<exact header text>,"reply":<what was replied, or null>}
          {"event":"terminate","port":...,"known":bool,"ack":<text or null>}
          {"event":"rebind","retries_left":n}   {"event":"error","kind":...,"detail":...}
          {"event":"done","role":"client","reason":...,"frames":{str(port):count},...}
EXIT CODES: 0 normal finish; 2 usage error; 3 timeout (overall --timeout-s, retries exhausted,
  subscriber timeout); 4 finished but a protocol error was seen (malformed message, non-JSON
  reply to a bidirectional sender, ...).
"""

import argparse
import hashlib
import json
import math
import os
import random
import string
import sys
import threading
import time

import shutil

import numpy as np
import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_PROTOCOL = 4

INV7 = 183  # 7 * 183 = 1281 = 5 * 256 + 1
assert (7 * INV7) % 256 == 1

ACK_PLAIN = "Termination signal successfully received at Client's end!"
ACK_MULTISERVER = "Termination signal successfully received at client!"

DTYPES = [
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
    "float16", "float32", "float64", "bool",
]

_out_lock = threading.Lock()
_finished = threading.Event()


# ----------------------------------------------------------------------------- output helpers


def _sanitize(v):
    if isinstance(v, float) and not math.isfinite(v):
        return {"$nonfinite": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}
    if isinstance(v, dict):
        return {str(k): _sanitize(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_sanitize(x) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return v


def emit(obj):
    line = json.dumps(_sanitize(obj), allow_nan=False)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log(msg):
    with _out_lock:
        sys.stderr.write("[vidgear_peer] " + msg + "\n")
        sys.stderr.flush()


def start_watchdog(timeout_s, role):
    """Hard bound: whatever happens, the process ends shortly after timeout_s."""

    def fire():
        if _finished.is_set():
            return
        emit({"event": "done", "role": role, "reason": "watchdog", "exit_code": EXIT_TIMEOUT})
        os._exit(EXIT_TIMEOUT)

    t = threading.Timer(timeout_s + 2.0, fire)
    t.daemon = True
    t.start()
    return t


# ----------------------------------------------------------------------------- shared helpers


def endpoint(protocol, address, port):
    # vidgear: protocol + "://" + str(address) + ":" + str(port), for tcp and ipc alike
    return protocol + "://" + str(address) + ":" + str(port)


def parse_port_list(text):
    ports = [p.strip() for p in str(text).split(",")]
    if not ports or any(p == "" for p in ports):
        raise ValueError("empty port in list %r" % text)
    return ports


def as_port_value(port, as_int):
    """The port as vidgear's user would pass it: a string, or an int with --port-as-int."""
    if as_int:
        return int(port)
    return port


def seed_from_port(port):
    try:
        return int(str(port).strip())
    except ValueError:
        return 0


def fill_bytes(i, seed, nbytes, is_bool):
    k = np.arange(nbytes, dtype=np.int64)
    b = ((i * 7 + seed + k) % 256).astype(np.uint8)
    if is_bool:
        b &= 1
    return b


def make_frame(i, seed, dtype, shape):
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    raw = fill_bytes(i, seed, nbytes, dt == np.dtype(bool)).tobytes()
    return np.frombuffer(raw, dtype=dt).reshape(shape)


def verify_bytes(payload, seed, is_bool):
    """Returns (verified, formula_index): does payload follow the formula for some frame index?"""
    n = len(payload)
    if n == 0:
        return True, None
    b = np.frombuffer(payload, dtype=np.uint8)
    if is_bool:
        i = (int(b[0]) - seed) & 1
    else:
        i = ((int(b[0]) - seed) * INV7) % 256
    expected = fill_bytes(i, seed, n, is_bool)
    return bool(np.array_equal(b, expected)), i


def substitute(obj, i):
    if isinstance(obj, str):
        return obj.replace("{i}", str(i))
    if isinstance(obj, list):
        return [substitute(x, i) for x in obj]
    if isinstance(obj, dict):
        return {k: substitute(v, i) for k, v in obj.items()}
    return obj


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def dumps_like_pyzmq(obj):
    # pyzmq send_json == json.dumps(obj) with defaults (", " / ": ", ensure_ascii, NaN allowed)
    return json.dumps(obj).encode("utf8")


def parse_shape(text):
    try:
        shape = tuple(int(x) for x in str(text).split(",") if x.strip() != "")
    except ValueError:
        raise ValueError("bad shape %r" % text)
    if not shape or any(d < 0 for d in shape):
        raise ValueError("bad shape %r" % text)
    return shape


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def remaining_ms(self):
        return max(0, int((self.end - time.monotonic()) * 1000))

    def expired(self):
        return time.monotonic() >= self.end

    def sleep_ms(self, ms):
        if ms <= 0:
            return
        time.sleep(min(ms / 1000.0, max(0.0, self.end - time.monotonic())))


# ----------------------------------------------------------------------------- secure mode


def key_dirs(location):
    """vidgear's key folder (facts 6): <base>/.vidgear/keys/{public_keys,private_keys}, base ~."""
    base = os.path.abspath(location) if location else os.path.expanduser("~")
    if os.path.basename(base) != ".vidgear":
        base = os.path.join(base, ".vidgear")
    keys = os.path.join(base, "keys")
    return os.path.join(keys, "public_keys"), os.path.join(keys, "private_keys")


def ensure_keys(public_dir, private_dir, overwrite):
    """vidgear's generate_auth_certificates, without its mismatch bug: pyzmq's create_certificates
    into private_keys, then the *.key files moved to public_keys."""
    names = [os.path.join(public_dir, "server.key"), os.path.join(public_dir, "client.key"),
             os.path.join(private_dir, "server.key_secret"),
             os.path.join(private_dir, "client.key_secret")]
    if not overwrite and all(os.path.isfile(n) for n in names):
        return
    for d in (public_dir, private_dir):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
    for name in ("server", "client"):
        public_file, _ = zmq.auth.create_certificates(private_dir, name)
        shutil.move(public_file, os.path.join(public_dir, os.path.basename(public_file)))


class Secure:
    """CURVE as vidgear sets it up: a ThreadAuthenticator on both ends (only the receiver's
    matters) allowing the peer's own `address` only, StoneHouse = any key, IronHouse = every
    *.key in public_keys. The receiver is the CURVE server, the sender the CURVE client."""

    def __init__(self, ctx, a, receiver):
        self.public_dir, self.private_dir = key_dirs(a.cert_location)
        ensure_keys(self.public_dir, self.private_dir, a.overwrite_cert and not receiver)
        self.auth = ThreadAuthenticator(ctx)
        self.auth.start()
        self.auth.allow(str(a.address))
        if a.secure == 2:
            self.auth.configure_curve(domain="*", location=self.public_dir)
        else:
            self.auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
        own = "server" if receiver else "client"
        self.public, self.secret = zmq.auth.load_certificate(
            os.path.join(self.private_dir, own + ".key_secret"))
        self.server_key = None
        if not receiver:
            self.server_key, _ = zmq.auth.load_certificate(
                os.path.join(self.public_dir, "server.key"))

    def apply(self, s):
        s.curve_secretkey = self.secret
        s.curve_publickey = self.public
        if self.server_key is None:
            s.curve_server = True
        else:
            s.curve_serverkey = self.server_key

    def stop(self):
        self.auth.stop()


# ----------------------------------------------------------------------------- server (sender)


class Server:
    def __init__(self, a):
        self.a = a
        self.p = a.pattern
        self.ctx = zmq.Context.instance()
        self.dl = Deadline(a.timeout_s)
        self.ports = parse_port_list(a.port)
        if a.multiclient:
            self.port_value = [as_port_value(p, a.port_as_int) for p in self.ports]
        else:
            self.port_value = as_port_value(self.ports[0], a.port_as_int)
        if a.seed is not None:
            self.seed = a.seed
        elif a.multiclient:
            self.seed = 0
        else:
            self.seed = seed_from_port(self.ports[0])
        self.max_retries = a.max_retries
        self.port_buffer = []  # multi-client: client ports learnt from replies
        self.sock = None
        self.sent = 0
        self.replies = 0
        self.timeouts = 0
        self.endpoints = [endpoint(a.protocol, a.address, p) for p in self.ports]
        self.secure = Secure(self.ctx, a, receiver=False) if a.secure else None
        self._open(first=True)

    def _open(self, first):
        sock_type = {0: zmq.PAIR, 1: zmq.REQ, 2: zmq.PUB}[self.p]
        s = self.ctx.socket(sock_type)
        if first:
            # vidgear sets these only on the socket made by the constructor; sockets recreated by
            # the Lazy-Pirate reconnect are plain (facts 2.4), and so are ours.
            if self.p == 1:
                s.setsockopt(zmq.REQ_RELAXED, 1)
                s.setsockopt(zmq.REQ_CORRELATE, 1)
            if self.p == 2:
                s.set_hwm(1)
            if self.secure:
                self.secure.apply(s)
        for ep in self.endpoints:
            s.connect(ep)
        self.sock = s

    def _close_sock(self):
        if self.sock is not None:
            self.sock.setsockopt(zmq.LINGER, 0)
            self.sock.close()
            self.sock = None

    def _send_parts(self, parts):
        """Send a (multi-part) message; bounded by the overall deadline (vidgear blocks)."""
        if not (self.sock.poll(max(1, self.dl.remaining_ms()), zmq.POLLOUT) & zmq.POLLOUT):
            return False
        for j, part in enumerate(parts):
            self.sock.send(part, zmq.SNDMORE if j < len(parts) - 1 else 0)
        return True

    def _recv_after_poll(self, window_ms):
        """vidgear: poll, then a BLOCKING recv. Under REQ_CORRELATE a poll can fire for a stale
        reply that libzmq then drops (recv gives EAGAIN), so keep reading until a real message
        arrives, bounded by window_ms from now (vidgear would block without bound)."""
        end = time.monotonic() + window_ms / 1000.0
        while True:
            try:
                return self.sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                left = min(int((end - time.monotonic()) * 1000), self.dl.remaining_ms())
                if left <= 0 or not (self.sock.poll(left, zmq.POLLIN) & zmq.POLLIN):
                    return None

    def _interpret_reply(self, i, parts):
        a = self.a
        ev = {"event": "reply", "index": i, "parts": len(parts),
              "raw": parts[0].decode("utf-8", errors="replace"), "decoded": None,
              "returned": None}
        try:
            ev["decoded"] = json.loads(parts[0].decode("utf-8"))
        except ValueError:
            pass
        if not (a.bidirectional or a.multiclient):
            # vidgear: plain recv() of one part, only logged; send() returns None
            return ev, None
        # vidgear: recv_json; a plain-string reply raises out of send()
        if ev["decoded"] is None and parts[0].strip() != b"null":
            return ev, "reply-not-json"
        reply = ev["decoded"]
        if not isinstance(reply, dict) or "return_type" not in reply:
            return ev, "reply-missing-keys"
        if a.multiclient:
            if "port" not in reply:
                return ev, "reply-missing-port"
            if reply["port"] not in self.port_buffer:
                self.port_buffer.append(reply["port"])
        if reply["return_type"] == "ndarray":
            if len(parts) < 2:
                return ev, "ndarray-reply-without-payload"
            payload = parts[1]
            info = {"nbytes": len(payload), "sha256": sha256(payload),
                    "compression": reply.get("compression", False)}
            if reply.get("compression"):
                info["jpeg"] = True
                info["decoded"] = False
            else:
                try:
                    arr = np.frombuffer(payload, dtype=np.dtype(reply["array_dtype"]))
                    arr = arr.reshape(reply["array_shape"])
                    info["dtype"] = str(arr.dtype)
                    info["shape"] = list(arr.shape)
                except (KeyError, TypeError, ValueError) as e:
                    ev["array"] = info
                    return ev, "ndarray-reply-undecodable: %s" % e
            ev["array"] = info
            data = {"ndarray": info}
        else:
            data = reply.get("data")
        ev["returned"] = [reply["port"], data] if a.multiclient else data
        return ev, None

    def run(self):
        a = self.a
        emit({"event": "ready", "role": "server", "pattern": self.p, "protocol": a.protocol,
              "secure": a.secure,
              "endpoints": self.endpoints, "multiserver": a.multiserver,
              "multiclient": a.multiclient, "bidirectional": a.bidirectional, "seed": self.seed,
              "pid": os.getpid()})
        self.dl.sleep_ms(a.startup_delay_ms)
        base_msg = json.loads(a.message_json) if a.message_json is not None else None
        shape = parse_shape(a.shape)
        error = None
        for i in range(a.frames):
            if self.dl.expired():
                return self.finish("timeout", EXIT_TIMEOUT, terminate=False)
            frame = make_frame(i, self.seed, a.dtype, shape)
            header = {}
            if a.multiserver:
                header["port"] = self.port_value  # first key, verbatim type
            header["terminate_flag"] = False
            header["compression"] = False
            header["message"] = substitute(base_msg, i)
            header["pattern"] = str(self.p)
            header["dtype"] = str(frame.dtype)
            header["shape"] = list(frame.shape)
            hbytes = dumps_like_pyzmq(header)
            payload = frame.tobytes()  # C order, native (little-endian) byte order
            if not self._send_parts([hbytes, payload]):
                return self.finish("timeout", EXIT_TIMEOUT, terminate=False)
            self.sent += 1
            emit({"event": "sent", "index": i, "header": hbytes.decode("utf-8"),
                  "nbytes": len(payload), "sha256": sha256(payload)})
            if self.p < 2:
                wait = min(a.request_timeout_ms, self.dl.remaining_ms())
                parts = None
                if self.sock.poll(wait, zmq.POLLIN) & zmq.POLLIN:
                    parts = self._recv_after_poll(a.request_timeout_ms)
                if parts is not None:
                    self.replies += 1
                    ev, error = self._interpret_reply(i, parts)
                    emit(ev)
                    if error is not None:
                        # vidgear's send() raises here; the app dies without close()
                        emit({"event": "error", "kind": error.split(":")[0], "detail": error,
                              "index": i})
                        return self.finish("send-raised", EXIT_PROTOCOL, terminate=False)
                else:
                    if self.dl.expired():
                        return self.finish("timeout", EXIT_TIMEOUT, terminate=False)
                    # Lazy Pirate: close with linger 0, count, reconnect a plain socket
                    self.timeouts += 1
                    self._close_sock()
                    self.max_retries -= 1
                    emit({"event": "reply_timeout", "index": i,
                          "retries_left": self.max_retries})
                    if self.max_retries == 0:  # vidgear: `if not max_retries` after -= 1
                        detail = ("Client(s) seems to be offline, Abandoning."
                                  if a.bidirectional or a.multiclient
                                  else "Client seems to be offline, Abandoning!")
                        emit({"event": "error", "kind": "retries-exhausted", "detail": detail})
                        return self.finish("retries-exhausted", EXIT_TIMEOUT, terminate=False)
                    self._open(first=False)
            if a.interval_ms > 0:
                self.dl.sleep_ms(a.interval_ms)
        return self.finish("sent-all", EXIT_OK, terminate=True)

    def _terminate(self):
        """vidgear close() on the sender (facts 3.6, 3.6b, 5)."""
        a = self.a
        ev = {"event": "terminate", "sent": 0, "messages": [], "ack": None, "skipped": None}
        if self.sock is None:
            ev["skipped"] = "no-socket"
            return ev
        if self.p < 2 and self.max_retries == 0:
            ev["skipped"] = "max_retries==0"
            return ev
        if a.multiclient and not self.port_buffer:
            ev["skipped"] = "multiclient-empty-port-buffer"
            return ev
        term = {"terminate_flag": True}
        if a.multiserver:
            term["port"] = self.port_value
        tbytes = dumps_like_pyzmq(term)
        count = len(self.port_buffer) if a.multiclient else 1
        try:
            for _ in range(count):
                if not self._send_parts([tbytes]):
                    break
                ev["sent"] += 1
                ev["messages"].append(tbytes.decode("utf-8"))
            if self.p < 2:
                wait = min(a.request_timeout_ms // 5, self.dl.remaining_ms())
                if self.sock.poll(wait, zmq.POLLIN) & zmq.POLLIN:
                    ack = self._recv_after_poll(a.request_timeout_ms)
                    if ack is not None:
                        ev["ack"] = ack[0].decode("utf-8", errors="replace")
        except zmq.ZMQError as e:  # vidgear swallows ZMQError in close()
            ev["zmq_error"] = str(e)
        if a.terminate_grace_ms > 0:
            self.dl.sleep_ms(a.terminate_grace_ms)
        return ev

    def finish(self, reason, code, terminate):
        term = None
        if terminate:
            term = self._terminate()
            emit(term)
        self._close_sock()
        if self.secure:
            self.secure.stop()
        self.ctx.destroy(linger=0)
        done = {"event": "done", "role": "server", "reason": reason, "sent": self.sent,
                "replies": self.replies, "timeouts": self.timeouts,
                "terminate_sent": bool(term and term["sent"]),
                "terminate_ack": term["ack"] if term else None, "exit_code": code}
        if self.a.multiclient:
            done["port_buffer"] = self.port_buffer
        _finished.set()
        emit(done)
        return code


# ----------------------------------------------------------------------------- client (receiver)


class Client:
    def __init__(self, a):
        self.a = a
        self.p = a.pattern
        self.ctx = zmq.Context.instance()
        self.dl = Deadline(a.timeout_s)
        self.ports = parse_port_list(a.ports)
        self.endpoints = [endpoint(a.protocol, a.address, p) for p in self.ports]
        self.own_port = as_port_value(self.ports[0], a.port_as_int)
        self.system_id = a.system_id or "".join(
            random.choice(string.ascii_uppercase + string.digits) for _ in range(8))
        self.max_retries = a.max_retries
        self.port_buffer = []  # multi-server: live servers, by the port they declare
        self.terminated = []
        self.counts = {}  # key: json text of port -> [port, count]
        self.total = 0
        self.errors = 0
        self.replies_sent = 0
        self.return_json = json.loads(a.return_json) if a.return_json is not None else None
        self.return_shape = parse_shape(a.return_array_shape) if a.return_array_shape else None
        self.sock = None
        self.secure = Secure(self.ctx, a, receiver=True) if a.secure else None
        self._open(first=True)

    def _open(self, first=False):
        sock_type = {0: zmq.PAIR, 1: zmq.REP, 2: zmq.SUB}[self.p]
        s = self.ctx.socket(sock_type)
        if self.p == 2:
            s.set_hwm(1)
            s.setsockopt_string(zmq.SUBSCRIBE, "")
        if first and self.secure:
            # vidgear's rebound sockets are plain (facts 2.4): CURVE on the first one only
            self.secure.apply(s)
        for ep in self.endpoints:
            # a rebind right after a linger-0 close may briefly see EADDRINUSE: retry for 2 s
            until = time.monotonic() + 2.0
            while True:
                try:
                    s.bind(ep)
                    break
                except zmq.ZMQError as e:
                    if e.errno != zmq.EADDRINUSE or time.monotonic() > until:
                        s.setsockopt(zmq.LINGER, 0)
                        s.close()
                        raise
                    time.sleep(0.05)
        self.sock = s

    def _close_sock(self):
        if self.sock is not None:
            self.sock.setsockopt(zmq.LINGER, 0)
            self.sock.close()
            self.sock = None

    def _error(self, kind, detail):
        self.errors += 1
        emit({"event": "error", "kind": kind, "detail": detail})

    def _reply(self, received_before):
        """One reply per frame message, patterns 0 and 1 (facts 3.4). Returns its description."""
        a = self.a
        if not (a.bidirectional or a.multiclient):
            text = "Data received on device: %s !" % self.system_id
            self.sock.send_string(text)
            return text
        if self.return_shape is not None:
            arr = make_frame(received_before, a.return_array_seed, a.return_array_dtype,
                             self.return_shape)
            d = {}
            if a.multiclient:
                d["port"] = self.own_port
            d["return_type"] = "ndarray"
            d["compression"] = False
            d["array_dtype"] = str(arr.dtype)
            d["array_shape"] = list(arr.shape)
            d["data"] = None
            hb = dumps_like_pyzmq(d)
            payload = arr.tobytes()
            self.sock.send(hb, zmq.SNDMORE)
            self.sock.send(payload)
            return {"header": hb.decode("utf-8"), "nbytes": len(payload),
                    "sha256": sha256(payload)}
        data = substitute(self.return_json, received_before)
        d = {}
        if a.multiclient:
            d["port"] = self.own_port
        d["return_type"] = type(data).__name__
        d["data"] = data
        hb = dumps_like_pyzmq(d)
        self.sock.send(hb)
        return hb.decode("utf-8")

    def _count_key(self, port):
        return json.dumps(port)

    def _handle_terminate(self, header, parts):
        """Returns a done reason when the receiver is finished, else None."""
        a = self.a
        if len(parts) > 1:
            self._error("terminate-with-extra-parts", "%d parts" % len(parts))
        if not a.multiserver:
            ack = None
            if self.p == 1:
                ack = ACK_PLAIN
                self.sock.send_string(ack)
            self.terminated.append(header.get("port"))
            emit({"event": "terminate", "port": header.get("port"), "known": True, "ack": ack})
            return "terminated"
        if "port" not in header:
            # vidgear: KeyError kills its thread; we report and carry on (and answer in p1)
            self._error("terminate-without-port", json.dumps(header))
            if self.p == 1:
                self.sock.send_string(ACK_MULTISERVER)
            return None
        port = header["port"]
        if port in self.port_buffer:
            ack = None
            if self.p == 1:
                ack = ACK_MULTISERVER
                self.sock.send_string(ack)
            self.port_buffer.remove(port)
            self.terminated.append(port)
            emit({"event": "terminate", "port": port, "known": True, "ack": ack,
                  "live": list(self.port_buffer)})
            if not self.port_buffer:
                return "all-terminated"
            return None
        # unknown port: vidgear sends NO reply (the REP stalls until its poll times out and it
        # rebinds); if no server is known at all, it terminates at once.
        emit({"event": "terminate", "port": port, "known": False, "ack": None,
              "live": list(self.port_buffer)})
        if not self.port_buffer:
            self.terminated.append(port)
            return "all-terminated"
        return None

    def _handle_frame(self, header, parts, raw_header):
        a = self.a
        reply = None
        received_before = self.total
        if len(parts) != 2:
            self._error("part-count", "frame message with %d parts" % len(parts))
        if self.p < 2:
            # vidgear replies right after reading, before decoding
            reply = self._reply(received_before)
            self.replies_sent += 1
        if len(parts) < 2:
            return None
        payload = parts[1]
        port = header.get("port") if a.multiserver else None
        if a.multiserver:
            if "port" not in header:
                self._error("frame-without-port", raw_header)
            elif port not in self.port_buffer:
                self.port_buffer.append(port)
        key = self._count_key(port)
        entry = self.counts.setdefault(key, [port, 0])
        index = entry[1]
        entry[1] += 1
        self.total += 1
        compression = header.get("compression", False)
        ev = {"event": "frame", "index": index, "port": port, "message": header.get("message"),
              "dtype": header.get("dtype"), "shape": header.get("shape"),
              "compression": compression, "jpeg": bool(compression), "nbytes": len(payload),
              "sha256": sha256(payload), "size_ok": None, "verified": None,
              "formula_index": None, "seed": None, "header": raw_header, "reply": reply}
        for k in ("terminate_flag", "compression", "dtype", "shape"):
            if k not in header:
                self._error("missing-key", "%s missing in %s" % (k, raw_header))
        if compression:
            ev["decoded"] = False  # JPEG: no simplejpeg here; reported, not decoded
        else:
            try:
                dt = np.dtype(header["dtype"])
                shape = [int(x) for x in header["shape"]]
                if any(d < 0 for d in shape):
                    raise ValueError("negative dimension")
                expected = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
                ev["size_ok"] = expected == len(payload)
                if not ev["size_ok"]:
                    self._error("size-mismatch", "expected %d bytes, got %d"
                                % (expected, len(payload)))
                else:
                    if a.seed is not None:
                        seed = a.seed
                    elif a.multiserver:
                        seed = seed_from_port(port)
                    elif a.multiclient:
                        seed = 0
                    else:
                        seed = seed_from_port(self.ports[0])
                    ev["seed"] = seed
                    ev["verified"], ev["formula_index"] = verify_bytes(
                        payload, seed, dt == np.dtype(bool))
            except (KeyError, TypeError, ValueError) as e:
                self._error("bad-dtype-or-shape", "%s in %s" % (e, raw_header))
        emit(ev)
        if a.max_frames and self.total >= a.max_frames:
            return "max-frames"
        return None

    def run(self):
        a = self.a
        emit({"event": "ready", "role": "client", "pattern": self.p, "protocol": a.protocol,
              "secure": a.secure,
              "endpoints": self.endpoints, "multiserver": a.multiserver,
              "multiclient": a.multiclient, "bidirectional": a.bidirectional,
              "system_id": self.system_id, "pid": os.getpid()})
        while True:
            if self.dl.expired():
                return self.finish("timeout", EXIT_TIMEOUT)
            if self.p < 2:
                wait = min(3 * a.request_timeout_ms, self.dl.remaining_ms())
            else:
                wait = self.dl.remaining_ms()
                if a.subscriber_timeout_s:
                    wait = min(wait, int(a.subscriber_timeout_s * 1000))
            if not (self.sock.poll(max(wait, 1), zmq.POLLIN) & zmq.POLLIN):
                if self.dl.expired():
                    return self.finish("timeout", EXIT_TIMEOUT)
                if self.p == 2:
                    # only the subscriber timeout can get here ("Connection Timeout. Exiting!")
                    return self.finish("subscriber-timeout", EXIT_TIMEOUT)
                # Lazy Pirate on the receiver: close, count, rebind a plain socket
                self._close_sock()
                self.max_retries -= 1
                emit({"event": "rebind", "retries_left": self.max_retries})
                if self.max_retries == 0:
                    return self.finish("retries-exhausted", EXIT_TIMEOUT)
                try:
                    self._open()
                except zmq.ZMQError as e:
                    self._error("rebind-failed", str(e))
                    return self.finish("rebind-failed", EXIT_TIMEOUT)
                continue
            parts = self.sock.recv_multipart(zmq.NOBLOCK)
            raw_header = parts[0].decode("utf-8", errors="replace")
            try:
                header = json.loads(parts[0].decode("utf-8"))
                if not isinstance(header, dict):
                    raise ValueError("header is not a JSON object")
            except ValueError as e:
                self._error("bad-json", "%s: %r" % (e, parts[0][:200]))
                if self.p < 2:  # answer anyway so the sender is not stuck (vidgear dies here)
                    self._reply(self.total)
                continue
            if "terminate_flag" not in header:
                self._error("missing-key", "terminate_flag missing in %s" % raw_header)
            if header.get("terminate_flag"):
                reason = self._handle_terminate(header, parts)
            else:
                reason = self._handle_frame(header, parts, raw_header)
            if reason is not None:
                return self.finish(reason, EXIT_OK)

    def finish(self, reason, code):
        self._close_sock()
        if self.secure:
            self.secure.stop()
        self.ctx.destroy(linger=0)
        if code == EXIT_OK and self.errors:
            code = EXIT_PROTOCOL
        _finished.set()
        emit({"event": "done", "role": "client", "reason": reason,
              "frames": {(k if not isinstance(v[0], str) else v[0]): v[1]
                         for k, v in self.counts.items()},
              "frames_by_port": [[v[0], v[1]] for v in self.counts.values()],
              "frames_total": self.total, "terminated": self.terminated,
              "live": list(self.port_buffer), "replies_sent": self.replies_sent,
              "errors": self.errors, "system_id": self.system_id, "exit_code": code})
        return code


# ----------------------------------------------------------------------------- CLI


def build_parser():
    ap = argparse.ArgumentParser(
        description="A Python stand-in for a vidgear NetGear peer (written from the spec).")
    sub = ap.add_subparsers(dest="role", required=True)

    def common(p):
        p.add_argument("--address", default="127.0.0.1",
                       help="host/IP (tcp) or socket path prefix (ipc); default 127.0.0.1")
        p.add_argument("--pattern", type=int, choices=[0, 1, 2], default=0)
        p.add_argument("--protocol", choices=["tcp", "ipc"], default="tcp")
        p.add_argument("--multiserver", action="store_true")
        p.add_argument("--multiclient", action="store_true")
        p.add_argument("--bidirectional", action="store_true")
        p.add_argument("--request-timeout-ms", type=int, default=4000)
        p.add_argument("--max-retries", type=int, default=3)
        p.add_argument("--timeout-s", type=float, default=None,
                       help="overall bound; the process always exits by then")
        p.add_argument("--port-as-int", action="store_true",
                       help="put the port in JSON as a number (server: header 'port' in "
                            "multi-server mode; client: reply 'port' in multi-client mode)")
        p.add_argument("--seed", type=int, default=None,
                       help="frame formula seed (default: see file header)")
        p.add_argument("--secure", type=int, choices=[0, 1, 2], default=0,
                       help="secure mode: 1 StoneHouse, 2 IronHouse (vidgear's secure_mode)")
        p.add_argument("--cert-location", default=None,
                       help="secure mode: base of .vidgear/keys (vidgear's custom_cert_location)")
        p.add_argument("--overwrite-cert", action="store_true",
                       help="secure mode, server: make new keys first (vidgear's overwrite_cert)")

    s = sub.add_parser("server", help="the sender (connects)")
    common(s)
    s.add_argument("--port", default="5555",
                   help="own port; in multi-client mode a comma list of client ports")
    s.add_argument("--frames", type=int, default=1)
    s.add_argument("--shape", default="48,64,3")
    s.add_argument("--dtype", default="uint8", choices=DTYPES)
    s.add_argument("--message-json", default=None,
                   help="JSON message sent with each frame; '{i}' in strings -> frame index")
    s.add_argument("--interval-ms", type=int, default=0,
                   help="sleep after each frame (also after the last one, before close())")
    s.add_argument("--startup-delay-ms", type=int, default=0,
                   help="sleep after connect, before the first frame (PUB slow joiner)")
    s.add_argument("--terminate-grace-ms", type=int, default=0,
                   help="sleep after sending the terminate, before the linger-0 close "
                        "(vidgear: 0; helps a PUB terminate get out)")

    c = sub.add_parser("client", help="the receiver (binds)")
    common(c)
    c.add_argument("--ports", default="5555",
                   help="comma list in multi-server mode, else a single port")
    c.add_argument("--return-json", default=None,
                   help="bidirectional return data (JSON); '{i}' in strings -> frames received "
                        "before the answered one")
    c.add_argument("--return-array-shape", default=None,
                   help="reply with an ndarray of this shape instead (bidirectional/multiclient)")
    c.add_argument("--return-array-dtype", default="uint8", choices=DTYPES)
    c.add_argument("--return-array-seed", type=int, default=0)
    c.add_argument("--max-frames", type=int, default=0, help="stop after N frames (0: no limit)")
    c.add_argument("--subscriber-timeout-s", type=float, default=None,
                   help="pattern 2: end after this long without a message (vidgear option)")
    c.add_argument("--system-id", default=None, help="8 chars A-Z0-9 (default: random)")
    return ap


def validate(ap, a):
    # vidgear's construction-time rules (facts 1.2-1.4)
    if (a.multiserver or a.multiclient) and a.pattern == 0:
        ap.error("multi-server/multi-client mode needs pattern 1 or 2")
    if a.multiserver and a.multiclient:
        ap.error("multi-server and multi-client cannot both be on")
    if a.bidirectional and a.pattern == 2:
        ap.error("bidirectional mode needs pattern 0 or 1")
    if a.request_timeout_ms <= 0:
        ap.error("--request-timeout-ms must be > 0")
    if a.timeout_s is None:
        a.timeout_s = 60.0 if a.role == "server" else 30.0
    if a.timeout_s <= 0:
        ap.error("--timeout-s must be > 0")
    try:
        ports = parse_port_list(a.port if a.role == "server" else a.ports)
    except ValueError as e:
        ap.error(str(e))
    many_ok = a.multiclient if a.role == "server" else a.multiserver
    if len(ports) > 1 and not many_ok:
        ap.error("a port list needs --multiclient (server) / --multiserver (client)")
    if a.port_as_int and not all(p.isdigit() for p in ports):
        ap.error("--port-as-int needs numeric ports")
    if a.role == "server":
        try:
            parse_shape(a.shape)
        except ValueError as e:
            ap.error(str(e))
        if a.message_json is not None:
            try:
                json.loads(a.message_json)
            except ValueError as e:
                ap.error("--message-json: %s" % e)
        if a.frames < 0:
            ap.error("--frames must be >= 0")
    else:
        if a.return_json is not None:
            try:
                json.loads(a.return_json)
            except ValueError as e:
                ap.error("--return-json: %s" % e)
            if a.return_array_shape:
                ap.error("--return-json and --return-array-shape are exclusive")
        if a.return_array_shape:
            try:
                parse_shape(a.return_array_shape)
            except ValueError as e:
                ap.error(str(e))
        if a.system_id is not None and (
                len(a.system_id) != 8
                or any(ch not in string.ascii_uppercase + string.digits for ch in a.system_id)):
            ap.error("--system-id must be 8 chars of A-Z0-9")
        if a.multiclient and a.pattern == 2 and a.bidirectional:
            ap.error("bidirectional mode needs pattern 0 or 1")


def main(argv=None):
    ap = build_parser()
    a = ap.parse_args(argv)
    validate(ap, a)
    start_watchdog(a.timeout_s, a.role)
    try:
        peer = Server(a) if a.role == "server" else Client(a)
    except zmq.ZMQError as e:
        emit({"event": "error", "kind": "socket-setup", "detail": str(e)})
        _finished.set()
        emit({"event": "done", "role": a.role, "reason": "socket-setup-failed",
              "exit_code": EXIT_PROTOCOL})
        return EXIT_PROTOCOL
    return peer.run()


if __name__ == "__main__":
    sys.exit(main())
