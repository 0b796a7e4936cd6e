#!/usr/bin/env bash
# benches/audit.sh — golive's full static audit against ripgrep and ripsecrets on a large tree.
#
# The tree is the cargo registry sources of this machine (populated by building the workspace),
# copied once into a stable snapshot, plus a 5x copy of it. On each tree, with a warm page cache,
# it times:
#   golive audit TREE --format json        (the full audit: every scan domain on)
#   rg -f <secret patterns> TREE           (ripgrep with an equivalent set of secret patterns)
#   ripsecrets TREE
# and prints the times, the ratios golive/rg and golive/ripsecrets, and golive's peak RSS.
# Targets (issue 2, item 9): golive <= 1.5x rg, far below ripsecrets, peak RSS < 300 MB.
#
# ripsecrets is much slower (minutes per tree here), so it runs once per tree, under a timeout
# (RIPSECRETS_TIMEOUT seconds, default 900); when it hits the timeout the time printed is a lower
# bound ("≥").
#
# Environment: RUNS (timed runs of golive and rg, default 3, after one warm-up), BENCH_DIR
# (where the snapshot and the outputs go, default $TMPDIR/golive-bench-audit), CARGO_TARGET_DIR
# (default ROOT/target), GOLIVE_BIN (use this binary instead of building one), SKIP_X5=1 to skip
# the 5x tree.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
RUNS=${RUNS:-3}
RIPSECRETS_TIMEOUT=${RIPSECRETS_TIMEOUT:-900}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/golive-bench-audit}
REGISTRY=${CARGO_HOME:-$HOME/.cargo}/registry/src
mkdir -p "$WORK/out"

say() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
    have apt-get && $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
}

# ---- tools -------------------------------------------------------------------------------
say "tools"
have rg || apt_install ripgrep || { echo "ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 3; }
[ -x /usr/bin/time ] || apt_install time || { echo "/usr/bin/time is required: apt-get install time" >&2; exit 3; }
have hyperfine || apt_install hyperfine || echo "hyperfine not available: falling back to /usr/bin/time runs" >&2
if ! have ripsecrets; then
    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    have ripsecrets || cargo install --locked ripsecrets >&2 || cargo install ripsecrets >&2
fi
echo "rg:         $(rg --version 2>/dev/null | head -1)" >&2
echo "ripsecrets: $(ripsecrets --version 2>/dev/null || echo '?')" >&2
have hyperfine && echo "hyperfine:  $(hyperfine --version)" >&2

# ---- golive, and a populated registry ----------------------------------------------------
if [ -n "${GOLIVE_BIN:-}" ]; then
    GOLIVE=$GOLIVE_BIN
else
    say "building golive (release) and the workspace's dependencies"
    (cd "$ROOT" && cargo build --release --workspace >&2)
    GOLIVE=$CARGO_TARGET_DIR/release/golive
fi
[ -x "$GOLIVE" ] || { echo "no golive binary at $GOLIVE" >&2; exit 4; }

# ---- the trees ---------------------------------------------------------------------------
TREE1=$WORK/registry
TREE5=$WORK/registry-x5
if [ ! -f "$TREE1/.complete" ]; then
    say "snapshot of $REGISTRY -> $TREE1"
    rm -rf "$TREE1" "$TREE5"
    mkdir -p "$TREE1"
    cp -r "$REGISTRY"/. "$TREE1"/
    touch "$TREE1/.complete"
fi
if [ "${SKIP_X5:-0}" != 1 ] && [ ! -f "$TREE5/.complete" ]; then
    say "5x copy -> $TREE5"
    rm -rf "$TREE5"
    mkdir -p "$TREE5"
    for i in 1 2 3 4 5; do cp -r "$TREE1" "$TREE5/copy$i"; done
    touch "$TREE5/.complete"
fi

# ---- ripgrep's equivalent pattern set ------------------------------------------------------
# The same formats golive looks for (crates/golive-scan/src/domains/secrets/detect.rs), as plain
# regexes: ripgrep has no checksum, JSON-header or entropy step, so it does strictly less work
# per candidate than golive.
PATTERNS=$WORK/secret-patterns.txt
cat >"$PATTERNS" <<'EOF'
(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}
gh[pousr]_[A-Za-z0-9]{36}
github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}
glpat-[A-Za-z0-9_\-]{20,}
xox[abposr]-[0-9]{6,}-[0-9A-Za-z\-]{8,}
xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[0-9A-Za-z]{16,}
hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,}
[sr]k_(?:live|test)_[0-9A-Za-z]{16,}
-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----
eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}
(?i:[A-Za-z0-9_.\-]*(?:password|passwd|pwd|secret|token|api_key|apikey|api-key|auth)[A-Za-z0-9_.\-]*)["']?\s*(?::=|=>|=|:)\s*["']?[^"'\s]{8,}
SECRET_KEY\s*=\s*[rbuRBU]?["']
EOF

# Same file set as golive: hidden files included, .gitignore respected outside git repos,
# .git skipped, files over 2 MiB skipped, binary files skipped (rg's default).
RG=(rg --hidden --no-require-git -g '!.git' --max-filesize 2M -n --no-heading -f "$PATTERNS")

tree_stats() {
    local files bytes
    files=$(find "$1" -type f | wc -l)
    bytes=$(du -sb "$1" | cut -f1)
    echo "$files files, $((bytes / 1024 / 1024)) MB"
}

# mean seconds of a command (hyperfine when present, else the median of RUNS /usr/bin/time runs)
measure() {
    local name=$1 cmd=$2 runs=${3:-$RUNS} warmup=${4:-1}
    if have hyperfine; then
        hyperfine --warmup "$warmup" --runs "$runs" -i --style none \
            --export-json "$WORK/out/$name.hyperfine.json" "$cmd" >&2
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["mean"], r["stddev"] or 0))' \
            "$WORK/out/$name.hyperfine.json"
    else
        [ "$warmup" -gt 0 ] && { bash -c "$cmd" || true; }
        local times=()
        for _ in $(seq "$runs"); do
            times+=("$( { /usr/bin/time -f %e bash -c "$cmd" >/dev/null 2>/dev/null; } 2>&1 | tail -1)")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f 0\n", a[int((NR+1)/2)]}'
    fi
}

peak_rss_mb() {
    /usr/bin/time -v "$GOLIVE" audit "$1" --format json >"$WORK/out/rss.json" 2>"$WORK/out/rss.txt" || true
    awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/out/rss.txt"
}

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

SUMMARY=()
bench_tree() {
    local label=$1 tree=$2
    say "$label: $tree ($(tree_stats "$tree"))"
    local g r s
    g=$(measure "golive-$label" "$GOLIVE audit $tree --format json > $WORK/out/golive-$label.json")
    r=$(measure "rg-$label" "${RG[*]@Q} $tree > $WORK/out/rg-$label.txt")
    s=$(measure "ripsecrets-$label" "timeout $RIPSECRETS_TIMEOUT ripsecrets $tree > $WORK/out/ripsecrets-$label.txt" 1 0)
    local gm=${g%% *} rm=${r%% *} sm=${s%% *}
    local bound=""
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) - 1 else 1)" "$sm" "$RIPSECRETS_TIMEOUT" && bound="≥"
    local rss
    rss=$(peak_rss_mb "$tree")
    local line
    line=$(printf '%-4s %-26s golive %7.2fs ±%.2f  rg %7.2fs ±%.2f  ripsecrets %s%7.2fs  golive/rg %5sx  golive/ripsecrets %s%5sx  golive peak RSS %4s MB' \
        "$label" "($(tree_stats "$tree"))" "$gm" "${g##* }" "$rm" "${r##* }" "$bound" "$sm" "$(ratio "$gm" "$rm")" "${bound:+≤}" "$(ratio "$gm" "$sm")" "$rss")
    echo "$line"
    SUMMARY+=("$line")
    echo "     rg matched lines: $(wc -l <"$WORK/out/rg-$label.txt"), ripsecrets lines: $(wc -l <"$WORK/out/ripsecrets-$label.txt"), golive report: $(wc -c <"$WORK/out/golive-$label.json") bytes" >&2
}

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1024/1024}' /proc/meminfo) RAM"
bench_tree 1x "$TREE1"
[ "${SKIP_X5:-0}" != 1 ] && bench_tree 5x "$TREE5"

say "summary (targets: golive/rg <= 1.5x, golive far below ripsecrets, peak RSS < 300 MB)"
printf '%s\n' "${SUMMARY[@]}"
