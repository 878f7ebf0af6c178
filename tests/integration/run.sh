#!/usr/bin/env bash
# Run every integration test (tNNNN-*.sh), or those named on the command line.
#
# GOESCAPE_TEST_JOBS scripts run at a time (default: the number of CPUs, at
# most 4).  Most scripts wait on go and git more than they use a core, so
# two at a time on two cores nearly halves the suite.  Each script's output
# is kept and shown whole when it ends, and each has a TMPDIR of its own
# (its trash directory is made there, and what goescape and go leave in
# TMPDIR is its own to look at).  GOESCAPE_TEST_JOBS=1 runs them one after
# another.  Each script runs in a process group of its own: a Ctrl-C or a
# SIGTERM to this runner is passed to every running script's group (go,
# goescape and all), and their output so far is shown, named as cut short.
set -u
cd "$(dirname "$0")"
failed=()
skipped=()
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t[0-9][0-9][0-9][0-9]-*.sh)

jobs=${GOESCAPE_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in
*[!0-9]* | *[0-9][0-9][0-9][0-9]*) jobs=bad ;;
*) jobs=$((10#$jobs)) ;;
esac
if [ "$jobs" = bad ] || [ "$jobs" -eq 0 ]; then
  echo "run.sh: GOESCAPE_TEST_JOBS must be a number from 1 to 999, not '${GOESCAPE_TEST_JOBS:-}'" >&2
  exit 2
fi
[ -n "${GOESCAPE_TEST_JOBS:-}" ] || [ "$jobs" -le 4 ] || jobs=4

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/goescape-run.XXXXXX") || exit 2
declare -A running=() # pid (and process group) -> index into tests

# stop RC SIG: every running script's group sent SIG, their output so far
# shown, the run's directory removed; exit RC.
stop() {
  local pid
  trap '' INT TERM
  for pid in "${!running[@]}"; do
    # (a script not yet in its group: the subshell itself)
    kill -"$2" -- "-$pid" 2>/dev/null || kill -"$2" "$pid" 2>/dev/null
  done
  wait
  # What a script started in the background ignores SIGINT (a job of a
  # shell without job control): what is left of each group, TERM.
  for pid in "${!running[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null
  done
  for pid in "${!running[@]}"; do
    echo "*** ${tests[${running[$pid]}]} (cut short by SIG$2)"
    cat "$RUNDIR/${running[$pid]}.log" 2>/dev/null
  done
  rm -rf "$RUNDIR"
  echo "INTERRUPTED: ${#running[@]} scripts running were stopped" >&2
  exit "$1"
}

# hold: a Ctrl-C or SIGTERM from now on is only noted (held), until
# release acts on it.  Between them the running set and what is shown
# change together: a script that has ended is counted as done before a
# signal is acted on (taken at once, stop showed it a second time as cut
# short and counted it among those stopped: CI saw that), and one just
# started is in the set stop walks.
held=
hold() {
  trap 'held=INT' INT
  trap 'held=TERM' TERM
}
release() {
  trap 'stop 130 INT' INT
  trap 'stop 143 TERM' TERM
  case $held in
  INT) stop 130 INT ;;
  TERM) stop 143 TERM ;;
  esac
}
release

# finish K RC: script K's output, and its result counted.
finish() {
  local t=${tests[$1]}
  echo "*** $t"
  # (a Ctrl-C at the terminal reaches this cat too: it would cut the
  # output short, and the log is deleted below)
  (trap '' INT TERM && exec cat "$RUNDIR/$1.log")
  case $2 in
  0) ;;
  77) skipped+=("$t") ;;
  *) failed+=("$t") ;;
  esac
  rm -rf "$RUNDIR/$1.log" "$RUNDIR/$1.tmp"
}

# reap: wait for one running script to end, and finish it.  A signal
# while waiting ends the wait (bash's wait returns for a trapped signal).
reap() {
  local done_pid= rc k
  hold
  wait -n -p done_pid "${!running[@]}"
  rc=$?
  if [ -z "$done_pid" ] && [ -n "$held" ]; then
    release
  fi
  if [ -z "$done_pid" ] || [ -z "${running[$done_pid]+x}" ]; then
    echo "run.sh: lost track of the running scripts (wait: $rc)" >&2
    stop 2 TERM
  fi
  k=${running[$done_pid]}
  unset "running[$done_pid]"
  finish "$k" "$rc"
  release
}

for k in "${!tests[@]}"; do
  while [ ${#running[@]} -ge "$jobs" ]; do
    reap
  done
  mkdir "$RUNDIR/$k.tmp"
  # An asynchronous command of a shell without job control ignores SIGINT
  # and SIGQUIT, and so would every program the script starts: the
  # signal tests (t8301, t8302) send go's group a Ctrl-C's SIGINT.  setsid
  # (no fork: the subshell leads no group) makes the script's pid its
  # group's, for stop.
  hold
  (
    trap - INT QUIT TERM
    TMPDIR="$RUNDIR/$k.tmp" exec setsid bash "${tests[$k]}" >"$RUNDIR/$k.log" 2>&1 </dev/null
  ) &
  running[$!]=$k
  release
done
while [ ${#running[@]} -gt 0 ]; do
  reap
done
rm -rf "$RUNDIR"

if [ ${#skipped[@]} -gt 0 ]; then
  echo "SKIPPED: ${skipped[*]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all integration tests passed${skipped:+ (${#skipped[@]} skipped)}"
