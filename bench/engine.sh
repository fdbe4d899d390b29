#!/usr/bin/env bash
# Engine benchmark: graphagent's single-process engine side by side with the single-threaded
# CSR baseline (../shared/bench/Baseline.java) on the same Graph500 graph, in the same run.
#
#   bench/engine.sh [SCALE]        # SCALE (default 20; or env SCALE) = log2 of the vertex count
#
# Env: SCALE, EDGE_FACTOR (16), SEED (1), THREADS (graphagent threads, 2), WORK (bench/work),
#      RUNS (1; with more, each peer runs that many times, alternating, and the run with the
#      lowest compute time is reported: shared machines are noisy),
#      BASELINE_HEAP (16g), GRAPHAGENT_JAVA_OPTS (extra JVM flags for graphagent),
#      GRAPHAGENT (the command that runs graphagent; default ./graphagent, the launcher).
# Generated graphs are kept in $WORK and reused (the generator is deterministic for a seed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

SCALE=${1:-${SCALE:-20}}
EDGE_FACTOR=${EDGE_FACTOR:-16}
SEED=${SEED:-1}
THREADS=${THREADS:-2}
RUNS=${RUNS:-1}
WORK=${WORK:-$root/bench/work}
BASELINE_HEAP=${BASELINE_HEAP:-16g}
baseline_src="$root/../shared/bench/Baseline.java"
[ -f "$baseline_src" ] || { echo "engine.sh: $baseline_src not found (../shared must sit beside the repository)" >&2; exit 2; }
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
java="$JAVA_HOME/bin/java"
mkdir -p "$WORK"
prefix="$WORK/rmat-$SCALE-ef$EDGE_FACTOR-seed$SEED"
read -r -a ga <<<"${GRAPHAGENT:-./graphagent}"
log="$WORK/engine-$(date +%Y%m%d-%H%M%S).log"

say() { echo "engine.sh: $*" >&2; }

# value KEY LINE: the value of KEY=... in a key=value line
value() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }

if [ ! -s "$prefix.e" ] || [ ! -s "$prefix.v" ]; then
  say "generating RMAT scale $SCALE (edge factor $EDGE_FACTOR, seed $SEED) into $prefix.{v,e}"
  "${ga[@]}" generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --seed "$SEED" --threads "$THREADS" --output "$prefix" | tee -a "$log" >&2
else
  say "reusing $prefix.{v,e}"
  "${ga[@]}" --version >/dev/null   # builds the CLI now if sources changed, outside the timings
fi
# The baseline's automatic BFS source is the first edge's source; both peers get it explicitly.
source=$(head -1 "$prefix.e" | awk '{print $1}')

baseline() {
  say "baseline: $*"
  local line
  line=$("$java" "-Xmx$BASELINE_HEAP" "$baseline_src" "$@" | tail -1)
  echo "$line" >>"$log"
  echo "$line"
}
graphagent() {
  local kernel=$1 line; shift
  say "graphagent: run --algorithm $kernel $*"
  line=$("${ga[@]}" run --algorithm "$kernel" --graph "$prefix" --threads "$THREADS" --memory-figures \
    --output "$WORK/out-$kernel" --overwrite "$@" | tail -1)
  echo "$line" >>"$log"
  echo "$line"
}

# best OLD NEW: whichever key=value line has the lower compute_s
best() {
  if [ -z "$1" ] || awk -v a="$(value compute_s "$2")" -v b="$(value compute_s "$1")" 'BEGIN { exit !(a < b) }'; then
    echo "$2"
  else
    echo "$1"
  fi
}

declare -A B G
# need LINE PREFIX: stop the benchmark when a peer failed (its error is above on stderr)
need() {
  [[ $1 == "$2"* ]] || { say "a run failed (no '$2...' summary line); stopping"; exit 1; }
}

for ((run = 1; run <= RUNS; run++)); do
  [ "$RUNS" -gt 1 ] && say "round $run of $RUNS"
  for k in pagerank wcc bfs; do
    case $k in
      pagerank) b=$(baseline pagerank "$prefix" 20 0.85); g=$(graphagent pagerank --directed --iterations 20 --damping 0.85) ;;
      wcc) b=$(baseline wcc "$prefix"); g=$(graphagent wcc --undirected) ;;
      bfs) b=$(baseline bfs "$prefix" "$source"); g=$(graphagent bfs --directed --source "$source") ;;
    esac
    need "$b" peer=; need "$g" algo=
    B[$k]=$(best "${B[$k]:-}" "$b")
    G[$k]=$(best "${G[$k]:-}" "$g")
  done
done

rate() { awk -v e="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1fM", e / s / 1e6; else print "-" }'; }

echo
echo "RMAT scale $SCALE, edge factor $EDGE_FACTOR, seed $SEED: $(value vertices "${G[pagerank]}") vertices, $(value edges "${G[pagerank]}") edges"
echo "best of $RUNS run(s) per peer; graphagent threads: $THREADS, JVM options: ${GRAPHAGENT_JAVA_OPTS:-(defaults)}; baseline: single-threaded CSR (../shared/bench/Baseline.java); JDK: $("$java" -version 2>&1 | head -1)"
echo
fmt="%-9s %-10s %7s %10s %16s %13s %21s %12s\n"
printf "$fmt" kernel peer "load s" "compute s" "edges/s compute" "load edges/s" "bytes/edge heap,rss" "ga/baseline"
min_load=""; max_rss=""
for k in pagerank wcc bfs; do
  b=${B[$k]}; g=${G[$k]}
  be=$(value edges "$b"); ge=$(value edges "$g")
  bl=$(value load_s "$b"); bc=$(value compute_s "$b")
  gl=$(value load_s "$g"); gc=$(value compute_s "$g")
  ratio=$(awk -v g="$gc" -v b="$bc" 'BEGIN { if (b > 0) printf "%.2f", g / b; else print "-" }')
  heap=$(value heap_bytes_per_edge "$g"); rss=$(value rss_bytes_per_edge "$g")
  printf "$fmt" "$k" baseline "$bl" "$bc" "$(rate "$be" "$bc")" "$(rate "$be" "$bl")" "-" ""
  printf "$fmt" "$k" graphagent "$gl" "$gc" "$(rate "$ge" "$gc")" "$(rate "$ge" "$gl")" "$heap, $rss" "$ratio"
  lr=$(awk -v e="$ge" -v s="$gl" 'BEGIN { printf "%.0f", e / s }')
  if [ -z "$min_load" ] || [ "$lr" -lt "$min_load" ]; then min_load=$lr; fi
  if [ -z "$max_rss" ] || awk -v a="$rss" -v b="$max_rss" 'BEGIN { exit !(a > b) }'; then max_rss=$rss; fi
done

yes_no() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
pr_g=$(value compute_s "${G[pagerank]}"); pr_b=$(value compute_s "${B[pagerank]}")
echo
echo "targets (issue 2):"
printf "  %-62s %-28s met: %s\n" "PageRank compute <= baseline single-threaded ($THREADS threads)" "$pr_g s vs $pr_b s" "$(yes_no "$pr_g <= $pr_b")"
printf "  %-62s %-28s met: %s\n" "loading >= 5M edges/s (slowest of the three loads)" "$(awk -v r="$min_load" 'BEGIN { printf "%.1fM edges/s", r / 1e6 }')" "$(yes_no "$min_load >= 5000000")"
printf "  %-62s %-28s met: %s\n" "<= 16 bytes/edge resident (largest RSS after load / edges)" "$max_rss bytes/edge" "$(yes_no "$max_rss <= 16")"
echo
echo "raw lines: $log"
