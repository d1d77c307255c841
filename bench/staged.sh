#!/usr/bin/env bash
# Benchmark `leakhound staged` (the whole process, as a hook runs it)
# against the floor `git diff --cached --quiet`, measured in the same run,
# and gitleaks' staged scan when gitleaks is on PATH. Medians of RUNS runs.
#
#   bench/staged.sh              a generated repository of FILES (50,000)
#                                tracked files with 10 staged changes
#   bench/staged.sh CLONE...     real clones (e.g. bench/out/realworld/*,
#                                made by bench/realworld.sh): a two-file
#                                change staged in each, then reset
#
# RUNS=N (default 21 generated, 11 real). Prints one Markdown row per
# repository: files, staged, floor, leakhound, ratio, gitleaks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
mkdir -p "$out"
bin=$out/leakhound
# built as releases are (.goreleaser.yaml): static, trimmed
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/leakhound && go build -o "$out/timeit" ./bench/timeit)
have_gitleaks=
command -v gitleaks > /dev/null && have_gitleaks=1

measure() { "$out/timeit" -runs "$runs" -- "$@"; } # median wall time in ms

row() { # NAME: measures the staged change in the current directory
  local floor ours gl=-
  floor=$(measure git diff --cached --quiet)
  ours=$(measure "$bin" staged --quiet)
  [ -z "$have_gitleaks" ] || gl="$(measure gitleaks git --pre-commit --staged --no-banner --redact .) ms"
  awk -v n="$1" -v f="$(git ls-files | wc -l)" -v s="$(git diff --cached --name-only | wc -l)" \
    -v a="$ours" -v b="$floor" -v g="$gl" \
    'BEGIN { printf "| %s | %d | %d | %.1f ms | %.1f ms | %.1fx | %s |\n", n, f, s, b, a, a / (b > 0 ? b : 1), g }'
}

echo "| repository | tracked files | staged | floor (git diff --cached --quiet) | leakhound staged | ratio | gitleaks |"
echo "|---|---|---|---|---|---|---|"
if [ $# -eq 0 ]; then
  files=${FILES:-50000}
  runs=${RUNS:-21}
  repo=$out/staged-$files
  if [ ! -d "$repo" ]; then
    git init -q "$repo"
    echo "generating $files files..." >&2
    (cd "$root" && go run ./bench/genrepo tree -files "$files" -size 800) | git -C "$repo" fast-import --quiet
    git -C "$repo" repack -adq
    git -C "$repo" reset -q --hard refs/heads/main
    git -C "$repo" checkout -q main 2>/dev/null || true
  fi
  cd "$repo"
  git reset -q --hard
  for i in 0 1 2 3 4 5 6 7 8 9; do
    f=$(git ls-files | sed -n "$((i * 4999 + 1))p")
    echo "changed line $i" >> "$f"
    git add "$f"
  done
  row "generated ($files files)"
  git reset -q --hard
  exit 0
fi
runs=${RUNS:-11}
for clone in "$@"; do
  (
    cd "$clone"
    git reset -q --hard
    n=$(git ls-files | wc -l)
    for f in "$(git ls-files | sed -n '1p')" "$(git ls-files | sed -n "$((n / 2 + 1))p")"; do
      echo "changed line" >> "$f"
      git add -- "$f"
    done
    row "$(basename "$clone")"
    git reset -q --hard
  )
done
