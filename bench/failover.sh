#!/usr/bin/env bash
# Reconnect storm: SESSIONS agents' sessions (the real session client over mutual TLS, each with
# its own certificate, JVMS processes of `graphagent session-fleet`, no graph work) against two
# coordinators of the etcd store (a real etcd, /usr/bin/etcd), then SIGKILL the leader. Printed,
# with backoff jitter on and then off (session.reconnect.jitter=false), each on a fresh etcd and
# fresh coordinators:
#   - join: time until every session was open on the first leader (ramp of RATE sessions/s),
#     and the handshake timeouts and other failed dials on the way;
#   - failover: kill to the new leader serving (its event=leader_serving), kill to every session open on it (its term);
#     peak dials (Hellos sent) and peak handshakes (Welcomes + leader redirects: dials whose TLS
#     handshake completed) per second; the new leader's CPU from the kill until all were back;
#     agents declared DEAD in the new leader's event log (must be 0);
#   - steady: the leader's CPU per 1,000 heartbeating agents (over STEADY seconds, after the
#     storm settled).
#
#   bench/failover.sh                    # 2,000 sessions in 2 JVMs (~6-10 min on a quiet machine)
#   SESSIONS=400 JVMS=1 bench/failover.sh
#
# Also printed: the join's CPU (leader, fleets) in cores, to tell who is the bottleneck.
#
# Env: SESSIONS (2000), JVMS (2), RATE (100: sessions started per second, all JVMs together),
# STEADY (20 s), JOIN_LIMIT (300 s), FAILOVER_LIMIT (120 s), TTL (election TTL, 2s),
# LEASE (session.lease-ttl, 5s: the lan profile), HEARTBEAT (1s), WORK (bench/work/failover),
# SCENARIOS ("on off": which backoffs to run), COORDINATOR_JAVA_OPTS (JVM flags of the
# coordinators only, e.g. -XX:StartFlightRecording=filename=leader.jfr for a profile),
# GRAPHAGENT_JAR (run this jar, as ./graphagent does). Logs of every process stay in WORK/<scenario>/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
SESSIONS=${SESSIONS:-2000}
JVMS=${JVMS:-2}
RATE=${RATE:-100}
STEADY=${STEADY:-20}
JOIN_LIMIT=${JOIN_LIMIT:-300}
FAILOVER_LIMIT=${FAILOVER_LIMIT:-120}
TTL=${TTL:-2s}
LEASE=${LEASE:-5s}
HEARTBEAT=${HEARTBEAT:-1s}
WORK=${WORK:-$root/bench/work/failover}
SCENARIOS=${SCENARIOS:-on off}
say() { echo "failover.sh: $*" >&2; }
die() { say "$*"; exit 1; }

./graphagent --version >/dev/null || die "building graphagent failed"
# The launcher execs the JVM: $! of a process started through it is the JVM's pid.
ga=("$root/graphagent")
clk=$(getconf CLK_TCK)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# Waits until command "$2..." succeeds, at most $1 seconds; false on timeout.
wait_for() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
# The sum over fleet logs of field $1 in each JVM's last progress line.
fleet_sum() {
  local field=$1 total=0 f v
  for f in "$dir"/fleet-*.log; do
    v=$(grep '^fleet t_ms=' "$f" | tail -1 | tr ' ' '\n' | sed -n "s/^$field=//p")
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}
# Whether every fleet's last line has open_on_term = its sessions at term >= $1.
all_open_on() {
  local want=$1 f line
  for f in "$dir"/fleet-*.log; do
    line=$(grep '^fleet t_ms=' "$f" | tail -1)
    [ -n "$line" ] || return 1
    awk -v want="$want" '{for(i=1;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]}}
      END{exit !(v["term"]>=want && v["open_on_term"]==v["sessions"])}' <<<"$line" || return 1
  done
}
leader_number() {
  local n
  for n in 1 2; do
    if [ -e "/proc/${coord_pid[$n]}" ] && grep -q "coordinator leading on" "$dir/coordinator-$n.log"; then
      # The last leadership line of a live coordinator, unless it stepped down after.
      if ! tac "$dir/coordinator-$n.log" | grep -m1 -e "coordinator leading on" -e "event=standing_by" \
          -e "event=leader_deposed" | grep -q "coordinator leading on"; then continue; fi
      echo "$n"; return 0
    fi
  done
  return 1
}
# Peak per-second sum over the fleets of the increase of fields "$2 $3..." from t_ms >= $1.
peak_rate() {
  local from=$1; shift
  awk -v from="$from" -v fields="$*" '
    BEGIN { n = split(fields, f, " ") }
    /^fleet t_ms=/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      s = 0; for (i = 1; i <= n; i++) s += v[f[i]]
      if ((FILENAME in last) && v["t_ms"] >= from) { sec = int(v["t_ms"] / 1000); rate[sec] += s - last[FILENAME] }
      last[FILENAME] = s
    }
    END { m = 0; for (k in rate) if (rate[k] > m) m = rate[k]; print m }' "$dir"/fleet-*.log
}

mkdir -p "$WORK"
certs="$WORK/certs"
if [ ! -f "$certs/agent-$SESSIONS.pem" ]; then
  rm -rf "$certs"
  say "issuing $SESSIONS agent certificates into $certs"
  "${ga[@]}" certs init --out "$certs" --agents "$SESSIONS" >/dev/null
fi

# scenario NAME JITTER: prints one result line (key=value) on stdout.
scenario() {
  local name=$1 jitter=$2
  trap cleanup EXIT TERM INT   # this runs in a subshell: its own processes
  dir="$WORK/$name"
  rm -rf "$dir"; mkdir -p "$dir"
  local cport pport
  cport=$(free_port); pport=$(free_port)
  /usr/bin/etcd --name bench --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$cport" \
    --advertise-client-urls "http://127.0.0.1:$cport" --listen-peer-urls "http://127.0.0.1:$pport" \
    --initial-advertise-peer-urls "http://127.0.0.1:$pport" --initial-cluster "bench=http://127.0.0.1:$pport" \
    >"$dir/etcd.log" 2>&1 &
  pids+=($!)
  wait_for 60 etcdctl --endpoints "127.0.0.1:$cport" endpoint health >/dev/null 2>&1 || die "etcd did not start ($dir/etcd.log)"
  local etcd="http://127.0.0.1:$cport"
  export GRAPHAGENT_COORDINATOR_ETCD_ELECTION_TTL=$TTL GRAPHAGENT_SESSION_LEASE_TTL=$LEASE \
    GRAPHAGENT_SESSION_HEARTBEAT_INTERVAL=$HEARTBEAT GRAPHAGENT_SESSION_RECONNECT_JITTER=$jitter \
    GRAPHAGENT_CLUSTER_ID=failover-bench
  declare -gA coord_pid coord_addr
  local n
  for n in 1 2; do
    coord_addr[$n]="127.0.0.1:$(free_port)"
    GRAPHAGENT_JAVA_OPTS="${COORDINATOR_JAVA_OPTS:-} ${GRAPHAGENT_JAVA_OPTS:-}" \
      GRAPHAGENT_COORDINATOR_STATE_DIR="$dir/state-$n" GRAPHAGENT_QUERY_HTTP_LISTEN=127.0.0.1:0 \
      "${ga[@]}" coordinator --certs "$certs" --etcd "$etcd" --etcd-insecure --id "coordinator-$n" \
      --listen "${coord_addr[$n]}" --admin-listen 127.0.0.1:0 --exit-with-parent $$ >"$dir/coordinator-$n.log" 2>&1 &
    coord_pid[$n]=$!
    pids+=($!)
  done
  wait_for 180 leader_number >/dev/null || die "no coordinator led within 180 s ($dir/coordinator-*.log)"
  local leader standby
  leader=$(leader_number); standby=$((3 - leader))
  local per=$(( (SESSIONS + JVMS - 1) / JVMS )) first=1 j count
  local started=$(now_ms) lc0 fleet_pids=()
  lc0=$(cpu_ticks "${coord_pid[$leader]}")
  for ((j = 1; j <= JVMS; j++)); do
    count=$(( first + per - 1 > SESSIONS ? SESSIONS - first + 1 : per ))
    "${ga[@]}" session-fleet --certs "$certs" --coordinator "${coord_addr[1]},${coord_addr[2]}" --first "$first" \
      --count "$count" --rate $(( RATE / JVMS )) --exit-with-parent $$ >"$dir/fleet-$j.log" 2>"$dir/fleet-$j.err" &
    pids+=($!); fleet_pids+=($!)
    first=$(( first + count ))
  done
  # The join counts from when every fleet has built its agents' TLS contexts and starts dialling.
  fleets_started() { local f; for f in "$dir"/fleet-*.log; do grep -q '^fleet started' "$f" || return 1; done; }
  wait_for 600 fleets_started || die "the fleets did not start ($dir/fleet-*.err)"
  started=$(now_ms); lc0=$(cpu_ticks "${coord_pid[$leader]}")
  local fc0=0 p0
  for p0 in "${fleet_pids[@]}"; do fc0=$(( fc0 + $(cpu_ticks "$p0") )); done
  if ! wait_for "$JOIN_LIMIT" all_open_on 1; then
    say "$name: not all $SESSIONS sessions open on the first leader within $JOIN_LIMIT s: $(fleet_sum open_on_term) open"
    echo "scenario=$name joined=no open=$(fleet_sum open_on_term)/$SESSIONS"
    cleanup; return 0
  fi
  local joined=$(( $(now_ms) - started ))
  # Where the join's CPU went: the leader and the fleets, in cores over the join.
  local join_leader join_fleets fc=0 p
  join_leader=$(awk -v c="$(( $(cpu_ticks "${coord_pid[$leader]}") - lc0 ))" -v k="$clk" -v ms="$joined" \
    'BEGIN{printf "%.2f", (c / k) / (ms / 1000)}')
  for p in "${fleet_pids[@]}"; do fc=$(( fc + $(cpu_ticks "$p") )); done
  fc=$(( fc - fc0 ))
  join_fleets=$(awk -v c="$fc" -v k="$clk" -v ms="$joined" 'BEGIN{printf "%.2f", (c / k) / (ms / 1000)}')
  local join_dials
  join_dials=$(fleet_sum dials)
  local join_timeouts
  join_timeouts=$(cat "$dir"/fleet-*.err | grep -c 'cause=tls_handshake_timeout' || true)
  sleep 5   # let the join settle before measuring the storm

  local spid=${coord_pid[$standby]} lpid=${coord_pid[$leader]}
  local t0 c0
  t0=$(now_ms); c0=$(cpu_ticks "$spid")
  kill -9 "$lpid"
  local elected=""
  wait_for "$FAILOVER_LIMIT" grep -q "event=leader_serving" "$dir/coordinator-$standby.log" && elected=$(( $(now_ms) - t0 ))
  local back="" t1 c1
  if wait_for "$FAILOVER_LIMIT" all_open_on 2; then back=$(( $(now_ms) - t0 )); fi
  t1=$(now_ms); c1=$(cpu_ticks "$spid")
  local storm_cpu
  storm_cpu=$(awk -v c="$(( c1 - c0 ))" -v k="$clk" -v ms="$(( t1 - t0 ))" 'BEGIN{printf "%.2f", (c / k) / (ms / 1000)}')
  local peak_dials peak_shakes
  peak_dials=$(peak_rate "$t0" dials)
  peak_shakes=$(peak_rate "$t0" welcomes redirects)
  sleep 5
  local s0 sc0 s1 sc1
  s0=$(now_ms); sc0=$(cpu_ticks "$spid")
  sleep "$STEADY"
  s1=$(now_ms); sc1=$(cpu_ticks "$spid")
  local steady
  steady=$(awk -v c="$(( sc1 - sc0 ))" -v k="$clk" -v ms="$(( s1 - s0 ))" -v n="$SESSIONS" \
    'BEGIN{printf "%.1f", 100 * (c / k) / (ms / 1000) * 1000 / n}')
  local events dead
  events=$(ls "$dir/state-$standby"/events.jsonl 2>/dev/null || true)
  dead=0
  [ -z "$events" ] || dead=$(grep -c -e '-> DEAD"' "$events" || true)
  echo "scenario=$name jitter=$jitter sessions=$SESSIONS joined_ms=$joined join_dials=$join_dials" \
    "join_leader_cores=$join_leader join_fleet_cores=$join_fleets" \
    "join_handshake_timeouts=$join_timeouts elected_ms=${elected:-none} all_back_ms=${back:-none}" \
    "peak_dials_per_s=$peak_dials peak_handshakes_per_s=$peak_shakes new_leader_cpu_cores=$storm_cpu" \
    "dead=$dead steady_cpu_pct_per_1000=$steady"
  cleanup
}

say "$SESSIONS sessions in $JVMS JVMs, ramp $RATE/s, election TTL $TTL, lease $LEASE; work: $WORK"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
on=""; off=""
case " $SCENARIOS " in *" on "*) on=$(scenario jitter-on true); say "$on" ;; esac
case " $SCENARIOS " in *" off "*) off=$(scenario jitter-off false); say "$off" ;; esac
echo
echo "$(nproc) cores; load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD); $(date -u +%F)"
printf "%-10s %9s %8s %10s %10s %11s %13s %16s %9s %5s %14s %12s %11s\n" backoff joined_s timeouts elected_s all_back_s \
  peak_dials/s peak_handshk/s new_leader_cores dials_join dead steady%/1000 join_leader join_fleets
for line in "$on" "$off"; do
  [ -n "$line" ] || continue
  declare -A r=()
  for kv in $line; do r[${kv%%=*}]=${kv#*=}; done
  secs() { [ "${1:-none}" = none ] && echo none || awk -v m="$1" 'BEGIN{printf "%.1f", m / 1000}'; }
  printf "%-10s %9s %8s %10s %10s %11s %13s %16s %9s %5s %14s %12s %11s\n" "${r[scenario]}" "$(secs "${r[joined_ms]:-none}")" \
    "${r[join_handshake_timeouts]:--}" "$(secs "${r[elected_ms]:-none}")" "$(secs "${r[all_back_ms]:-none}")" \
    "${r[peak_dials_per_s]:--}" "${r[peak_handshakes_per_s]:--}" "${r[new_leader_cpu_cores]:--}" \
    "${r[join_dials]:--}" "${r[dead]:--}" "${r[steady_cpu_pct_per_1000]:--}" "${r[join_leader_cores]:--}" \
    "${r[join_fleet_cores]:--}"
  unset r
done
