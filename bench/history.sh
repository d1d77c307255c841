#!/usr/bin/env bash
# Benchmark `leakhound history` on a generated repository against the floor
# of reading every object with git itself, measured in the same run:
#   git cat-file --batch-all-objects --batch | cat > /dev/null
# Usage: bench/history.sh [COMMITS] (default 20000)
#   EDIT=1 makes each change an edit of the file's previous version, so the
#   pack stores most blobs as deltas (as in real projects).
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-20000}
out=bench/out
mkdir -p "$out"
edit=${EDIT:-}
repo=$out/history${edit:+-edit}-$commits.git
go build -o "$out/leakhound" ./cmd/leakhound
if [ ! -d "$repo" ]; then
  git init -q --bare "$repo"
  echo "generating $commits commits..." >&2
  go run ./bench/genrepo history -commits "$commits" ${edit:+-edit} | git -C "$repo" fast-import --quiet
  git -C "$repo" repack -adfq  # git's own delta search, as gc --aggressive or a clone gives
fi
blobs=$(git -C "$repo" cat-file --batch-all-objects --batch-check | awk '$2=="blob"' | wc -l)
size=$(du -sm "$repo" | cut -f1)
echo "repository: $commits commits, $blobs blobs, ${size} MB packed" >&2

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
runs=${RUNS:-3}
floor=$(for i in $(seq "$runs"); do
  /usr/bin/time -f %e sh -c "git -C '$repo' cat-file --batch-all-objects --batch | cat > /dev/null" 2>&1 | tail -1
done | median)
ours=$(for i in $(seq "$runs"); do
  # exit 1 is expected: the generated history holds tokens
  ( cd "$repo" && /usr/bin/time -f "%e %M" "$OLDPWD/$out/leakhound" history --quiet --format json > /dev/null || true ) 2>&1 | tail -1
done | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
secs=${ours% *}
rss=${ours#* }
echo "floor (git cat-file --batch-all-objects --batch | cat): ${floor}s"
echo "leakhound history: ${secs}s, peak RSS $((rss / 1024)) MiB"
awk -v a="$secs" -v b="$floor" 'BEGIN { printf "ratio: %.2fx the floor\n", a / b }'

# For comparison, when gitleaks is on PATH (go install
# github.com/zricethezav/gitleaks/v8@v8.30.1): one run of its history scan.
if command -v gitleaks > /dev/null; then
  ( cd "$repo" && /usr/bin/time -f %e -o "$OLDPWD/$out/gitleaks.time" \
      gitleaks git --no-banner --report-format json --report-path "$OLDPWD/$out/gitleaks.json" . > /dev/null 2>&1 || true )
  other=$(tail -1 "$out/gitleaks.time")
  echo "gitleaks git (1 run): ${other}s"
  awk -v a="$secs" -v b="$other" 'BEGIN { printf "leakhound is %.1fx faster than gitleaks\n", b / a }'
fi
