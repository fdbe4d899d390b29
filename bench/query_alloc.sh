#!/usr/bin/env bash
# Heap allocated per online query, per process: a local cluster (coordinator + 3 agents,
# `graphagent local`) with a resident RMAT graph, a warm-up, then N k-hop count queries over
# the query HTTP API (seeded uniform start vertices, 4 keep-alive connections) while JFR
# records on the coordinator and each agent. Bytes per query come from each thread's
# allocation counter (jdk.ThreadAllocationStatistics at the recording's start and dump), so
# they do not depend on the machine's load as latency and GCs per minute do; the recordings
# are kept for `jfr view allocation-by-site` (docs/performance.md, "allocation per query").
# Also each process's CPU seconds per 1,000 measured queries (utime + stime from /proc, JFR's
# profile settings included: compare runs of this script with each other only), and the same split by
# thread class (/proc/PID/task: query threads, network, GC, JIT, other; kernel time included, which
# JFR's execution samples do not see).
#
#   bench/query_alloc.sh [SCALE]      # default 20; GRAPHAGENT_JAR=old.jar for another build
#
# Env: SCALE, N (queries measured, 4000), WARM (queries before, 1500), K (2), WORK (bench/work),
#      START_TIMEOUT (300), JFR_OPTS (JFR.start's settings, "settings=profile"; e.g. add
#      method-profiling=max for a sample every ms).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=${1:-${SCALE:-20}}
N=${N:-4000}
WARM=${WARM:-1500}
K=${K:-2}
WORK=${WORK:-$root/bench/work}
START_TIMEOUT=${START_TIMEOUT:-300}
JFR_OPTS=${JFR_OPTS:-settings=profile}
say() { echo "query_alloc.sh: $*" >&2; }
die() { say "$*"; exit 1; }
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
ga=("$root/graphagent")
mkdir -p "$WORK"
prefix="$WORK/rmat-$SCALE"
if [ ! -f "$prefix.e" ]; then
  "${ga[@]}" generate rmat --scale "$SCALE" --output "$prefix" >/dev/null || die "generate failed"
fi
run_dir="$WORK/query-alloc-$(date -u +%Y%m%dT%H%M%SZ)"
state="$run_dir/state"
mkdir -p "$run_dir"
setsid "${ga[@]}" local --agents 3 --state-dir "$state" --port 0 --start-timeout "${START_TIMEOUT}s" \
  >"$run_dir/local.out" 2>&1 </dev/null &
cluster=$!
trap 'kill -TERM $cluster 2>/dev/null; sleep 5; kill -KILL -- -$cluster 2>/dev/null || true' EXIT
for _ in $(seq 1 $((START_TIMEOUT * 2))); do
  grep -q "coordinator and 3 agents up" "$run_dir/local.out" && break
  kill -0 $cluster 2>/dev/null || die "local exited: $run_dir/local.out"
  sleep 0.5
done
url=$(grep -ho 'query http://[^ ]*' "$state"/logs/* "$run_dir/local.out" 2>/dev/null | head -1 | sed 's/.*query //')
token=$(sed -n 's/^  token: //p' "$state/config.yaml")
"${ga[@]}" graph load --state-dir "$state" --name bench --graph "$prefix" --directed --replicas 2 --timeout 30m \
  >"$run_dir/load.out" 2>&1 || die "graph load failed: $run_dir/load.out"

queries() {  # COUNT SEED: prints queries, answered, the sum of counts and of agent requests
  python3 - "$url" "$token" "$1" 4 "$2" "$K" "$((1 << SCALE))" <<'PY'
import http.client, json, random, sys, threading, urllib.parse
url, token, n, threads, seed, k, vertices = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
u = urllib.parse.urlparse(url)
rng = random.Random(seed)
starts = [rng.randrange(vertices) for _ in range(n)]
results = [None] * n
def work(t):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for i in range(t, n, threads):
        path = f"/api/query/khop?graph=bench&vertex={starts[i]}&k={k}&direction=out&deadline_ms=30000"
        try:
            c.request("GET", path, headers={"Authorization": "Bearer " + token}); r = c.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection (a thread held up on a loaded machine): once more.
            c.close(); c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            c.request("GET", path, headers={"Authorization": "Bearer " + token}); r = c.getresponse()
        body = json.loads(r.read())
        results[i] = (r.status, body.get("count") or 0, body.get("stats", {}).get("requests") or 0)
ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
print("queries=%d answered=%d sum_count=%d agent_requests=%d" % (n, sum(r[0] == 200 for r in results),
      sum(r[1] for r in results), sum(r[2] for r in results)))
PY
}
queries "$WARM" 7 >/dev/null
procs=()
for role in coordinator agent; do
  for p in $(ps -eo pid=,args= | grep -- "$state" | grep -E " $role( |\$)" | grep -v grep | awk '{print $1}'); do procs+=("$p"); done
done
for p in "${procs[@]}"; do "$JAVA_HOME/bin/jcmd" "$p" JFR.start name=alloc $JFR_OPTS >/dev/null; done
cpu_ticks() { for p in "${procs[@]}"; do awk '{printf "%d ", $14 + $15}' "/proc/$p/stat"; done; }
thread_ticks() {  # OUT: "pid tid ticks name" per thread of the cluster's processes
  python3 - "$root/bench" "$1" "${procs[@]}" <<'PY'
import sys
sys.path.insert(0, sys.argv[1]); import threadcpu
with open(sys.argv[2], "w") as out:
    for pid in sys.argv[3:]:
        for tid, ticks, name in threadcpu.read_tasks(pid) or []:
            out.write("%s %s %d %s\n" % (pid, tid, ticks, name.replace(" ", "_")))
PY
}
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
thread_ticks "$run_dir/threads-before.txt"
ticks_before=$(cpu_ticks)
queries "$N" 42 | tee "$run_dir/queries.out"
ticks_after=$(cpu_ticks)
thread_ticks "$run_dir/threads-after.txt"
python3 - "$N" "$ticks_before" "$ticks_after" <<'PY' | tee "$run_dir/cpu.txt"
import sys
n, before, after = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split()
names = ["coordinator"] + ["agent-%d" % i for i in range(1, len(before))]
print("CPU s per 1,000 queries: " + ", ".join("%s %.2f" % (w, (int(a) - int(b)) / 100 * 1000 / n)
                                            for w, b, a in zip(names, before, after)))
PY
python3 - "$root/bench" "$N" "$run_dir/threads-before.txt" "$run_dir/threads-after.txt" "${procs[@]}" <<'PY' | tee -a "$run_dir/cpu.txt"
import sys
sys.path.insert(0, sys.argv[1]); import threadcpu
n, pids = int(sys.argv[2]), sys.argv[5:]
def read(path):
    return {(l.split()[0], l.split()[1]): (int(l.split()[2]), l.split()[3]) for l in open(path)}
before, after = read(sys.argv[3]), read(sys.argv[4])
classes = ["query", "network", "gc", "jit", "other"]
for i, pid in enumerate(pids):
    per = dict.fromkeys(classes, 0)
    for (p, tid), (ticks, name) in after.items():
        if p == pid:
            name = name.replace("_", " ")
            c = "query" if name.startswith("agent-query") else threadcpu.classify(name)
            per[c if c in per else "other"] += ticks - before.get((p, tid), (0, name))[0]
    print("  %s by thread class, CPU s per 1,000 queries: %s" % ("coordinator" if i == 0 else "agent-%d" % i,
          ", ".join("%s %.2f" % (c, per[c] / threadcpu.HZ * 1000 / n) for c in classes)))
PY
i=0
for p in "${procs[@]}"; do
  who=$([ $i -eq 0 ] && echo coordinator || echo "agent-$i")
  "$JAVA_HOME/bin/jcmd" "$p" JFR.dump name=alloc filename="$run_dir/$who.jfr" >/dev/null
  "$JAVA_HOME/bin/jcmd" "$p" JFR.stop name=alloc >/dev/null
  "$JAVA_HOME/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$run_dir/$who.jfr" >"$run_dir/$who.json"
  python3 - "$run_dir/$who.json" "$N" "$who" <<'PY'
import collections, json, re, sys
first, last = {}, {}
for e in json.load(open(sys.argv[1]))["recording"]["events"]:
    t = e["values"]["thread"] or {}
    key = (t.get("javaName"), t.get("javaThreadId"))
    first.setdefault(key, e["values"]["allocated"]); last[key] = e["values"]["allocated"]
n = int(sys.argv[2]); groups = collections.Counter()
for key in last:
    groups[re.sub(r'[-#]?\d+$', '', key[0] or '?')] += last[key] - first[key]
print("%s: %.1f KB per query (%s)" % (sys.argv[3], sum(groups.values()) / n / 1e3,
      ", ".join("%s %.1f" % (g, b / n / 1e3) for g, b in groups.most_common(3))))
PY
  i=$((i + 1))
done | tee "$run_dir/alloc.txt"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg); recordings in $run_dir"
