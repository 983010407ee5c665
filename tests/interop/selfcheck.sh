#!/usr/bin/env bash
# Self-check of vidgear_peer.py: its server role against its client role, over tcp (127.0.0.1,
# ports 15566+) and ipc (a temp dir). Every process is bounded (`timeout` + the peer's own
# --timeout-s). Usage: tests/interop/selfcheck.sh   (exit 0 = all cases passed)
set -u
PY=/usr/bin/python3 # Debian's Python: it has pyzmq + numpy (the pyenv python3 has no zmq)
HERE=$(cd "$(dirname "$0")" && pwd)
PEER="$HERE/vidgear_peer.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ngpeer.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0

# wait_ready FILE SECONDS: wait for the peer's {"event": "ready"} line
wait_ready() {
  local f=$1 n=$(($2 * 20))
  while ((n-- > 0)); do
    grep -q '"event": "ready"' "$f" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# run_case NAME EXPECT_JSON "CLIENT ARGS" ["CLIENT2 ARGS" ...] -- "SERVER ARGS" ["SERVER2 ARGS" ...]
# Args are split on whitespace (so JSON arguments must not contain spaces).
run_case() {
  local name=$1 expect=$2
  shift 2
  local dir="$TMP/$name" clients=() servers=() side=c
  mkdir -p "$dir"
  for a in "$@"; do
    if [[ $a == -- ]]; then side=s; elif [[ $side == c ]]; then clients+=("$a"); else servers+=("$a"); fi
  done
  local cpids=() spids=() i=0 args
  for c in "${clients[@]}"; do
    read -r -a args <<<"$c"
    (timeout 40 "$PY" "$PEER" client "${args[@]}" >"$dir/client$i.out" 2>"$dir/client$i.err"
      echo $? >"$dir/client$i.rc") &
    cpids+=($!)
    if ! wait_ready "$dir/client$i.out" 10; then echo "[$name] client$i never ready"; fi
    i=$((i + 1))
  done
  i=0
  for s in "${servers[@]}"; do
    read -r -a args <<<"$s"
    (timeout 40 "$PY" "$PEER" server "${args[@]}" >"$dir/server$i.out" 2>"$dir/server$i.err"
      echo $? >"$dir/server$i.rc") &
    spids+=($!)
    i=$((i + 1))
  done
  wait "${cpids[@]}" "${spids[@]}"
  if "$PY" - "$dir" "$expect" <<'EOF'; then
import collections, glob, json, os, re, sys
d, exp = sys.argv[1], json.loads(sys.argv[2])
def lines(f):
    return [json.loads(l) for l in open(f) if l.strip()]
def rc(f):
    return int(open(f).read().strip() or -1)
cl = sorted(glob.glob(os.path.join(d, "client*.out")))
sv = sorted(glob.glob(os.path.join(d, "server*.out")))
C = [lines(f) for f in cl]; S = [lines(f) for f in sv]
errs = []
def check(cond, msg):
    if not cond: errs.append(msg)
check([rc(f[:-4] + ".rc") for f in cl] == exp.get("client_rc", [0] * len(cl)), "client rc %s" % [rc(f[:-4] + ".rc") for f in cl])
check([rc(f[:-4] + ".rc") for f in sv] == exp.get("server_rc", [0] * len(sv)), "server rc %s" % [rc(f[:-4] + ".rc") for f in sv])
sent = collections.Counter()  # (header text, sha256) of every frame every server sent
for s in S:
    for e in s:
        if e["event"] == "sent": sent[(e["header"], e["sha256"])] += 1
got = collections.Counter()
frames_total = 0
for k, c in enumerate(C):
    done = [e for e in c if e["event"] == "done"]
    check(len(done) == 1, "client%d: no done line" % k)
    if not done: continue
    done = done[0]
    if "frames" in exp:
        want = exp["frames"][k] if isinstance(exp["frames"], list) else exp["frames"]
        check(done["frames"] == want, "client%d frames %s != %s" % (k, done["frames"], want))
    if "terminated" in exp:
        want = exp["terminated"][k] if isinstance(exp["terminated"][0], list) else exp["terminated"]
        check(sorted(map(json.dumps, done["terminated"])) == sorted(map(json.dumps, want)),
              "client%d terminated %s != %s" % (k, done["terminated"], want))
    check(done["errors"] == 0, "client%d errors %d" % (k, done["errors"]))
    for e in c:
        if e["event"] != "frame": continue
        frames_total += 1
        check(e["verified"] is True and e["size_ok"] is True, "frame not verified: %s" % e)
        got[(e["header"], e["sha256"])] += 1
        if "reply" in exp:
            check(re.fullmatch(exp["reply"], json.dumps(e["reply"])) is not None, "client reply %r !~ %s" % (e["reply"], exp["reply"]))
check(got == sent, "received (header, sha256) multiset != sent: %d received, %d sent, %d differ"
      % (frames_total, sum(sent.values()), sum(((got - sent) + (sent - got)).values())))
for k, s in enumerate(S):
    done = [e for e in s if e["event"] == "done"]
    check(len(done) == 1, "server%d: no done line" % k)
    if not done: continue
    done = done[0]
    check(done["terminate_ack"] == exp.get("ack"), "server%d ack %r != %r" % (k, done["terminate_ack"], exp.get("ack")))
    replies = [e for e in s if e["event"] == "reply"]
    if "server_reply_raw" in exp:
        check(len(replies) == done["sent"], "server%d: %d replies for %d frames" % (k, len(replies), done["sent"]))
        for r in replies:
            check(re.fullmatch(exp["server_reply_raw"], r["raw"]) is not None, "server%d reply raw %r" % (k, r["raw"]))
            if "server_returned" in exp:
                check(re.fullmatch(exp["server_returned"], json.dumps(r["returned"])) is not None, "server%d returned %r" % (k, r["returned"]))
    else:
        check(not replies, "server%d got replies in a no-reply pattern" % k)
nf = sum(e["event"] == "frame" for c in C for e in c)
summary = "frames received=%d sent=%d, all byte-verified, headers identical" % (nf, sum(sent.values()))
if errs:
    print("   " + "\n   ".join(errs[:10])); sys.exit(1)
print("   " + summary)
EOF
    echo "PASS $name"
    PASS=$((PASS + 1))
  else
    echo "FAIL $name (outputs in $dir)"
    for f in "$dir"/*.out "$dir"/*.err; do echo "--- $f"; tail -n 5 "$f"; done
    FAIL=$((FAIL + 1))
  fi
}

ACKP="Termination signal successfully received at Client's end!"
ACKM="Termination signal successfully received at client!"
DEV='Data received on device: [A-Z0-9]{8} !'
IPC="$TMP/ipc"
mkdir -p "$IPC"

# --- wire check: a raw ROUTER plays the REP and looks at the REQ's envelope (REQ_CORRELATE)
wire_check() {
  (timeout 20 "$PY" "$PEER" server --pattern 1 --port 15599 --frames 1 --shape 2,2 \
    --timeout-s 15 >"$TMP/wire.server.out" 2>&1) &
  local spid=$!
  if timeout 20 "$PY" - <<'EOF'; then
import json, zmq
ctx = zmq.Context(); r = ctx.socket(zmq.ROUTER); r.bind("tcp://127.0.0.1:15599")
assert r.poll(10000), "no frame"
m = r.recv_multipart()
# [routing id][4-byte request id][empty][JSON header][payload]
assert len(m) == 5 and len(m[1]) == 4 and m[2] == b"", [len(x) for x in m]
h = m[3].decode()
assert h == '{"terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [2, 2]}', h
assert m[4] == bytes((15599 + k) % 256 for k in range(4)), m[4]
r.send_multipart(m[:3] + [b"Data received on device: WIRE0000 !"])
assert r.poll(10000), "no terminate"
t = r.recv_multipart()
assert len(t) == 4 and len(t[1]) == 4 and t[2] == b"" and t[3] == b'{"terminate_flag": true}', t
assert int.from_bytes(t[1], "little") == (int.from_bytes(m[1], "little") + 1) % 2**32, (m[1], t[1])
r.send_multipart(t[:3] + [b"Termination signal successfully received at Client's end!"])
print("   envelope: id=%s, header=%s" % (m[1].hex(), h))
r.close(0); ctx.term()
EOF
    wait $spid && grep -q '"terminate_ack": "Termination signal successfully received at Client'"'"'s end!"' "$TMP/wire.server.out" &&
      { echo "PASS wire-req-envelope"; PASS=$((PASS + 1)); return; }
  fi
  wait $spid 2>/dev/null
  echo "FAIL wire-req-envelope"; cat "$TMP/wire.server.out"; FAIL=$((FAIL + 1))
}
wire_check

# --- plain pattern 0 (PAIR), tcp: no terminate ack in pattern 0
run_case tcp-p0-plain \
  "{\"frames\": {\"null\": 5}, \"terminated\": [null], \"ack\": null, \"server_reply_raw\": \"$DEV\"}" \
  "--pattern 0 --ports 15566 --timeout-s 20" -- \
  "--pattern 0 --port 15566 --frames 5 --shape 48,64,3 --message-json {\"i\":\"{i}\",\"u\":\"é\"} --timeout-s 20"

# --- plain pattern 1 (REQ/REP), tcp, float32 frames
run_case tcp-p1-plain \
  "{\"frames\": {\"null\": 4}, \"terminated\": [null], \"ack\": \"$ACKP\", \"server_reply_raw\": \"$DEV\"}" \
  "--pattern 1 --ports 15567 --timeout-s 20" -- \
  "--pattern 1 --port 15567 --frames 4 --shape 10,8 --dtype float32 --message-json [1,2.5,null] --timeout-s 20"

# --- plain pattern 1 + bidirectional, tcp
run_case tcp-p1-bidir \
  "{\"frames\": {\"null\": 3}, \"terminated\": [null], \"ack\": \"$ACKP\", \"server_reply_raw\": \"\\\\{\\\"return_type\\\": \\\"dict\\\", \\\"data\\\": \\\\{\\\"back\\\": \\\"r[0-2]\\\"\\\\}\\\\}\", \"server_returned\": \"\\\\{\\\"back\\\": \\\"r[0-2]\\\"\\\\}\"}" \
  "--pattern 1 --bidirectional --ports 15568 --return-json {\"back\":\"r{i}\"} --timeout-s 20" -- \
  "--pattern 1 --bidirectional --port 15568 --frames 3 --shape 4,4 --dtype int16 --message-json \"hello\" --timeout-s 20"

# --- pattern 1 multi-server, 2 servers, bidirectional, tcp (one server sends its port as a number)
run_case tcp-p1-multiserver-bidir \
  "{\"frames\": {\"15570\": 5, \"15571\": 5}, \"terminated\": [\"15570\", 15571], \"ack\": \"$ACKM\", \"server_reply_raw\": \"\\\\{\\\"return_type\\\": \\\"str\\\", \\\"data\\\": \\\"ok[0-9]+\\\"\\\\}\", \"server_returned\": \"\\\"ok[0-9]+\\\"\"}" \
  "--pattern 1 --multiserver --bidirectional --ports 15570,15571 --return-json \"ok{i}\" --timeout-s 25" -- \
  "--pattern 1 --multiserver --bidirectional --port 15570 --frames 5 --shape 48,64,3 --message-json {\"cam\":\"A\",\"n\":\"{i}\"} --interval-ms 150 --timeout-s 25" \
  "--pattern 1 --multiserver --bidirectional --port 15571 --port-as-int --frames 5 --shape 48,64 --dtype bool --message-json {\"cam\":\"B\",\"n\":\"{i}\"} --interval-ms 150 --timeout-s 25"

# --- pattern 1 multi-server without bidirectional (string replies), tcp. In multi-server mode
# the client ends once every port it has SEEN has terminated, so the servers send at an interval
# to make sure both are seen before either one terminates (true of vidgear too).
run_case tcp-p1-multiserver \
  "{\"frames\": {\"15572\": 3, \"15573\": 3}, \"terminated\": [\"15572\", \"15573\"], \"ack\": \"$ACKM\", \"server_reply_raw\": \"$DEV\"}" \
  "--pattern 1 --multiserver --ports 15572,15573 --timeout-s 25" -- \
  "--pattern 1 --multiserver --port 15572 --frames 3 --shape 8,8,3 --interval-ms 150 --timeout-s 25" \
  "--pattern 1 --multiserver --port 15573 --frames 3 --shape 8,8,3 --interval-ms 150 --timeout-s 25"

# --- pattern 2 multi-server (PUB/SUB), 2 servers, tcp; the startup delay beats the slow joiner
run_case tcp-p2-multiserver \
  "{\"frames\": {\"15574\": 6, \"15575\": 6}, \"terminated\": [\"15574\", \"15575\"], \"ack\": null}" \
  "--pattern 2 --multiserver --ports 15574,15575 --timeout-s 25" -- \
  "--pattern 2 --multiserver --port 15574 --frames 6 --shape 48,64,3 --interval-ms 50 --startup-delay-ms 500 --terminate-grace-ms 200 --message-json {\"n\":\"{i}\"} --timeout-s 25" \
  "--pattern 2 --multiserver --port 15575 --frames 6 --shape 48,64,3 --dtype uint16 --interval-ms 50 --startup-delay-ms 500 --terminate-grace-ms 200 --timeout-s 25"

# --- pattern 1 multi-client, 2 clients, bidirectional, tcp: REQ round-robin, replies carry "port"
run_case tcp-p1-multiclient-bidir \
  "{\"frames\": [{\"null\": 2}, {\"null\": 2}], \"terminated\": [null], \"ack\": \"$ACKP\", \"server_reply_raw\": \"\\\\{\\\"port\\\": \\\"1557[67]\\\", \\\"return_type\\\": \\\"int\\\", \\\"data\\\": 7\\\\}\", \"server_returned\": \"\\\\[\\\"1557[67]\\\", 7\\\\]\"}" \
  "--pattern 1 --multiclient --bidirectional --ports 15576 --return-json 7 --timeout-s 20" \
  "--pattern 1 --multiclient --bidirectional --ports 15577 --return-json 7 --timeout-s 20" -- \
  "--pattern 1 --multiclient --bidirectional --port 15576,15577 --frames 4 --shape 6,6 --message-json \"mc\" --timeout-s 20"

# --- ipc: plain pattern 1, pattern 1 multi-server + bidirectional, pattern 2 multi-server
run_case ipc-p1-plain \
  "{\"frames\": {\"null\": 3}, \"terminated\": [null], \"ack\": \"$ACKP\", \"server_reply_raw\": \"$DEV\"}" \
  "--protocol ipc --address $IPC/plain --pattern 1 --ports 5555 --timeout-s 20" -- \
  "--protocol ipc --address $IPC/plain --pattern 1 --port 5555 --frames 3 --shape 48,64,3 --timeout-s 20"

run_case ipc-p0-plain \
  "{\"frames\": {\"null\": 3}, \"terminated\": [null], \"ack\": null, \"server_reply_raw\": \"$DEV\"}" \
  "--protocol ipc --address $IPC/pair --pattern 0 --ports 5555 --timeout-s 20" -- \
  "--protocol ipc --address $IPC/pair --pattern 0 --port 5555 --frames 3 --shape 48,64,3 --dtype float64 --timeout-s 20"

run_case ipc-p1-multiserver-bidir \
  "{\"frames\": {\"5580\": 4, \"5581\": 4}, \"terminated\": [\"5580\", \"5581\"], \"ack\": \"$ACKM\", \"server_reply_raw\": \"\\\\{\\\"return_type\\\": \\\"NoneType\\\", \\\"data\\\": null\\\\}\", \"server_returned\": \"null\"}" \
  "--protocol ipc --address $IPC/ms --pattern 1 --multiserver --bidirectional --ports 5580,5581 --timeout-s 25" -- \
  "--protocol ipc --address $IPC/ms --pattern 1 --multiserver --bidirectional --port 5580 --frames 4 --shape 16,16,3 --interval-ms 150 --timeout-s 25" \
  "--protocol ipc --address $IPC/ms --pattern 1 --multiserver --bidirectional --port 5581 --frames 4 --shape 16,16,3 --interval-ms 150 --timeout-s 25"

run_case ipc-p2-multiserver \
  "{\"frames\": {\"5582\": 5, \"5583\": 5}, \"terminated\": [\"5582\", \"5583\"], \"ack\": null}" \
  "--protocol ipc --address $IPC/pub --pattern 2 --multiserver --ports 5582,5583 --timeout-s 25" -- \
  "--protocol ipc --address $IPC/pub --pattern 2 --multiserver --port 5582 --frames 5 --shape 48,64,3 --interval-ms 50 --startup-delay-ms 500 --terminate-grace-ms 200 --timeout-s 25" \
  "--protocol ipc --address $IPC/pub --pattern 2 --multiserver --port 5583 --frames 5 --shape 48,64,3 --interval-ms 50 --startup-delay-ms 500 --terminate-grace-ms 200 --timeout-s 25"

# --- bounded exits: a client with no server ends by itself with exit code 3; usage error = 2
t0=$(date +%s)
timeout 20 "$PY" "$PEER" client --pattern 2 --ports 15590 --timeout-s 2 >"$TMP/lonely.out" 2>&1
rc=$?
t1=$(date +%s)
if [[ $rc == 3 ]] && (((t1 - t0) <= 5)) && grep -q '"reason": "timeout"' "$TMP/lonely.out"; then
  echo "PASS lonely-client-timeout (rc=3 in $((t1 - t0))s)"; PASS=$((PASS + 1))
else
  echo "FAIL lonely-client-timeout rc=$rc"; cat "$TMP/lonely.out"; FAIL=$((FAIL + 1))
fi
timeout 10 "$PY" "$PEER" client --pattern 0 --multiserver --ports 15591 >/dev/null 2>&1
rc=$?
if [[ $rc == 2 ]]; then echo "PASS usage-error (rc=2)"; PASS=$((PASS + 1)); else
  echo "FAIL usage-error rc=$rc"; FAIL=$((FAIL + 1)); fi

echo "selfcheck: $PASS passed, $FAIL failed"
[[ $FAIL == 0 ]]
