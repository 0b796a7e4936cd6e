#!/usr/bin/env bash
# Times `golive checklist import` on a ~10 MB checklist built from the damaged sample checklists
# (Mac Roman mojibake included), and `grep -c` over the same file as the reference for the cost
# of just reading it. Prints both times and the ratio. Target: the import under 1 s.
# Then times `golive check` on generated checklists of 5 000, 20 000 and 50 000 items (a third
# mapped to checks, the rest manual, ten per section) and prints the time per item and the
# ratio of each size to the smallest: growth must stay linear (ratio ≈ items ratio: 4 and 10).
# `CHECK_SIZES="5000 20000"` picks other sizes.
#
#   bash benches/checklist.sh            # builds golive in release mode first
#   GOLIVE=path/to/golive bash benches/checklist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES="${SAMPLES:-fixtures/checklists}"
SIZE_MB="${SIZE_MB:-10}"
if [ -z "${GOLIVE:-}" ]; then
  cargo build --release -p golive --quiet
  GOLIVE="${CARGO_TARGET_DIR:-target}/release/golive"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
big="$work/big-checklist.md"
n=0
while [ "$(stat -c %s "$big" 2>/dev/null || echo 0)" -lt $((SIZE_MB * 1024 * 1024)) ]; do
  for f in "$SAMPLES"/000_*.txt "$SAMPLES"/003_*.txt "$SAMPLES"/004_*.txt; do
    printf '\n# Copy %d of %s\n\n' "$n" "$(basename "$f")" >>"$big"
    cat "$f" >>"$big"
  done
  n=$((n + 1))
done
bytes=$(stat -c %s "$big")
now() { date +%s.%N; }

t0=$(now)
items=$(grep -c -E '^\s*([-*+]|[0-9]+[.)])\s+\[[ xX]\]|^#{1,6}\s+(✅|❌|‚úÖ|‚ùå)' "$big" || true)
t1=$(now)
"$GOLIVE" checklist import "$big" --dir "$work" >"$work/summary.txt"
t2=$(now)

ref=$(echo "$t1 - $t0" | bc -l)
imp=$(echo "$t2 - $t1" | bc -l)
ratio=$(echo "$imp / $ref" | bc -l)
echo "checklist: $(printf '%.1f' "$(echo "$bytes / 1048576" | bc -l)") MiB, $n copies of the 3 samples"
head -1 "$work/summary.txt"
grep -E 'characters restored' "$work/summary.txt" || true
printf 'grep -c (reference, reads the file, ~%s box lines): %.3f s\n' "$items" "$ref"
printf 'golive checklist import (repair + parse + map + write): %.3f s\n' "$imp"
printf 'ratio golive/grep: %.1fx\n' "$ratio"
if (( $(echo "$imp < 1.0" | bc -l) )); then echo "target (< 1 s): met"; else echo "target (< 1 s): MISSED"; fi

# `golive check` on big generated checklists: growth with the number of items.
sizes="${CHECK_SIZES:-5000 20000 50000}"
base_n=""
base_t=""
for n in $sizes; do
  proj="$work/check-$n"
  mkdir -p "$proj"
  awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
      if (i % 10 == 0) printf "## Section %d\n", i / 10
      if (i % 3 == 0) printf "- [ ] No hardcoded secrets in module %d\n", i
      else printf "- [ ] Team ritual %d booked with the on-call crew\n", i
    }
  }' >"$proj/list.md"
  "$GOLIVE" checklist import "$proj/list.md" --dir "$proj" >/dev/null
  t0=$(now)
  "$GOLIVE" check "$proj" >/dev/null || true   # unsigned manual items: NO-GO is expected
  t1=$(now)
  t=$(echo "$t1 - $t0" | bc -l)
  if [ -z "$base_n" ]; then base_n=$n; base_t=$t; fi
  printf 'golive check, %6d items: %.3f s (%.1f µs/item, %.1fx the time of %d items for %.1fx the items)\n' \
    "$n" "$t" "$(echo "$t * 1000000 / $n" | bc -l)" "$(echo "$t / $base_t" | bc -l)" "$base_n" \
    "$(echo "$n / $base_n" | bc -l)"
done
