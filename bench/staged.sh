#!/usr/bin/env bash
# Benchmark `leakhound staged` (the whole process) on a repository with
# 50,000 tracked files and 10 staged changes, against the floor
#   git diff --cached --quiet
# measured in the same run. Reports medians of RUNS runs (default 21).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-50000}
out=bench/out
mkdir -p "$out"
repo=$out/staged-$files
go build -o "$out/leakhound" ./cmd/leakhound
bin=$PWD/$out/leakhound
if [ ! -d "$repo" ]; then
  git init -q "$repo"
  echo "generating $files files..." >&2
  go run ./bench/genrepo tree -files "$files" -size 800 | git -C "$repo" fast-import --quiet
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
runs=${RUNS:-21}
measure() { # prints the median wall time in ms of "$@"
  for i in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
floor=$(measure git diff --cached --quiet)
ours=$(measure "$bin" staged --quiet)
echo "tracked files: $(git ls-files | wc -l), staged: $(git diff --cached --name-only | wc -l)"
echo "floor (git diff --cached --quiet): ${floor} ms"
echo "leakhound staged: ${ours} ms"
awk -v a="$ours" -v b="$floor" 'BEGIN { printf "ratio: %.2fx the floor\n", a / (b > 0 ? b : 1) }'
git reset -q --hard
