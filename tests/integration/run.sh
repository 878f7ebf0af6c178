#!/usr/bin/env bash
# Run every integration test (tNNNN-*.sh), or those named on the command line.
set -u
cd "$(dirname "$0")"
failed=()
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t[0-9][0-9][0-9][0-9]-*.sh)
for t in "${tests[@]}"; do
  echo "*** $t"
  if ! bash "$t"; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all integration tests passed"
