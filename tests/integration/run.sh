#!/usr/bin/env bash
# Run every integration test (tNNNN-*.sh), or those named on the command line.
set -u
cd "$(dirname "$0")"
failed=()
skipped=()
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t[0-9][0-9][0-9][0-9]-*.sh)
for t in "${tests[@]}"; do
  echo "*** $t"
  bash "$t"
  case $? in
  0) ;;
  77) skipped+=("$t") ;;
  *) failed+=("$t") ;;
  esac
done
if [ ${#skipped[@]} -gt 0 ]; then
  echo "SKIPPED: ${skipped[*]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all integration tests passed${skipped:+ (${#skipped[@]} skipped)}"
