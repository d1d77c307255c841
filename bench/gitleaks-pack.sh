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
# bench N: runs both benchmarks with N passes over the corpus per engine
bench() {
  LEAKHOUND_GITLEAKS_PACK="$PWD/$out/gitleaks-pack.toml" \
    go test -run '^$' -bench 'Engine(GitleaksPack)?$' -benchtime "${1}x" -cpu 1 -count "$runs" ./internal/detect/
}
bench 3 | tee "$out/gitleaks-pack.bench" | grep '^Benchmark'
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# field F (3: ns/op, 5: MB/s) of benchmark B in FILE, median over runs
field() { awk -v b="$1" -v f="$2" '$1 == b {print $f}' "$3" | median; }
d=$(field BenchmarkEngine 5 "$out/gitleaks-pack.bench")
p=$(field BenchmarkEngineGitleaksPack 5 "$out/gitleaks-pack.bench")
awk -v d="$d" -v p="$p" 'BEGIN { printf "median, 3 passes per engine: default rules %.1f MB/s, with the gitleaks pack %.1f MB/s: %.0f%%\n", d, p, 100*p/d }'

# Each engine builds its RE2 automaton as content needs it (once per
# engine), so the figure above includes that one-time cost in one pass of
# three. Timing 8 passes too separates it: per pass, (8*T8 - 3*T3) / 5,
# the throughput of an engine that has scanned 64 MiB already (what a
# history audit runs on after its first commits).
bench 8 > "$out/gitleaks-pack-8.bench"
warm() { # BENCHMARK: its warm throughput in MB/s and its one-time cost in ms
  awk -v t3="$(field "$1" 3 "$out/gitleaks-pack.bench")" -v t8="$(field "$1" 3 "$out/gitleaks-pack-8.bench")" -v mbs="$(field "$1" 5 "$out/gitleaks-pack.bench")" \
    'BEGIN { pass = (8*t8 - 3*t3) / 5; bytes = mbs * t3 / 1000; printf "%.1f %.0f", bytes / pass * 1000, (t3 * 3 - 3 * pass) / 1e6 }'
}
read -r dw dc <<< "$(warm BenchmarkEngine)"
read -r pw pc <<< "$(warm BenchmarkEngineGitleaksPack)"
awk -v d="$dw" -v p="$pw" -v dc="$dc" -v pc="$pc" 'BEGIN { printf "per pass once warm: default rules %.1f MB/s, with the gitleaks pack %.1f MB/s: %.0f%% (one-time automaton cost: %d ms and %d ms)\n", d, p, 100*p/d, dc, pc }'
