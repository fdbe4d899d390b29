#!/usr/bin/env bash
# Start-up benchmark: whole processes, wall time from outside, several runs each, alternating.
#
#   bench/startup.sh [RUNS]        # RUNS (default 7; or env RUNS) runs of each measure
#
# Measures (the targets of issue 12, point 8):
#   help      ./graphagent --help
#   example   ./graphagent run --algorithm pagerank on ../shared/datasets/graphalytics/example-directed
#   pagerank  ./graphagent run PageRank (directed, 20 iterations, damping 0.85, --threads THREADS) on
#             RMAT scale SCALE, paired run by run with the single-threaded baseline
#             (../shared/bench/Baseline.java pagerank PREFIX 20 0.85, as bench/engine.sh runs it):
#             the ratio graphagent/baseline of each pair, then its min and median.
# Env: RUNS (7), SCALE (18), EDGE_FACTOR (16), SEED (1), THREADS (2), WORK (bench/work),
#      BASELINE_HEAP (16g), GRAPHAGENT (command, default ./graphagent),
#      BEFORE (another graphagent command, e.g. a checkout of an older commit: each measure is
#      then also run with it, alternating with GRAPHAGENT, and the ratio now/before reported),
#      MEASURES ("help example pagerank").
# The raw times of every run go to $WORK/startup-*.log.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

RUNS=${1:-${RUNS:-7}}
SCALE=${SCALE:-18}
EDGE_FACTOR=${EDGE_FACTOR:-16}
SEED=${SEED:-1}
THREADS=${THREADS:-2}
WORK=${WORK:-$root/bench/work}
BASELINE_HEAP=${BASELINE_HEAP:-16g}
MEASURES=${MEASURES:-help example pagerank}
baseline_src="$root/../shared/bench/Baseline.java"
example="$root/../shared/datasets/graphalytics/example-directed"
[ -f "$baseline_src" ] && [ -f "$example.e" ] || { echo "startup.sh: ../shared (bench/Baseline.java, datasets) must sit beside the repository" >&2; exit 2; }
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
java="$JAVA_HOME/bin/java"
mkdir -p "$WORK"
prefix="$WORK/rmat-$SCALE-ef$EDGE_FACTOR-seed$SEED"
read -r -a ga <<<"${GRAPHAGENT:-./graphagent}"
before=()
[ -n "${BEFORE:-}" ] && read -r -a before <<<"$BEFORE"
log="$WORK/startup-$(date +%Y%m%d-%H%M%S).log"

say() { echo "startup.sh: $*" >&2; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# The graphagent commands, built (and their start-up cache made) outside the timings.
"${ga[@]}" --version >/dev/null
[ ${#before[@]} -eq 0 ] || "${before[@]}" --version >/dev/null
if [[ " $MEASURES " == *" pagerank "* ]] && { [ ! -s "$prefix.e" ] || [ ! -s "$prefix.v" ]; }; then
  say "generating RMAT scale $SCALE into $prefix.{v,e}"
  "${ga[@]}" generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --seed "$SEED" --threads "$THREADS" --output "$prefix" >&2
fi

# seconds NAME CMD...: runs CMD (stdout and stderr to the log), prints its wall seconds, stops on failure.
seconds() {
  local name=$1 start end status=0; shift
  start=$EPOCHREALTIME
  "$@" >>"$log.out" 2>&1 || status=$?
  end=$EPOCHREALTIME
  [ "$status" -eq 0 ] || { say "$name failed (exit $status): $*; see $log.out"; exit 1; }
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

# The command of each measure for a graphagent command given as words.
measure() {
  local what=$1; shift
  case $what in
    help) "$@" --help ;;
    example) "$@" run --algorithm pagerank --graph "$example" --output "$WORK/startup-example.txt" ;;
    pagerank) "$@" run --algorithm pagerank --graph "$prefix" --directed --iterations 20 --damping 0.85 \
      --threads "$THREADS" --output "$WORK/startup-pagerank.txt" ;;
  esac
}
baseline() { "$java" "-Xmx$BASELINE_HEAP" "$baseline_src" pagerank "$prefix" 20 0.85; }

declare -A T   # T[measure peer] = space-separated wall seconds
load_start=$(loadavg)
for ((run = 1; run <= RUNS; run++)); do
  say "round $run of $RUNS (load average $(loadavg))"
  for m in $MEASURES; do
    t=$(seconds "$m" measure "$m" "${ga[@]}"); T[$m now]+="$t "; echo "$m now $t" >>"$log"
    if [ ${#before[@]} -gt 0 ]; then
      t=$(seconds "$m" measure "$m" "${before[@]}"); T[$m before]+="$t "; echo "$m before $t" >>"$log"
    fi
    if [ "$m" = pagerank ]; then
      t=$(seconds baseline baseline); T[$m baseline]+="$t "; echo "$m baseline $t" >>"$log"
    fi
  done
done
load_end=$(loadavg)

# stats "T1 T2 ...": min median max
stats() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", v[1], m, v[NR] }'; }
# ratios "A1 A2 ..." "B1 B2 ...": the pairwise ratios A_i / B_i
ratios() { paste -d' ' <(tr ' ' '\n' <<<"$1" | sed '/^$/d') <(tr ' ' '\n' <<<"$2" | sed '/^$/d') | awk '{ printf "%.3f ", $1 / $2 }'; }

echo
echo "whole-process wall seconds, $RUNS runs each, alternating; load average $load_start at the start, $load_end at the end"
echo "graphagent: ${ga[*]}${BEFORE:+; before: $BEFORE}; JDK: $("$java" -version 2>&1 | head -1)"
echo
fmt="%-9s %-22s %8s %8s %8s\n"
printf "$fmt" measure peer min median max
for m in $MEASURES; do
  for p in now before baseline; do
    [ -n "${T[$m $p]:-}" ] || continue
    read -r lo mid hi <<<"$(stats "${T[$m $p]}")"
    printf "$fmt" "$m" "$p" "$lo" "$mid" "$hi"
  done
  if [ -n "${T[$m before]:-}" ]; then
    read -r lo mid hi <<<"$(stats "$(ratios "${T[$m now]}" "${T[$m before]}")")"
    printf "$fmt" "$m" "now/before (pairs)" "$lo" "$mid" "$hi"
  fi
  if [ -n "${T[$m baseline]:-}" ]; then
    read -r lo mid hi <<<"$(stats "$(ratios "${T[$m now]}" "${T[$m baseline]}")")"
    printf "$fmt" "$m" "now/baseline (pairs)" "$lo" "$mid" "$hi"
    [ -z "${T[$m before]:-}" ] || { read -r lo mid hi <<<"$(stats "$(ratios "${T[$m before]}" "${T[$m baseline]}")")"
      printf "$fmt" "$m" "before/baseline (pairs)" "$lo" "$mid" "$hi"; }
  fi
done

median() { read -r _ mid _ <<<"$(stats "$1")"; echo "$mid"; }
yes_no() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
echo
echo "targets (issue 12, point 8), on medians:"
for m in $MEASURES; do
  case $m in
    help) v=$(median "${T[help now]}"); printf "  %-58s %-10s met: %s\n" "./graphagent --help <= 0.5 s" "$v s" "$(yes_no "$v <= 0.5")" ;;
    example) v=$(median "${T[example now]}"); printf "  %-58s %-10s met: %s\n" "run on example-directed <= 0.8 s" "$v s" "$(yes_no "$v <= 0.8")" ;;
    pagerank) v=$(median "$(ratios "${T[pagerank now]}" "${T[pagerank baseline]}")")
      printf "  %-58s %-10s met: %s\n" "PageRank RMAT $SCALE end to end <= 1.3x the baseline" "${v}x" "$(yes_no "$v <= 1.3")" ;;
  esac
done
echo
echo "raw times: $log (outputs: $log.out)"
