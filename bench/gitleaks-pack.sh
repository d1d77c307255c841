#!/usr/bin/env bash
# The engine's scale test: gitleaks' default rule pack (about 220 rules),
# converted with `leakhound rules import-gitleaks`, in one Set with
# leakhound's defaults, against the default rules alone, in the same run.
#
# Usage: bench/gitleaks-pack.sh GITLEAKS_TOML [RUNS]
#   GITLEAKS_TOML is gitleaks' config/gitleaks.toml (from a clone of
#   github.com/gitleaks/gitleaks; MIT-licensed, not vendored here).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: bench/gitleaks-pack.sh GITLEAKS_TOML [RUNS]}
runs=${2:-3}
out=bench/out
mkdir -p "$out"
go run ./cmd/leakhound rules import-gitleaks --output "$out/gitleaks-pack.toml" "$src" 2> "$out/gitleaks-pack.notes"
tail -1 "$out/gitleaks-pack.notes"
LEAKHOUND_GITLEAKS_PACK="$PWD/$out/gitleaks-pack.toml" \
  go test -run '^$' -bench 'Engine(GitleaksPack)?$' -benchtime 3x -cpu 1 -count "$runs" ./internal/detect/ |
  tee "$out/gitleaks-pack.bench" | grep '^Benchmark'
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
d=$(awk '/^BenchmarkEngine /{print $5}' "$out/gitleaks-pack.bench" | median)
p=$(awk '/^BenchmarkEngineGitleaksPack /{print $5}' "$out/gitleaks-pack.bench" | median)
awk -v d="$d" -v p="$p" 'BEGIN { printf "median: default rules %.1f MB/s, with the gitleaks pack %.1f MB/s: %.0f%%\n", d, p, 100*p/d }'
