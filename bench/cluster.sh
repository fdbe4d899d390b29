#!/usr/bin/env bash
# Cluster benchmark: graphagent on a coordinator and 2 agents (separate JVMs on 127.0.0.1,
# mutual TLS, `graphagent local`) beside graphagent's single-process engine and the peers of
# ../shared/bench (the single-threaded CSR baselines and Spark GraphX local[2]), on the same
# Graph500 graph, in the same run: PageRank (20 iterations) and WCC.
#
#   bench/cluster.sh [SCALE]       # SCALE (default 20; or env SCALE) = log2 of the vertex count
#
# Env: SCALE, EDGE_FACTOR (16), SEED (1), THREADS (threads of the single-process engine, 2),
#      AGENTS (2), PARTITIONS (cluster partitions; default: the cluster's, agents x 4),
#      CHECKPOINT_EVERY (default: the cluster's), RUNS (1; with more, graphagent's engine and
#      cluster run that many times, alternating, and the run with the lowest compute time is
#      reported), PEER_RUNS (runs of each peer of ../shared/bench, best reported; default RUNS),
#      WORK (bench/work),
#      PEERS ("csr1 csr graphx"), TIMEOUT (seconds per run, 1800), START_TIMEOUT (seconds for
#      the cluster to come up, 180), PORT (the coordinator's port, 0 = free ports),
#      BASELINE_HEAP (16g, for ../shared/bench/Baseline.java), HEAP (16g, for the peers, read by
#      their jvm-flags.sh), PEERS_JAVA_HOME (a JDK 17 for the peers; default: found under
#      /usr/lib/jvm), GRAPHX_PARTITIONS (4), GRAPHX_STRATEGY (2d), GRAPHAGENT_JAVA_OPTS (extra
#      JVM flags for every graphagent process, the cluster's included),
#      GRAPHAGENT (the command that runs graphagent; default: a copy of the launcher's jar taken
#      at the start, so that a rebuild of the working tree cannot change the code mid-run),
#      GRAPHAGENT_JAR (run this jar, with the launcher's JVM flags, instead of building one).
# Generated graphs are kept in $WORK and reused (shared with bench/engine.sh); the peer harness
# is copied to $WORK/peers and built there once (Maven, JDK 17; the first build downloads
# ~230 MB). The local cluster keeps its state in $WORK/cluster-state and is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

SCALE=${1:-${SCALE:-20}}
EDGE_FACTOR=${EDGE_FACTOR:-16}
SEED=${SEED:-1}
THREADS=${THREADS:-2}
AGENTS=${AGENTS:-2}
PARTITIONS=${PARTITIONS:-}
CHECKPOINT_EVERY=${CHECKPOINT_EVERY:-}
RUNS=${RUNS:-1}
PEER_RUNS=${PEER_RUNS:-$RUNS}
WORK=${WORK:-$root/bench/work}
PEERS=${PEERS:-"csr1 csr graphx"}
TIMEOUT=${TIMEOUT:-1800}
START_TIMEOUT=${START_TIMEOUT:-180}
PORT=${PORT:-0}
BASELINE_HEAP=${BASELINE_HEAP:-16g}
GRAPHX_PARTITIONS=${GRAPHX_PARTITIONS:-4}
GRAPHX_STRATEGY=${GRAPHX_STRATEGY:-2d}
STOP_TIMEOUT=20   # seconds `local` gets to stop its processes before the group is killed

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

shared="$root/../shared/bench"
baseline_src="$shared/Baseline.java"
[ -f "$baseline_src" ] && [ -d "$shared/peers" ] \
  || { say "$shared/Baseline.java or $shared/peers not found (../shared must sit beside the repository)"; exit 2; }
command -v setsid >/dev/null || { say "setsid (util-linux) is needed to stop the cluster as one process group"; exit 2; }
JAVA_HOME=$("$root/bin/java-home"); export JAVA_HOME
java="$JAVA_HOME/bin/java"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)   # absolute: the cluster reads and writes these paths
prefix="$WORK/rmat-$SCALE-ef$EDGE_FACTOR-seed$SEED"
stamp=$(date +%Y%m%d-%H%M%S)
log="$WORK/cluster-$stamp.log"        # raw key=value lines
rundir="$WORK/cluster-$stamp"         # this run's peer logs, cluster logs, outputs
state="$WORK/cluster-state"
mkdir -p "$rundir"

# value KEY LINE: the value of KEY=... in a key=value line
value() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- the local cluster: started in its own process group, stopped on any exit
cluster_pid=""
stop_cluster() {
  [ -n "$cluster_pid" ] || return 0
  local pid=$cluster_pid i
  cluster_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping the local cluster (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true   # `local` stops its processes (SIGTERM, a kill after 5 s)
  fi
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 -- "-$pid" 2>/dev/null; then
    say "the cluster's processes outlived ${STOP_TIMEOUT}s; killing process group $pid"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  if [ -d "$state/logs" ]; then cp -r "$state/logs" "$rundir/cluster-logs"; fi
}
# bounded OUT MODE CMD...: CMD with stdout (MODE=merge: and stderr) to the file OUT, killed after
# TIMEOUT seconds; in the background, so that Ctrl-C or a TERM stops it (and us) at once
child=""
bounded() {
  local out=$1 mode=$2 rc=0
  shift 2
  if [ "$mode" = merge ]; then
    timeout -k 30 "$TIMEOUT" "$@" >"$out" 2>&1 &
  else
    timeout -k 30 "$TIMEOUT" "$@" >"$out" &
  fi
  child=$!
  wait "$child" || rc=$?
  child=""
  [ "$rc" -ne 124 ] || say "timed out after ${TIMEOUT}s: $*"
  return "$rc"
}
on_signal() {
  local i
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true   # timeout passes it on (submit then cancels its job)
    for ((i = 0; i < 100; i++)); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$child" 2>/dev/null || true
  fi
  exit "$1"
}
trap stop_cluster EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# ---- graphagent: build once, then run a copy of the jar
if [ -n "${GRAPHAGENT:-}" ]; then
  read -r -a ga <<<"$GRAPHAGENT"
  ga_build="$GRAPHAGENT"
else
  jar="$WORK/graphagent-bench.jar"
  if [ -n "${GRAPHAGENT_JAR:-}" ]; then
    [ -f "$GRAPHAGENT_JAR" ] || { say "GRAPHAGENT_JAR=$GRAPHAGENT_JAR: no such file"; exit 2; }
    [ "$(realpath "$GRAPHAGENT_JAR")" = "$(realpath -m "$jar")" ] || cp "$GRAPHAGENT_JAR" "$jar.tmp"
  else
    ./graphagent --version >/dev/null \
      || die "building graphagent failed (see above); GRAPHAGENT_JAR=FILE runs an already built jar instead"
    cp cli/target/graphagent.jar "$jar.tmp"
  fi
  if [ -f "$jar.tmp" ]; then mv "$jar.tmp" "$jar"; fi
  # run through the launcher, pointed at the copied jar: its JVM flags, start-up cache and
  # GRAPHAGENT_JAVA_OPTS apply as they do for a user (the cache is made beside the jar, once)
  ga=(env GRAPHAGENT_JAR="$jar" ./graphagent)
  if [ -n "${GRAPHAGENT_JAR:-}" ]; then
    ga_build="$GRAPHAGENT_JAR (built $(date -r "$jar" '+%F %T'))"
  else
    dirty=$(git status --porcelain -- . | grep -vc '^?? bench/' || true)
    ga_build="jar of $(git rev-parse --short HEAD)$([ "$dirty" -eq 0 ] || echo " + $dirty uncommitted paths of the working tree")"
  fi
fi

if [ ! -s "$prefix.e" ] || [ ! -s "$prefix.v" ]; then
  say "generating RMAT scale $SCALE (edge factor $EDGE_FACTOR, seed $SEED) into $prefix.{v,e}"
  bounded "$rundir/stdout" - "${ga[@]}" generate rmat --scale "$SCALE" --edge-factor "$EDGE_FACTOR" --seed "$SEED" \
    --threads "$THREADS" --output "$prefix" || die "generating the graph failed (exit $?)"
  tee -a "$log" <"$rundir/stdout" >&2
else
  say "reusing $prefix.{v,e}"
fi

# ---- the peer harness: a copy of ../shared/bench/peers in $WORK/peers, built once
want() { [[ " $PEERS " == *" $1 "* ]]; }
peers_dir="$WORK/peers"
if want csr || want graphx; then
  if [ -z "${PEERS_JAVA_HOME:-}" ]; then
    for d in /usr/lib/jvm/*17*; do
      if [ -x "$d/bin/javac" ]; then PEERS_JAVA_HOME=$d; break; fi
    done
  fi
  [ -n "${PEERS_JAVA_HOME:-}" ] && [ -x "$PEERS_JAVA_HOME/bin/java" ] \
    || { say "the peers need a JDK 17 (none under /usr/lib/jvm); set PEERS_JAVA_HOME, or PEERS=csr1"; exit 2; }
  command -v mvn >/dev/null || { say "the peers are built with Maven (mvn) on the PATH; install it, or PEERS=csr1"; exit 2; }
  mkdir -p "$peers_dir"
  cp -a "$shared/peers/pom.xml" "$shared/peers/src" "$shared/peers/jvm-flags.sh" "$shared/peers/run-peers.sh" "$peers_dir/"
  if [ ! -f "$peers_dir/target/peers.jar" ] \
     || [ -n "$(find "$peers_dir/pom.xml" "$peers_dir/src" -newer "$peers_dir/target/peers.jar" -print -quit)" ]; then
    say "building the peer harness in $peers_dir (JDK $PEERS_JAVA_HOME; the first build downloads ~230 MB)"
    bounded "$rundir/peers-build.log" merge env JAVA_HOME="$PEERS_JAVA_HOME" PATH="$PEERS_JAVA_HOME/bin:$PATH" \
        mvn -q -B -f "$peers_dir/pom.xml" package -DskipTests \
      || { tail -20 "$rundir/peers-build.log" >&2; die "the peer build failed (log: $rundir/peers-build.log)"; }
  fi
  # HEAP, JAVA_OPTS, SPARK_JAVA_OPTS and SPARK_LOCAL_IP, as run-peers.sh uses them
  # shellcheck source=/dev/null
  source "$peers_dir/jvm-flags.sh"
  pjava="$PEERS_JAVA_HOME/bin/java"
  peers_cp="$peers_dir/target/peers.jar:$peers_dir/target/lib/*"
fi

declare -A R   # R[peer/kernel] = the best key=value line so far
# keep PEER/KERNEL LINE: store the line with the lower compute_s
keep() {
  local old=${R[$1]:-}
  if [ -z "$old" ] || awk -v a="$(value compute_s "$2")" -v b="$(value compute_s "$old")" 'BEGIN { exit !(a < b) }'; then
    R[$1]=$2
  fi
}
# record PEER/KERNEL PREFIX LINE: check, log and keep a summary line
record() {
  [[ $3 == "$2"* ]] || die "$1 failed (no '$2...' summary line; see the errors above and $rundir)"
  echo "bench=$1 $3" >>"$log"
  keep "$1" "$3"
}

engine() {
  local kernel=$1 line l; shift
  say "graphagent-engine: run --algorithm $kernel $*"
  l=$(load1)
  bounded "$rundir/stdout" - "${ga[@]}" run --algorithm "$kernel" --graph "$prefix" --threads "$THREADS" \
    --output "$rundir/engine-$kernel.out" --overwrite "$@" || die "graphagent run $kernel failed (exit $?)"
  line=$(tail -1 "$rundir/stdout")
  record "graphagent-engine/$kernel" algo= "$line load1=$l"
}

cluster_opts=()
[ -n "$PARTITIONS" ] && cluster_opts+=(--partitions "$PARTITIONS")
[ -n "$CHECKPOINT_EVERY" ] && cluster_opts+=(--checkpoint-every "$CHECKPOINT_EVERY")
cluster() {
  local kernel=$1 line l; shift
  say "graphagent-cluster-$AGENTS: submit --algorithm $kernel $*"
  l=$(load1)
  bounded "$rundir/stdout" - "${ga[@]}" submit --state-dir "$state" --algorithm "$kernel" --graph "$prefix" \
    --output "$rundir/cluster-$kernel.out" --overwrite "${cluster_opts[@]}" "$@" \
    || die "graphagent submit $kernel failed (exit $?); logs: $state/logs"
  line=$(tail -1 "$rundir/stdout")
  record "graphagent-cluster-$AGENTS/$kernel" algo= "$line load1=$l"
}

start_cluster() {
  local out="$rundir/local.out" i bound=$((START_TIMEOUT + 30))
  say "starting a local cluster: coordinator + $AGENTS agents (state: $state)"
  # -Dgraphagent.timing=DEBUG: the coordinator's per-superstep lines (event=superstep_done), read below
  GRAPHAGENT_JAVA_OPTS="${GRAPHAGENT_JAVA_OPTS:-} -Dgraphagent.timing=DEBUG" setsid "${ga[@]}" local --agents "$AGENTS" --state-dir "$state" --port "$PORT" --start-timeout "${START_TIMEOUT}s" \
    >"$out" 2>&1 </dev/null &
  cluster_pid=$!
  for ((i = 0; i < bound * 2; i++)); do
    if grep -q "^graphagent local: coordinator and $AGENTS agents up" "$out"; then
      grep "^graphagent local: coordinator" "$out" >&2
      timeout 60 "${ga[@]}" status --state-dir "$state" >>"$rundir/status.txt" 2>&1 || true
      return 0
    fi
    if ! kill -0 "$cluster_pid" 2>/dev/null; then
      tail -20 "$out" >&2
      die "graphagent local exited before the cluster was up (output: $out, logs: $state/logs)"
    fi
    sleep 0.5
  done
  tail -20 "$out" >&2
  die "the local cluster was not up within ${bound}s (output: $out, logs: $state/logs)"
}

baseline() {
  local kernel=$1 line l; shift
  say "csr1: Baseline.java $kernel $*"
  l=$(load1)
  bounded "$rundir/stdout" - "$java" "-Xmx$BASELINE_HEAP" "$baseline_src" "$kernel" "$prefix" "$@" \
    || die "Baseline.java $kernel failed (exit $?)"
  line=$(tail -1 "$rundir/stdout")
  record "csr1/$kernel" peer= "$line load1=$l"
}

# peer NAME ALGO: one peer of the harness, the way run-peers.sh runs it (fresh JVM, log file)
peer() {
  local name=$1 algo=$2 cmd plog line l rc=0
  case $name in
    csr) cmd=("$pjava" "${JAVA_OPTS[@]}" -cp "$peers_cp" peers.CsrPeer) ;;
    graphx) cmd=("$pjava" "${JAVA_OPTS[@]}" "${SPARK_JAVA_OPTS[@]}" -cp "$peers_cp" peers.GraphXPeer
                 --master "local[2]" --partitions "$GRAPHX_PARTITIONS" --strategy "$GRAPHX_STRATEGY") ;;
  esac
  plog="$rundir/$name-$algo-$run.log"
  say "$name: --algo $algo (log: $plog)"
  l=$(load1)
  bounded "$plog" merge "${cmd[@]}" --algo "$algo" --graph "$prefix" || rc=$?
  line=$(grep -m1 '^peer=' "$plog" || true)
  [ "$rc" -eq 0 ] || { tail -5 "$plog" >&2; die "$name $algo failed (exit $rc; log: $plog)"; }
  local key=$name
  [ "$algo" = pagerank-exact ] && key=graphx-exact
  record "$key/${algo%-exact}" peer= "$line load1=$l"
}

kernels="pagerank wcc"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- graphagent: engine and cluster, alternating
start_cluster
for ((run = 1; run <= RUNS; run++)); do
  [ "$RUNS" -gt 1 ] && say "graphagent round $run of $RUNS"
  engine pagerank --directed --iterations 20 --damping 0.85
  cluster pagerank --directed --iterations 20 --damping 0.85
  engine wcc --undirected
  cluster wcc --undirected
done
stop_cluster

# ---- the peers on the same files
for ((run = 1; run <= PEER_RUNS; run++)); do
  [ "$PEER_RUNS" -gt 1 ] && say "peer round $run of $PEER_RUNS"
  if want csr1; then baseline pagerank 20 0.85; baseline wcc; fi
  if want csr; then peer csr pagerank; peer csr wcc; fi
  if want graphx; then peer graphx pagerank; peer graphx pagerank-exact; peer graphx wcc; fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table
num() { awk "BEGIN { printf \"$1\", $2 }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "-" }'; }
si() { awk -v x="$1" 'BEGIN { if (x >= 1e9) printf "%.2fG", x / 1e9; else if (x >= 1e6) printf "%.2fM", x / 1e6; else if (x >= 1e3) printf "%.1fk", x / 1e3; else printf "%.0f", x }'; }
cl="graphagent-cluster-$AGENTS"
rows="$cl graphagent-engine csr1 csr graphx graphx-exact"
# row_times K PEER: "load compute total" of a row (total = load + compute; GraphX's startup is not in it)
row_times() {
  local line=${R[$2/$1]:-}
  [ -n "$line" ] || return 1
  local l c
  l=$(value load_s "$line"); c=$(value compute_s "$line")
  echo "$l $c $(awk -v l="$l" -v c="$c" 'BEGIN { printf "%.3f", l + c }')"
}

g=${R[graphagent-engine/pagerank]}
echo
echo "RMAT scale $SCALE, edge factor $EDGE_FACTOR, seed $SEED: $(value vertices "$g") vertices, $(value edges "$g") edges ($prefix)"
echo "best of $RUNS run(s) of graphagent's engine and cluster, $PEER_RUNS of each other peer (lowest compute s); $(nproc) cores; load average at start $load_start, at end $load_end"
echo "graphagent: $ga_build; JDK: $("$java" -version 2>&1 | head -1); engine --threads $THREADS;" \
     "cluster: $AGENTS agents + coordinator, separate JVMs on 127.0.0.1, mutual TLS, $(value partitions "${R[$cl/pagerank]}") partitions"
[ -n "${pjava:-}" ] && echo "peers: JDK $("$pjava" -version 2>&1 | head -1), -Xmx$HEAP; csr1 = ../shared/bench/Baseline.java (JDK above, -Xmx$BASELINE_HEAP); graphx local[2], $GRAPHX_PARTITIONS partitions, $GRAPHX_STRATEGY"
echo
fmt="%-9s %-24s %8s %10s %8s %16s %12s %17s %6s\n"
printf "$fmt" kernel peer "load s" "compute s" "total s" "bytes/superstep" "messages/s" "x engine (c, t)" load1
for k in $kernels; do
  read -r _ ec et <<<"$(row_times "$k" graphagent-engine)"
  for p in $rows; do
    line=${R[$p/$k]:-}
    [ -n "$line" ] || continue
    read -r l c t <<<"$(row_times "$k" "$p")"
    bps=-; mps=-
    if [ "$p" = "$cl" ]; then
      bps=$(si "$(awk -v b="$(value bytes "$line")" -v s="$(value supersteps "$line")" 'BEGIN { print (s > 0 ? b / s : 0) }')")
      mps=$(si "$(awk -v m="$(value messages "$line")" -v c="$c" 'BEGIN { print (c > 0 ? m / c : 0) }')")
    fi
    name=$p
    [ "$p" = graphx ] && [ "$k" = pagerank ] && name="graphx (staticPageRank)"
    printf "$fmt" "$k" "$name" "$l" "$c" "$t" "$bps" "$mps" "$(ratio "$c" "$ec"), $(ratio "$t" "$et")" "$(value load1 "$line")"
  done
done
echo
echo "total s = load s + compute s for every peer. The cluster's load s is the job's loading phase"
echo "(each agent parses its byte-range splits and ships vertices and edges to their owners), its compute s the supersteps; bytes/superstep = bytes sent"
echo "between agents / supersteps, messages/s = messages / compute s. graphx's load s is textFile to"
echo "a cached, partitioned graph; its SparkContext start-up is not in it."
for p in $cl graphagent-engine; do
  for k in $kernels; do
    echo "  $p $k compute_s run by run: $(grep "^bench=$p/$k " "$log" | tr ' ' '\n' | sed -n 's/^compute_s=//p' | tr '\n' ' ')"
  done
done
for k in $kernels; do
  line=${R[$cl/$k]}
  echo "  $cl $k: job total_s=$(value total_s "$line") (submit to output written; $(value supersteps "$line") supersteps," \
       "$(value messages "$line") messages, $(value bytes "$line") bytes, $(value recoveries "$line") recoveries)"
done
for k in $kernels; do
  if [ -n "${R[graphx/$k]:-}" ]; then echo "  graphx $k: startup_s=$(value startup_s "${R[graphx/$k]}") (SparkContext)"; fi
done

# ---- targets of issue 11 (partitioned graphs): compute against the engine, load against the engine's load
yes_no() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
echo
echo "targets (issue 11):"
tfmt="  %-68s %-34s met: %s\n"
for k in $kernels; do
  read -r cl_load cc _ <<<"$(row_times "$k" "$cl")"
  read -r en_load ec _ <<<"$(row_times "$k" graphagent-engine)"
  bound=1.5; [ "$k" = wcc ] && bound=1.2
  printf "$tfmt" "$k: $AGENTS-agent cluster compute <= ${bound}x single-process engine" "$cc s vs $ec s (x$(ratio "$cc" "$ec"))" "$(yes_no "$cc <= $bound * $ec")"
  printf "$tfmt" "$k: $AGENTS-agent cluster load <= the engine's load" "$cl_load s vs $en_load s (x$(ratio "$cl_load" "$en_load"))" "$(yes_no "$cl_load <= $en_load")"
done
for k in $kernels; do
  if ! gx=$(row_times "$k" graphx); then
    printf "$tfmt" "$k: >= 10x faster than GraphX" "graphx not run (PEERS)" "n/a"
    continue
  fi
  read -r _ gc gt <<<"$gx"
  read -r _ cc ct <<<"$(row_times "$k" "$cl")"
  printf "$tfmt" "$k: $AGENTS-agent cluster >= 10x faster than GraphX, compute" "$gc s / $cc s = $(ratio "$gc" "$cc")x" "$(yes_no "$gc >= 10 * $cc")"
  printf "$tfmt" "$k: $AGENTS-agent cluster >= 10x faster than GraphX, load+compute" "$gt s / $ct s = $(ratio "$gt" "$ct")x" "$(yes_no "$gt >= 10 * $ct")"
done
[ -n "${R[graphx/pagerank]:-}" ] && echo "  (pagerank against GraphX's built-in staticPageRank, the faster of its two; pagerank-exact is in the table)"

# ---- where the cluster's time goes: the coordinator's and agents' logs of this run
logs="$rundir/cluster-logs"
if [ -f "$logs/coordinator.log" ]; then
  echo
  echo "cluster phases (coordinator log; the last run of each kernel):"
  for k in $kernels; do
    job=$(value job "${R[$cl/$k]}")
    awk -v job="$job" -v k="$k" '
      function t(s) { split(substr(s, 12, 12), p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
      $0 ~ "job=" job " " {
        ts = t($1)
        if ($0 ~ /event=job_submitted/) sub0 = ts
        if ($0 ~ /state=LOADING/) load0 = ts
        if ($0 ~ /state=RUNNING/) { run0 = ts; prev = ts }
        if ($0 ~ /event=superstep_done/) { d[n++] = ts - prev; prev = ts }
        if ($0 ~ /state=WRITING_OUTPUT/) w0 = ts
        if ($0 ~ /state=SUCCEEDED/) done = ts
      }
      END {
        if (n == 0) { printf "  %s %s: no superstep lines found\n", k, job; exit }
        first = d[0]
        for (i = 1; i <= n; i++) {   # insertion sort into s[1..n] (mawk has no asort)
          x = d[i - 1]; j = i - 1
          while (j >= 1 && s[j] > x) { s[j + 1] = s[j]; j-- }
          s[j + 1] = x
        }
        printf "  %s %s: load %.2f s, supersteps %.2f s (n=%d; first %.3f s, median %.3f s, max %.3f s), output %.2f s\n",
          k, job, run0 - load0, w0 - run0, n, first, s[int((n + 1) / 2)], s[n], done - w0
      }' "$logs/coordinator.log"
    for a in "$logs"/agent-*.log; do
      grep "event=job_loaded job=$job " "$a" | sed -n "s/.*event=job_loaded /    $(basename "$a" .log): /p" || true
    done
  done
fi

# ---- the cluster's results against the engine's (outside the timings)
echo
for k in $kernels; do
  e="$rundir/engine-$k.out"; c="$rundir/cluster-$k.out"
  order="in ascending id order"
  sort -n -k1,1 -c "$c" 2>/dev/null || order="NOT in ascending id order (Graphalytics output is sorted by id)"
  if cmp -s <(sort -n -k1,1 "$e") <(sort -n -k1,1 "$c"); then
    echo "$k: cluster output has the engine's lines exactly; it is $order"
  else
    paste -d' ' <(sort -n -k1,1 "$e") <(sort -n -k1,1 "$c") | awk -v k="$k" -v order="$order" '
      $1 != $3 { bad++ } $2 != $4 { diff++ } { d = $2 - $4; if (d < 0) d = -d; if (d > m) m = d }
      END { if (bad) printf "%s: cluster output DIFFERS: other vertex ids on %d lines\n", k, bad;
            else printf "%s: cluster output differs from the engine'\''s on %d of %d vertices, largest |difference| %.3g; it is %s\n", k, diff, NR, m, order }'
  fi
done
# checksums as the peers print them: the sum of the ranks and the top vertex; the number of components
summary() {  # KERNEL FILE
  if [ "$1" = pagerank ]; then
    awk '{ s += $2; if (!top || $2 > best) { best = $2; top = $1 } } END { printf "%.9f top=%s:%.9e", s, top, best }' "$2"
  else
    awk '{ c[$2] = 1 } END { n = 0; for (k in c) n++; print n }' "$2"
  fi
}
echo "pagerank sum of ranks, top vertex: engine $(summary pagerank "$rundir/engine-pagerank.out"), cluster $(summary pagerank "$rundir/cluster-pagerank.out")$(
  for p in csr1 csr graphx-exact graphx; do
    line=${R[$p/pagerank]:-}; [ -n "$line" ] || continue
    printf ", %s %s" "$p" "$(value checksum "$line")$(t=$(value top "$line"); [ -z "$t" ] || echo " top=$t")"
  done)"
echo "wcc components: engine $(summary wcc "$rundir/engine-wcc.out"), cluster $(summary wcc "$rundir/cluster-wcc.out")$(
  for p in csr1 csr graphx; do
    line=${R[$p/wcc]:-}; [ -n "$line" ] || continue
    printf ", %s %s" "$p" "$(value checksum "$line")"
  done)"
echo "raw lines: $log; logs and outputs: $rundir"
