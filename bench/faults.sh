#!/usr/bin/env bash
# Fault scenarios: runs the fault suite (a coordinator and agents as real JVMs on 127.0.0.1:
# NetworkFaultsTest with every link through a fault-injecting TCP proxy, AgentKilledMidJobTest
# (SIGKILL, SIGSTOP), EveryKernelSurvivesSigkillTest (SIGKILL mid-superstep for each kernel),
# PeerCopyCheckpointTest (an agent and its disk lost), CoordinatorRestartTest (SIGKILL and restart), LeaderFailoverTest (etcd store: SIGKILL and SIGSTOP of the leader);
# see cli/src/test/java/io/graphagent/cli/) and prints one line per scenario:
# detection latency (fault to DEAD), recovery time (DEAD to RUNNING; for a flapping link the
# longest SUSPECT to resumed), supersteps redone, and whether the result equalled the
# single-process engine's (the test fails otherwise).
#
#   bench/faults.sh
#
# Checkpoint overhead (k = 1, 5, 10) is measured by bench/checkpoints.sh.
# The processes run with the launcher's JIT settings plus GRAPHAGENT_JAVA_OPTS, not the C1-only
# default the test suite gives them for speed (graphagent.test.java-opts in cli/pom.xml).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
report=$(mktemp "${TMPDIR:-/tmp}/graphagent-faults.XXXXXX")
trap 'rm -f "$report"' EXIT
log="$root/cli/target/faults-bench.log"
mkdir -p "$root/cli/target"
tests=NetworkFaultsTest,AgentKilledMidJobTest,EveryKernelSurvivesSigkillTest,PeerCopyCheckpointTest,CoordinatorRestartTest,LeaderFailoverTest
echo "faults.sh: running $tests (about 8-10 min on a quiet machine; log: $log)" >&2
if ! "$root/bin/mvn" -o -q -pl cli -am verify "-Dtest=$tests" -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dgraphagent.faults.report=$report" "-Dgraphagent.test.java-opts=${GRAPHAGENT_JAVA_OPTS:-}" >"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "faults.sh: the scenarios failed (see $log and cli/target/surefire-reports)" >&2
  exit 1
fi
echo
echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD)"
printf "%-88s %12s %12s %7s %7s  %s\n" scenario "detection ms" "recovery ms" redone equal note
while IFS=$'\t' read -r scenario detection recovery redone equal note; do
  printf "%-88s %12s %12s %7s %7s  %s\n" "$scenario" "$detection" "$recovery" "$redone" "$equal" "$note"
done <"$report"
