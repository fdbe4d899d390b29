#!/usr/bin/env bash
# Per-job, per-agent CPU seconds by thread class (compute, network, JIT, GC, checkpoint writer, other) on one
# long-lived local cluster: `graphagent local --agents 2`, then JOBS submitted one after the
# other (default PageRank and WCC alternated, as bench/cluster.sh runs them), the agents'
# threads sampled from /proc by bench/threadcpu.py and summed over each job's supersteps (the
# coordinator's RUNNING to WRITING_OUTPUT lines).
#
#   bench/jobcpu.sh [SCALE]
#
# Env: SCALE (20), EDGE_FACTOR (16), SEED (1), AGENTS (2), JOBS ("pagerank wcc pagerank wcc
#      pagerank wcc"; bfs@ID: BFS, directed, from vertex ID; any other kernel undirected), WORK (bench/work; the graph is bench/cluster.sh's, generated there when
#      missing), GRAPHAGENT_JAR (the jar to run; default: cli/target/graphagent.jar of this tree),
#      GRAPHAGENT_JAVA_OPTS (extra JVM flags, e.g. -Xlog:jit+compilation=debug:file=DIR/%p.log),
#      SUBMIT_ARGS (more options for every submit, e.g. "--checkpoint-every 0"),
#      START_TIMEOUT (s for the agents to join, 300), PERIOD (sampling period, s, 0.2), OUT (the run's directory; default $WORK/jobcpu-STAMP).
# Prints one line per job and agent: job, kernel, the job's place on the agents, load average at
# its submit, CPU s per class (all, compute, network, jit, gc, ckpt, other).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
SCALE=${1:-${SCALE:-20}}
EDGE_FACTOR=${EDGE_FACTOR:-16}
SEED=${SEED:-1}
AGENTS=${AGENTS:-2}
JOBS=${JOBS:-"pagerank wcc pagerank wcc pagerank wcc"}
WORK=${WORK:-$root/bench/work}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
OUT=${OUT:-$WORK/jobcpu-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
jar=${GRAPHAGENT_JAR:-$root/cli/target/graphagent.jar}
[ -f "$jar" ] || { echo "jobcpu.sh: no jar $jar (build it, or set GRAPHAGENT_JAR)" >&2; exit 2; }
ga=(env GRAPHAGENT_JAR="$jar" ./graphagent)
prefix="$WORK/rmat-$SCALE-ef$EDGE_FACTOR-seed$SEED"
if [ ! -s "$prefix.e" ]; then
  "${ga[@]}" generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --seed "$SEED" --output "$prefix" >&2
fi
state="$OUT/state"
sampler=""
cluster=""
stop() {
  [ -z "$sampler" ] || kill -TERM "$sampler" 2>/dev/null || true
  if [ -n "$cluster" ]; then
    kill -TERM "$cluster" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 -- "-$cluster" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$cluster" 2>/dev/null || true
  fi
}
trap stop EXIT
GRAPHAGENT_JAVA_OPTS="${GRAPHAGENT_JAVA_OPTS:-} -Dgraphagent.timing=DEBUG" setsid "${ga[@]}" local --agents "$AGENTS" \
  --state-dir "$state" --port 0 --start-timeout "${START_TIMEOUT:-300}s" >"$OUT/local.out" 2>&1 </dev/null &
cluster=$!
for _ in $(seq 1 600); do
  grep -q "agents up" "$OUT/local.out" && break
  kill -0 "$cluster" 2>/dev/null || { cat "$OUT/local.out" >&2; exit 1; }
  sleep 0.5
done
grep -q "agents up" "$OUT/local.out" || { echo "jobcpu.sh: cluster not up in 300 s" >&2; exit 1; }
mapfile -t pids < <(awk '$1 ~ /^agent-/ && $3 ~ /^[0-9]+$/ { print $1 "=" $3 }' "$OUT/local.out")
python3 bench/threadcpu.py sample "$OUT/samples.txt" "${pids[@]#*=}" &
sampler=$!
echo "jar=$jar agents=${pids[*]} opts=${GRAPHAGENT_JAVA_OPTS:-}" | tee "$OUT/summary.txt"
n=0
for kernel in $JOBS; do
  n=$((n + 1))
  case $kernel in
    pagerank) args=(--directed --iterations 20 --damping 0.85) ;;
    bfs@*) args=(--directed --source "${kernel#bfs@}"); kernel=bfs ;;
    *) args=(--undirected) ;;
  esac
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  "${ga[@]}" submit --state-dir "$state" --algorithm "$kernel" --graph "$prefix" --output "$OUT/$n-$kernel.out" \
    --overwrite "${args[@]}" ${SUBMIT_ARGS:-} >"$OUT/$n-$kernel.submit" 2>&1
  line=$(tail -1 "$OUT/$n-$kernel.submit")
  job=$(tr ' ' '\n' <<<"$line" | sed -n 's/^job=//p' | head -1)
  compute=$(tr ' ' '\n' <<<"$line" | sed -n 's/^compute_s=//p' | head -1)
  sleep 0.5   # one more sample past WRITING_OUTPUT
  t0=$(grep "job=$job state=RUNNING" "$state/logs/coordinator.log" | head -1 | cut -d' ' -f1)
  t1=$(grep "job=$job state=WRITING_OUTPUT" "$state/logs/coordinator.log" | head -1 | cut -d' ' -f1)
  python3 bench/threadcpu.py window "$OUT/samples.txt" "$t0" "$t1" "job=$n kernel=$kernel $job compute_s=$compute load=${load// /,}" \
    | while read -r l; do
        p=$(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' <<<"$l")
        for a in "${pids[@]}"; do [ "${a#*=}" = "$p" ] && l="$l agent=${a%%=*}"; done
        echo "$l"
      done | tee -a "$OUT/summary.txt"
done
echo "run directory: $OUT" >&2
