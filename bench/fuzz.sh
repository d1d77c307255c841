#!/usr/bin/env bash
# Run every fuzz target for a while: bench/fuzz.sh [DURATION] (default 2m each).
# Inputs that fail are written to the package's testdata/fuzz/<Target>/ by go
# test; commit them so the failure stays a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-2m}
status=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $target ($duration)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" "$pkg"; then
      status=1
    fi
  done
done
exit $status
