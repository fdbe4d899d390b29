#!/usr/bin/env bash
# Online query benchmark: a resident RMAT graph on a local cluster (coordinator + AGENTS agents,
# mutual TLS, `graphagent local`), k-hop count queries over the query HTTP API driven by Locust
# (headless, bench/queries_locustfile.py) at rising rates, with uniform and Zipf start vertices;
# then a Zipf run at KILL_RATE during which one agent is killed (SIGKILL) a third of the way in;
# then the same runs as the first (not the kill) on a cluster with round-robin routing. Per run: offered rate, throughput, P50/P95/P99,
# failures; CPU-seconds per 1,000 answered queries of each process (Locust, the coordinator, each
# agent: a cost that stays meaningful on a loaded machine, unlike latency), each agent's CPU
# (% of one core) and GCs per minute (jstat); the gateway's requests per answered query to each
# agent (its routing table's counts, /api/partitions), with the busiest agent's against an even
# share (max/mean: 1.00 is even, 3.00 all to one of 3).
#
#   bench/queries.sh [SCALE]        # SCALE (default 20; or env SCALE)
#
# Env: SCALE, EDGE_FACTOR (16), AGENTS (3), REPLICAS (2), RATES ("100 300 1000"), DURATION
#      (seconds per run, 30), USERS (Locust users, 50), K (2), ZIPF_S (1.1), KILL_RATE (300),
#      WORK (bench/work), START_TIMEOUT (180), SKIP ("" or e.g. "roundrobin kill"), CHOICES (start
#      vertex laws of the heat runs, "uniform zipf"), LOCUST_USER (fast: FastHttpUser on
#      geventhttpclient, keep-alive; or requests: HttpUser), WARMUP (seconds of uniform load at
#      the highest of RATES after each cluster start, not reported: the JIT's compiles, 90; at
#      1,000/s on 2 cores the JVMs still compile 20 s in, a third of an agent's CPU, so a 20 s
#      warm-up measured a cluster still warming: docs/performance.md, session of 2026-12-07 11:55;
#      and a warm-up at 100/s left the compiles for 1,000/s to the first run at that rate),
#      SLOW_AGENT (cores, e.g. 0.1: after each warm-up the first agent is held to that much CPU by a
#      CFS quota in a cgroup of its own, period 10 ms, as a degraded machine or a noisy neighbour
#      would; the other agents and the coordinator keep the machine's. Root; cgroup v1 or v2.
#      Empty: no quota).
# Needs Debian's python3-locust (apt-get install python3-locust; PyPI is not used).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
SCALE=${1:-${SCALE:-20}}
EDGE_FACTOR=${EDGE_FACTOR:-16}
AGENTS=${AGENTS:-3}
REPLICAS=${REPLICAS:-2}
RATES=${RATES:-"100 300 1000"}
DURATION=${DURATION:-30}
USERS=${USERS:-50}
K=${K:-2}
ZIPF_S=${ZIPF_S:-1.1}
KILL_RATE=${KILL_RATE:-300}
WORK=${WORK:-$root/bench/work}
START_TIMEOUT=${START_TIMEOUT:-180}
SKIP=${SKIP:-}
CHOICES=${CHOICES:-"uniform zipf"}
LOCUST_USER=${LOCUST_USER:-fast}
WARMUP=${WARMUP:-90}
SLOW_AGENT=${SLOW_AGENT:-}
say() { echo "queries.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if ! command -v locust >/dev/null; then
  say "installing Debian's python3-locust"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-locust >/dev/null || die "apt-get install python3-locust failed"
fi
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
jstat="$JAVA_HOME/bin/jstat"
mkdir -p "$WORK"
run_dir="$WORK/queries-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run_dir"
ga=("$root/graphagent")
prefix="$WORK/rmat-$SCALE"
if [ ! -f "$prefix.e" ]; then
  say "generating RMAT scale $SCALE"
  "${ga[@]}" generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --output "$prefix" >"$run_dir/generate.out" 2>&1 \
    || die "generate failed: $run_dir/generate.out"
fi
state="$run_dir/state"
cluster_pid=

stop_cluster() {
  [ -n "$cluster_pid" ] || return 0
  kill -TERM "$cluster_pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$cluster_pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$cluster_pid" 2>/dev/null || true
  cluster_pid=
}
trap stop_cluster EXIT

# start_cluster ROUTING: a local cluster with query.routing=ROUTING and the graph loaded.
start_cluster() {
  local routing=$1 out="$run_dir/local-$1.out"
  rm -rf "$state"
  GRAPHAGENT_QUERY_ROUTING=$routing setsid "${ga[@]}" local --agents "$AGENTS" --state-dir "$state" --port 0 \
    --start-timeout "${START_TIMEOUT}s" >"$out" 2>&1 </dev/null &
  cluster_pid=$!
  for _ in $(seq 1 $((START_TIMEOUT * 2))); do
    grep -q "^graphagent local: coordinator and $AGENTS agents up" "$out" && break
    kill -0 "$cluster_pid" 2>/dev/null || die "local exited: $out"
    sleep 0.5
  done
  url=$(grep -o 'query http://[^ ]*' "$state/logs/coordinator.log" "$out" 2>/dev/null | head -1 | sed 's/.*query //')
  [ -n "$url" ] || url=$(grep -ho 'query http://[^ ]*' "$state"/logs/* | head -1 | sed 's/query //')
  [ -n "$url" ] || die "no query http address in the coordinator's output ($state/logs)"
  token=$(sed -n 's/^  token: //p' "$state/config.yaml")
  local t0=$SECONDS
  "${ga[@]}" graph load --state-dir "$state" --name bench --graph "$prefix" --directed --replicas "$REPLICAS" \
    --timeout 30m >"$run_dir/load-$routing.out" 2>&1 || die "graph load failed: $run_dir/load-$routing.out"
  say "routing $routing: graph loaded in $((SECONDS - t0)) s at $url"
  if [ "$WARMUP" -gt 0 ]; then
    local warm_rate
    warm_rate=$(printf '%s\n' $RATES | sort -n | tail -1)
    QUERY_TOKEN=$token GRAPH=bench VERTICES=$((1 << SCALE)) CHOICE=uniform K=$K RATE=$warm_rate USERS=$USERS \
      LOCUST_USER=$LOCUST_USER locust -f "$root/bench/queries_locustfile.py" --headless -u "$USERS" -r "$USERS" \
      -t "${WARMUP}s" -H "$url" --only-summary >"$run_dir/warmup-$routing.out" 2>&1 || true
  fi
  if [ -n "$SLOW_AGENT" ]; then
    slow_down "$(agent_pids | head -1)"
  fi
}

# slow_down PID: holds PID to SLOW_AGENT cores (a CFS quota per 10 ms) in the cgroup graphagent-bench-slow.
slow_down() {
  local pid=$1 period=10000 quota dir
  quota=$(python3 -c "print(max(1000, round($SLOW_AGENT * 10000)))") || die "SLOW_AGENT=$SLOW_AGENT: give cores, e.g. 0.1"
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    dir=/sys/fs/cgroup/graphagent-bench-slow
    mkdir -p "$dir" && echo "$quota $period" >"$dir/cpu.max" \
      || die "cannot set a CPU quota in $dir (run as root, with the cpu controller enabled in /sys/fs/cgroup/cgroup.subtree_control)"
  else
    dir=/sys/fs/cgroup/cpu/graphagent-bench-slow
    mkdir -p "$dir" && echo "$period" >"$dir/cpu.cfs_period_us" && echo "$quota" >"$dir/cpu.cfs_quota_us" \
      || die "cannot set a CPU quota in $dir (run as root)"
  fi
  # cgroup.procs moves every thread of the JVM (v1 and v2); threads started later stay in it.
  echo "$pid" >"$dir/cgroup.procs" || die "cannot move agent pid $pid into $dir"
  say "agent pid $pid held to $SLOW_AGENT cores ($quota us per $period us, $dir)"
}

agent_pids() { ps -eo pid=,args= | grep -- "$state" | grep -E ' agent( |$)' | grep -v grep | awk '{print $1}'; }
coordinator_pid() { ps -eo pid=,args= | grep -- "$state" | grep -E ' coordinator( |$)' | grep -v grep | awk '{print $1}' | head -1; }

# cpu_gc PID...: "utime+stime ticks, GC count" per pid, one line each
sample() { for p in "$@"; do
  local t g
  t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
  g=$("$jstat" -gcutil "$p" 2>/dev/null | awk 'NR==2 {print $(NF-6) + $(NF-4) + $(NF-2) + 0}' || echo 0)
  echo "$p $t ${g:-0}"
done; }

# requests_sent: "AGENT REQUESTS" per agent, the gateway's requests to it so far (/api/partitions);
# nothing from a build without the count (before 2026-12-07, branch heatbusy).
requests_sent() {
  curl -s -m 10 -H "Authorization: Bearer $token" "$url/api/partitions" 2>/dev/null | python3 -c '
import json, sys
try:
    for a in json.load(sys.stdin)["agents"]:
        if "requests" in a:
            print(a["agent_id"], a["requests"])
except ValueError:
    pass' || true
}

# run LABEL CHOICE RATE [kill]: one Locust run; prints one row.
run() {
  local label=$1 choice=$2 rate=$3 kill=${4:-} pids coord before after sent0 sent1 csv="$run_dir/$1"
  pids=$(agent_pids | tr '\n' ' ')
  coord=$(coordinator_pid)
  sent0=$(requests_sent)
  before=$(sample $coord $pids)
  if [ -n "$kill" ]; then
    victim=$(echo $pids | awk '{print $1}')
    (sleep $((DURATION / 3)); kill -KILL "$victim" 2>/dev/null; say "killed agent pid $victim") &
  fi
  # /usr/bin/time: Locust's own CPU (user + system seconds), for its share of the cost per query.
  QUERY_TOKEN=$token GRAPH=bench VERTICES=$((1 << SCALE)) CHOICE=$choice ZIPF_S=$ZIPF_S K=$K RATE=$rate USERS=$USERS \
    LOCUST_USER=$LOCUST_USER /usr/bin/time -f "%U %S" -o "$csv.time" \
    locust -f "$root/bench/queries_locustfile.py" --headless -u "$USERS" -r "$USERS" -t "${DURATION}s" \
    -H "$url" --csv "$csv" --only-summary >"$csv.out" 2>&1 || true
  after=$(sample $coord $pids)
  sent1=$(requests_sent)
  python3 - "$csv" "$label" "$rate" "$DURATION" "$before" "$after" "$(tail -1 "$csv.time" 2>/dev/null)" "$sent0" "$sent1" <<'PY'
import csv, sys
path, label, rate, duration, before, after, locust_time, sent0, sent1 = sys.argv[1:]
row = [r for r in csv.DictReader(open(path + "_stats.csv")) if r["Name"] == "Aggregated"][0]
b = [l.split() for l in before.strip().splitlines()]
a = {l.split()[0]: l.split()[1:] for l in after.strip().splitlines()}
answered = int(row["Request Count"]) - int(row["Failure Count"])
per_k = lambda seconds: "-" if answered == 0 else "%.2f" % (seconds * 1000 / answered)
try:
    locust_cpu = sum(float(x) for x in locust_time.split()[:2])
except ValueError:
    locust_cpu = None
cost = ["locust " + ("?" if locust_cpu is None else per_k(locust_cpu))]
cpu, gc = [], []
for i, (pid, t0, g0) in enumerate(b):
    who = "coord" if i == 0 else "a%d" % i
    if pid in a and a[pid][0] != "0":
        seconds = (float(a[pid][0]) - float(t0)) / 100
        cost.append("%s %s" % (who, per_k(seconds)))
        if i > 0:
            cpu.append("%.0f%%" % (seconds / float(duration) * 100))
            gc.append("%.1f" % ((float(a[pid][1]) - float(g0)) * 60 / float(duration)))
    else:
        cost.append(who + " dead")
        if i > 0:
            cpu.append("dead"); gc.append("-")
s0 = dict(l.split() for l in sent0.strip().splitlines())
s1 = dict(l.split() for l in sent1.strip().splitlines())
per_agent = [int(s1[a]) - int(s0.get(a, 0)) for a in sorted(s1)]
if per_agent and answered > 0 and sum(per_agent) > 0:
    # Requests per answered query to each agent, and the busiest agent's share against an even one.
    sent = "%s; max/mean %.2f" % (" ".join("%.2f" % (n / answered) for n in per_agent),
                                  max(per_agent) * len(per_agent) / sum(per_agent))
else:
    sent = "-"
print("| %s | %s | %.0f | %s | %s | %s | %s/%s | %s | %s | %s | %s |" % (label, rate, float(row["Requests/s"]), row["50%"],
      row["95%"], row["99%"], row["Failure Count"], row["Request Count"], " ".join(cpu), " ".join(gc), ", ".join(cost), sent))
PY
}

results="$run_dir/results.md"
{
  echo "RMAT scale $SCALE, edge factor $EDGE_FACTOR, $AGENTS agents, $REPLICAS replicas, k=$K count queries, $USERS Locust users ($LOCUST_USER), ${DURATION}s per run${SLOW_AGENT:+, the first agent (a1) held to $SLOW_AGENT cores after the warm-up}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| run | offered/s | achieved/s | P50 ms | P95 ms | P99 ms | failed/total | agent CPU | agent GC/min | CPU s per 1,000 answered | requests per query to each agent |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$results"
start_cluster heat
for choice in $CHOICES; do
  for rate in $RATES; do run "heat-$choice-$rate" "$choice" "$rate" | tee -a "$results"; done
done
if [[ " $SKIP " != *" kill "* ]]; then
  run "heat-zipf-$KILL_RATE-kill-one-agent" zipf "$KILL_RATE" kill | tee -a "$results"
fi
stop_cluster
if [[ " $SKIP " != *" roundrobin "* ]]; then
  start_cluster round-robin
  # The same sequence of runs as the heat cluster's (CHOICES at every rate, in the same order): each
  # Zipf run then follows as much earlier load (JIT compiles, hot replicas) on both, so heat and
  # round robin are compared warm to warm. Round robin's Zipf runs used to follow the warm-up alone
  # while heat's followed the uniform runs too: at 100/s that compared a cold cluster to a warm one.
  for choice in $CHOICES; do
    for rate in $RATES; do run "roundrobin-$choice-$rate" "$choice" "$rate" | tee -a "$results"; done
  done
  stop_cluster
fi
echo >>"$results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
say "results: $results"
cat "$results"
