#!/usr/bin/env bash
# Partitioned graphs (issue 11): what each agent holds, a graph bigger than one agent, and a
# recovery that rebuilds the lost partitions. Prints its figures; docs/performance.md keeps them.
#
#   bench/partitioned.sh [memory] [big] [recovery]     # default: all three
#
#   memory    RMAT scale MEM_SCALE (20) PageRank on MEM_AGENTS (4) agents: each agent's used heap
#             after a full GC once its share is loaded (jcmd GC.run + GC.heap_info, mid-job), beside
#             the single-process engine's (`run --memory-figures`: used heap after a full GC with the
#             graph loaded); ratios per agent and all together. Beside it each agent's live heap (the
#             Total of jcmd GC.class_histogram, counted inside that command's own full GC, so the
#             running job's allocations after the GC do not count), and an idle agent's (agent-1
#             before the job: the agent's own baseline). With MEM_HISTOGRAM=N (0), also the N largest
#             classes of agent-1's heap: where it goes.
#   big       RMAT scale BIG_SCALE (21) PageRank on BIG_AGENTS (4) agents of BIG_HEAP (300m) each,
#             through GRAPHAGENT_JAVA_OPTS: the job's result against the engine's (run with a big
#             heap), `run` with BIG_HEAP on the same graph, and the agents' bytes read against the input.
#   recovery  RMAT scale REC_SCALE (20) PageRank (60 iterations, checkpoint every 5) on 3 agents;
#             SIGKILL agent-2 at superstep 12; from the kill to the job RUNNING again (coordinator
#             log: the agent DEAD, `job_recovered` with its recovery_ms).
#
# Env: WORK (bench/work; graphs shared with engine.sh and cluster.sh), GRAPHAGENT (./graphagent),
#      TIMEOUT (seconds per job, 1800), PORT (the local cluster's coordinator port, 7400; its admin
#      and query ports follow it), START_TIMEOUT (for the agents to come up, 5m: a loaded machine
#      is slow to start four JVMs), plus the sizes above.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
WORK=${WORK:-$root/bench/work}
mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
GA=${GRAPHAGENT:-$root/graphagent}
TIMEOUT=${TIMEOUT:-1800}
MEM_SCALE=${MEM_SCALE:-20}; MEM_AGENTS=${MEM_AGENTS:-4}
BIG_SCALE=${BIG_SCALE:-21}; BIG_AGENTS=${BIG_AGENTS:-4}; BIG_HEAP=${BIG_HEAP:-300m}
REC_SCALE=${REC_SCALE:-20}
MEM_HISTOGRAM=${MEM_HISTOGRAM:-0}
PORT=${PORT:-7400}; START_TIMEOUT=${START_TIMEOUT:-5m}
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(memory big recovery)

say() { echo "partitioned.sh: $*" >&2; }
value() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
jcmd="$JAVA_HOME/bin/jcmd"

graph() {   # graph SCALE: generates RMAT SCALE once; prints its prefix
  local prefix="$WORK/rmat-$1-ef16-seed1"
  if [ ! -f "$prefix.e" ]; then
    say "generating RMAT scale $1"
    "$GA" generate rmat --scale "$1" --output "$prefix" >/dev/null
  fi
  echo "$prefix"
}

state="$WORK/partitioned-state"
cluster_pid=""
start_cluster() {   # start_cluster AGENTS [JAVA_OPTS]
  stop_cluster
  rm -rf "$state" "$WORK/partitioned-local.out"   # a previous run's "agents up" would end the wait below at once
  GRAPHAGENT_JAVA_OPTS="${2:-}" setsid "$GA" local --agents "$1" --state-dir "$state" --port "$PORT" \
    --start-timeout "$START_TIMEOUT" >"$WORK/partitioned-local.out" 2>&1 &
  cluster_pid=$!
  local i
  for ((i = 0; i < 3000; i++)); do
    grep -q "^graphagent local: coordinator and $1 agents up" "$WORK/partitioned-local.out" 2>/dev/null && return 0
    kill -0 "$cluster_pid" 2>/dev/null || { cat "$WORK/partitioned-local.out" >&2; say "local exited"; exit 1; }
    sleep 0.2
  done
  say "the cluster did not come up"; exit 1
}
stop_cluster() {
  [ -n "$cluster_pid" ] || return 0
  kill -TERM "$cluster_pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 200; i++)); do kill -0 -- "-$cluster_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$cluster_pid" 2>/dev/null || true
  cluster_pid=""
}
trap stop_cluster EXIT
agent_pid() { pgrep -f -- "--config $state/config.yaml .*--id $1( |$)" | head -1; }
submit() {   # submit OUT ARGS...: a job on the cluster, its key=value line to OUT, progress to OUT.err
  local out=$1; shift
  timeout "$TIMEOUT" "$GA" submit --state-dir "$state" --overwrite "$@" >"$out" 2>"$out.err"
}
superstep_reached() {   # superstep_reached FILE N: the job's progress in FILE shows superstep N done
  local last
  last=$(grep -o 'superstep [0-9]* done' "$1" 2>/dev/null | tail -1 | cut -d' ' -f2)
  [ -n "$last" ] && [ "$last" -ge "$2" ]
}

mb() { awk -v b="$1" 'BEGIN { print b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
# heap_of PID: "USED LIVE" in bytes. USED: used heap after a full GC (jcmd GC.run, then GC.heap_info;
# a running job allocates between the two). LIVE: the live objects that GC.class_histogram counts
# inside its own full GC's pause (its Total line), which nothing allocated afterwards can inflate.
heap_of() {
  local used live
  "$jcmd" "$1" GC.run >/dev/null
  used=$("$jcmd" "$1" GC.heap_info | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1)
  live=$("$jcmd" "$1" GC.class_histogram | awk '$1 == "Total" { print $3 }')
  echo "$((used * 1024)) $live"
}

memory() {
  local g edges hbpe engine_heap total=0 i pid used
  g=$(graph "$MEM_SCALE")
  line=$(GRAPHAGENT_JAVA_OPTS=-Xmx8g "$GA" run --algorithm pagerank --graph "$g" --directed --iterations 1 --memory-figures \
    --output "$WORK/partitioned-engine-pr.txt" --overwrite)
  edges=$(value edges "$line"); hbpe=$(value heap_bytes_per_edge "$line")
  engine_heap=$(awk -v e="$edges" -v h="$hbpe" 'BEGIN { printf "%d", e * h }')
  start_cluster "$MEM_AGENTS"
  local idle_used idle_live
  read -r idle_used idle_live < <(heap_of "$(agent_pid agent-1)")
  submit "$WORK/partitioned-mem.out" --algorithm pagerank --graph "$g" --directed --iterations 2000 --output "$WORK/partitioned-mem-pr.txt" &
  local job=$!
  for ((i = 0; i < 3000; i++)); do superstep_reached "$WORK/partitioned-mem.out.err" 2 && break; sleep 0.1; done
  printf '%-12s %14s %8s %10s %8s\n' "memory" "used heap MB" "x engine" "live MB" "x engine"
  printf '%-12s %14.1f %8s\n' "engine" "$(mb "$engine_heap")" "1.00"
  printf '%-12s %14.1f %8.2f %10.1f %8.2f\n' "idle agent-1" "$(mb "$idle_used")" "$(ratio "$idle_used" "$engine_heap")" \
    "$(mb "$idle_live")" "$(ratio "$idle_live" "$engine_heap")"
  local total_live=0 live
  for ((i = 1; i <= MEM_AGENTS; i++)); do
    pid=$(agent_pid "agent-$i")
    read -r used live < <(heap_of "$pid")
    total=$((total + used)); total_live=$((total_live + live))
    printf '%-12s %14.1f %8.2f %10.1f %8.2f\n' "agent-$i" "$(mb "$used")" "$(ratio "$used" "$engine_heap")" \
      "$(mb "$live")" "$(ratio "$live" "$engine_heap")"
    if [ "$i" -eq 1 ] && [ "$MEM_HISTOGRAM" -gt 0 ]; then
      "$jcmd" "$pid" GC.class_histogram | sed -n "4,$((MEM_HISTOGRAM + 3))p" \
        | awk '{ printf "    %8.1f MB %10d  %s\n", $3 / 1048576, $2, $4 }'
    fi
  done
  printf '%-12s %14.1f %8.2f %10.1f %8.2f\n' "all" "$(mb "$total")" "$(ratio "$total" "$engine_heap")" \
    "$(mb "$total_live")" "$(ratio "$total_live" "$engine_heap")"
  kill -TERM "$job" 2>/dev/null || true; wait "$job" 2>/dev/null || true
  stop_cluster
}

big() {
  local g size line rc=0
  g=$(graph "$BIG_SCALE")
  size=$(( $(stat -c %s "$g.v") + $(stat -c %s "$g.e") ))
  say "engine reference (big heap)"
  GRAPHAGENT_JAVA_OPTS=-Xmx8g "$GA" run --algorithm pagerank --graph "$g" --directed --output "$WORK/partitioned-big-engine.txt" \
    --overwrite >/dev/null
  line=$(GRAPHAGENT_JAVA_OPTS=-Xmx$BIG_HEAP "$GA" run --algorithm pagerank --graph "$g" --directed \
    --output "$WORK/partitioned-big-run.txt" --overwrite 2>&1) || rc=$?
  echo "run with -Xmx$BIG_HEAP: exit $rc: $(tail -1 <<<"$line")"
  start_cluster "$BIG_AGENTS" "-Xmx$BIG_HEAP"
  rc=0
  submit "$WORK/partitioned-big.out" --algorithm pagerank --graph "$g" --directed --output "$WORK/partitioned-big-cluster.txt" \
    || rc=$?
  line=$(cat "$WORK/partitioned-big.out")
  echo "cluster of $BIG_AGENTS agents with -Xmx$BIG_HEAP: exit $rc: $line"
  [ "$rc" -eq 0 ] || tail -3 "$WORK/partitioned-big.out.err"
  if [ "$rc" -eq 0 ]; then
    if cmp -s "$WORK/partitioned-big-engine.txt" "$WORK/partitioned-big-cluster.txt"; then
      echo "the cluster's output equals the engine's, byte for byte"
    else
      echo "the cluster's output DIFFERS from the engine's"
    fi
    awk -v r="$(value input_bytes_read "$line")" -v s="$size" \
      'BEGIN { printf "input bytes read by the agents together: %d of %d (%.3fx the input)\n", r, s, r / s }'
  fi
  stop_cluster
}

recovery() {
  local g killed dead recovered i pid
  g=$(graph "$REC_SCALE")
  start_cluster 3
  # A previous run's progress would trip the wait below before this job has begun.
  rm -f "$WORK/partitioned-rec.out" "$WORK/partitioned-rec.out.err"
  submit "$WORK/partitioned-rec.out" --algorithm pagerank --graph "$g" --directed --iterations 60 --checkpoint-every 5 --output "$WORK/partitioned-rec-pr.txt" &
  local job=$!
  for ((i = 0; i < 6000; i++)); do superstep_reached "$WORK/partitioned-rec.out.err" 12 && break; sleep 0.05; done
  pid=$(agent_pid agent-2)
  killed=$(date +%s.%N)
  kill -KILL "$pid"
  wait "$job" || true
  tail -1 "$WORK/partitioned-rec.out"
  local log="$state/logs/coordinator.log"
  dead=$(grep "event=agent_state agent=agent-2 .*to=DEAD" "$log" | tail -1 | cut -d' ' -f1)
  recovered=$(grep "event=job_recovered" "$log" | tail -1)
  echo "killed at $(date -u -d @"$killed" +%H:%M:%S.%3N), DEAD at ${dead#*T}, recovered: ${recovered#*event=}"
  awk -v k="$killed" -v t="$(date -d "$(cut -d' ' -f1 <<<"$recovered")" +%s.%N)" \
    'BEGIN { printf "kill to RUNNING again: %.3f s\n", t - k }'
  stop_cluster
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); 2 cores; $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
for part in "${parts[@]}"; do
  echo "== $part"
  "$part"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
