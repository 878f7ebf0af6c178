#!/usr/bin/env bash
# Run every integration test (tNNNN-*.sh), or those named on the command line.
#
# GOESCAPE_TEST_JOBS scripts run at a time (default: the number of CPUs, at
# most 4).  Most scripts wait on go and git more than they use a core, so
# two at a time on two cores nearly halves the suite.  Each script's output
# is kept and shown whole when it ends, and each has a TMPDIR of its own
# (its trash directory is made there, and what goescape and go leave in
# TMPDIR is its own to look at).  GOESCAPE_TEST_JOBS=1 runs them one after
# another, as before.
set -u
cd "$(dirname "$0")"
failed=()
skipped=()
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t[0-9][0-9][0-9][0-9]-*.sh)

jobs=${GOESCAPE_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in
'' | *[!0-9]* | 0)
  echo "run.sh: GOESCAPE_TEST_JOBS must be a positive number, not '$jobs'" >&2
  exit 2
  ;;
esac
[ -n "${GOESCAPE_TEST_JOBS:-}" ] || [ "$jobs" -le 4 ] || jobs=4

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/goescape-run.XXXXXX") || exit 2
pids=()
stop() {
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
  wait
  rm -rf "$RUNDIR"
  exit "$1"
}
trap 'stop 130' INT
trap 'stop 143' TERM

# finish K RC: script K's output, and its result counted.
finish() {
  local t=${tests[$1]}
  echo "*** $t"
  cat "$RUNDIR/$1.log"
  case $2 in
  0) ;;
  77) skipped+=("$t") ;;
  *) failed+=("$t") ;;
  esac
  rm -rf "$RUNDIR/$1.log" "$RUNDIR/$1.tmp"
}

# reap: wait for one running script to end, and finish it.
declare -A running=() # pid -> index into tests
reap() {
  local done_pid rc
  wait -n -p done_pid "${!running[@]}"
  rc=$?
  finish "${running[$done_pid]}" "$rc"
  unset "running[$done_pid]"
  pids=("${!running[@]}")
}

for k in "${!tests[@]}"; do
  while [ ${#running[@]} -ge "$jobs" ]; do
    reap
  done
  mkdir "$RUNDIR/$k.tmp"
  # An asynchronous command of a shell without job control ignores SIGINT
  # and SIGQUIT, and so would every program the script starts: the
  # signal tests (t8301, t8302) send go's group a Ctrl-C's SIGINT.
  (
    trap - INT QUIT
    TMPDIR="$RUNDIR/$k.tmp" exec bash "${tests[$k]}" >"$RUNDIR/$k.log" 2>&1 </dev/null
  ) &
  running[$!]=$k
  pids=("${!running[@]}")
done
while [ ${#running[@]} -gt 0 ]; do
  reap
done
pids=()
rm -rf "$RUNDIR"

if [ ${#skipped[@]} -gt 0 ]; then
  echo "SKIPPED: ${skipped[*]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all integration tests passed${skipped:+ (${#skipped[@]} skipped)}"
