#!/usr/bin/env bash
# Checkpoint overhead: PageRank (20 iterations) on a local cluster (coordinator + AGENTS agents,
# separate JVMs on 127.0.0.1, mutual TLS) with a checkpoint every k supersteps, k = 0 (never),
# 1, 5, 10, in alternating rounds on one running cluster after a warm-up job; prints each k's
# compute time (best of RUNS), the bytes of one checkpoint and the overhead against k = 0 in
# percent, and checks that every k gave the same result.
#
#   bench/checkpoints.sh [SCALE]   # SCALE (default 20; or env SCALE) = log2 of the vertex count
#
# Env: SCALE, EDGE_FACTOR (16), SEED (1), AGENTS (2), RUNS (2), KS ("0 1 5 10"), WORK (bench/work).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
SCALE=${1:-${SCALE:-20}}
EDGE_FACTOR=${EDGE_FACTOR:-16}
SEED=${SEED:-1}
AGENTS=${AGENTS:-2}
RUNS=${RUNS:-2}
KS=${KS:-0 1 5 10}
WORK=${WORK:-$root/bench/work}
prefix="$WORK/rmat-$SCALE-ef$EDGE_FACTOR-seed$SEED"
state="$WORK/checkpoints-state"
out="$WORK/checkpoints-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK" "$out"
say() { echo "checkpoints.sh: $*" >&2; }
value() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }

./graphagent --version >/dev/null
if [ ! -s "$prefix.e" ]; then
  say "generating RMAT scale $SCALE into $prefix.{v,e}"
  ./graphagent generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --seed "$SEED" --output "$prefix" >&2
fi
rm -rf "$state"
setsid ./graphagent local --agents "$AGENTS" --state-dir "$state" >"$out/local.out" 2>&1 </dev/null &
cluster=$!
trap 'kill -TERM $cluster 2>/dev/null || true; wait $cluster 2>/dev/null || true' EXIT
for _ in $(seq 1 360); do
  grep -q "^graphagent local: coordinator and $AGENTS agents up" "$out/local.out" && break
  kill -0 $cluster 2>/dev/null || { cat "$out/local.out" >&2; say "the local cluster did not start"; exit 1; }
  sleep 0.5
done

say "warm-up job (not counted): the agents' JIT compiles the kernel and the exchange first"
./graphagent submit --state-dir "$state" --algorithm pagerank --graph "$prefix" --directed --output "$out/warmup.out" --overwrite \
  --checkpoint-every 0 >/dev/null 2>>"$out/submit.err"
declare -A best bytes
for ((run = 1; run <= RUNS; run++)); do
  for k in $KS; do
    say "round $run/$RUNS: pagerank, checkpoint every $k"
    line=$(./graphagent submit --state-dir "$state" --algorithm pagerank --graph "$prefix" --directed \
      --output "$out/pr-$k.out" --overwrite --checkpoint-every "$k" 2>>"$out/submit.err" | tail -1)
    echo "k=$k $line" >>"$out/runs.log"
    c=$(value compute_s "$line")
    [ -n "$c" ] || { say "no summary line: $line"; exit 1; }
    if [ -z "${best[$k]:-}" ] || awk -v a="$c" -v b="${best[$k]}" 'BEGIN { exit !(a < b) }'; then best[$k]=$c; fi
    b=$( (grep -h "event=checkpoint_complete job=$(value job "$line") " "$state"/logs/coordinator*.log 2>/dev/null || true) \
      | tail -1 | tr ' ' '\n' | sed -n 's/^bytes=//p')
    bytes[$k]=${b:-0}
  done
done
for k in $KS; do cmp -s "$out/pr-${KS%% *}.out" "$out/pr-$k.out" || { say "the result with k=$k differs"; exit 1; }; done

echo
echo "RMAT scale $SCALE PageRank, $AGENTS agents; best of $RUNS; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD)"
printf "%-22s %10s %18s %10s\n" "checkpoint every" "compute s" "bytes/checkpoint" "overhead"
base=${best[${KS%% *}]}
for k in $KS; do
  printf "%-22s %10s %18s %9s%%\n" "$([ "$k" = 0 ] && echo never || echo "k = $k")" "${best[$k]}" \
    "$([ "$k" = 0 ] && echo - || echo "${bytes[$k]}")" "$(awk -v a="${best[$k]}" -v b="$base" 'BEGIN { printf "%.1f", (a / b - 1) * 100 }')"
done
echo "every result equal to the k=${KS%% *} one: yes; raw lines: $out/runs.log"
