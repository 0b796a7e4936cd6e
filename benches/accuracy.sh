#!/usr/bin/env bash
# benches/accuracy.sh — golive's static audit scored against blind labels of real repositories.
#
# For each benches/accuracy/<owner>__<name>.toml (repository, pinned commit, labelled facts):
#   1. obtain the repository's tree at the pinned commit, in this order:
#        - a git mirror at $GOLIVE_CORPUS_MIRROR/<owner>+<name> (default /work/.mirror; the git
#          directory may be that folder itself, its `repo/` or `.git/`) that has the commit:
#          the tree is written out with benches/accuracy/extract.py (like `git archive`, but a
#          blob missing from a partial mirror is skipped instead of aborting);
#        - else `git fetch --depth 1` of that commit from https://github.com/<owner>/<name>
#          when the network allows (ACCURACY_OFFLINE=1 forbids it);
#        - else the repository is SKIPPED with a message (it then counts nowhere);
#      trees are cached under $ACCURACY_DIR/src/<owner>+<name>@<commit> and reused on re-runs;
#   2. run `golive audit TREE --format json` (binary: $GOLIVE, else built with cargo --release);
#   3. compare each labelled fact with golive's outcome for that check (the check's entry in the
#      report's `results` array; absent = not-applicable) and print agreement per fact, per
#      repository, per check and overall, plus golive's verdict next to the labelled fair one.
#
# Outputs under $ACCURACY_DIR (default ${TMPDIR:-/tmp}/golive-accuracy): reports/<key>.json,
# summary.md (tables used by docs/accuracy.md), summary.json.
# Arguments: optional label keys or substrings (e.g. `gotify`) to run a subset.
# Exit: 0 when the run completed (agreement is reported, not asserted), 3 bad usage, 4 internal.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LABELS=$ROOT/benches/accuracy
MIRROR=${GOLIVE_CORPUS_MIRROR:-/work/.mirror}
WORK=${ACCURACY_DIR:-${TMPDIR:-/tmp}/golive-accuracy}
mkdir -p "$WORK/src" "$WORK/reports"

have() { command -v "$1" >/dev/null 2>&1; }
have git || { echo "git is required" >&2; exit 3; }
have python3 || { echo "python3 (3.11+, for tomllib) is required" >&2; exit 3; }
python3 -c 'import tomllib' 2>/dev/null || { echo "python3 >= 3.11 is required (tomllib)" >&2; exit 3; }

# ---- golive ------------------------------------------------------------------------------
if [ -n "${GOLIVE:-}" ]; then
    BIN=$GOLIVE
else
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    echo "== building golive (release)" >&2
    (cd "$ROOT" && cargo build --release -p golive >&2)
    BIN=$CARGO_TARGET_DIR/release/golive
fi
[ -x "$BIN" ] || { echo "no golive binary at $BIN" >&2; exit 4; }
echo "== golive: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))" >&2

# ---- which label files -------------------------------------------------------------------
mapfile -t FILES < <(find "$LABELS" -maxdepth 1 -name '*.toml' | sort)
[ "${#FILES[@]}" -gt 0 ] || { echo "no label files in $LABELS" >&2; exit 3; }
if [ "$#" -gt 0 ]; then
    SEL=()
    for f in "${FILES[@]}"; do
        for pat in "$@"; do
            case "$(basename "$f" .toml)" in *"$pat"*) SEL+=("$f"); break ;; esac
        done
    done
    FILES=("${SEL[@]}")
    [ "${#FILES[@]}" -gt 0 ] || { echo "no label file matches: $*" >&2; exit 3; }
    # score only the selected ones
    SCORE_LABELS=$WORK/selected-labels
    rm -rf "$SCORE_LABELS"; mkdir -p "$SCORE_LABELS"
    for f in "${FILES[@]}"; do cp "$f" "$SCORE_LABELS/"; done
else
    SCORE_LABELS=$LABELS
fi

toml_field() { # FILE KEY -> top-level string value
    python3 -c 'import sys,tomllib; print(tomllib.load(open(sys.argv[1],"rb"))[sys.argv[2]])' "$1" "$2"
}

find_gitdir() { # owner+name -> a git dir under the mirror, or nothing
    local base=$MIRROR/$1 d
    for d in "$base/repo" "$base/.git" "$base" "$base.git"; do
        if [ -d "$d" ] && git --git-dir="$d" rev-parse --git-dir >/dev/null 2>&1; then
            echo "$d"; return 0
        fi
    done
    return 1
}

obtain() { # repository commit dest -> 0 when dest holds the tree
    local repo=$1 commit=$2 dest=$3 key gitdir tmp
    [ -f "$dest/.golive-accuracy-complete" ] && return 0
    key=${repo/\//+}
    rm -rf "$dest" "$dest.part"
    if gitdir=$(find_gitdir "$key") && git --git-dir="$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
        mkdir -p "$dest.part"
        if python3 "$LABELS/extract.py" "$gitdir" "$commit" "$dest.part" >&2; then
            mv "$dest.part" "$dest"; touch "$dest/.golive-accuracy-complete"
            echo "   from mirror $gitdir" >&2
            return 0
        fi
        rm -rf "$dest.part"
    fi
    if [ "${ACCURACY_OFFLINE:-0}" != 1 ]; then
        tmp=$dest.part
        mkdir -p "$tmp"
        if git -C "$tmp" init -q \
            && timeout "${ACCURACY_FETCH_TIMEOUT:-300}" git -C "$tmp" -c protocol.version=2 \
                fetch -q --depth 1 "https://github.com/$repo.git" "$commit" 2>/dev/null \
            && git -C "$tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD; then
            rm -rf "$tmp/.git"
            mv "$tmp" "$dest"; touch "$dest/.golive-accuracy-complete"
            echo "   cloned from GitHub" >&2
            return 0
        fi
        rm -rf "$tmp"
    fi
    return 1
}

# ---- audit each repository -----------------------------------------------------------------
rm -f "$WORK"/reports/*.json
for f in "${FILES[@]}"; do
    key=$(basename "$f" .toml)
    repo=$(toml_field "$f" repository)
    commit=$(toml_field "$f" commit)
    [[ $commit =~ ^[0-9a-f]{40}$ ]] || { echo "$f: commit must be 40 lowercase hex" >&2; exit 3; }
    dest=$WORK/src/${repo/\//+}@$commit
    echo "== $repo @ ${commit:0:12}" >&2
    if ! obtain "$repo" "$commit" "$dest"; then
        echo "   SKIP: $repo@$commit is neither in $MIRROR nor reachable on GitHub" >&2
        continue
    fi
    start=$EPOCHREALTIME
    set +e
    "$BIN" audit "$dest" --format json --no-color > "$WORK/reports/$key.json" 2> "$WORK/reports/$key.stderr"
    rc=$?
    set -e
    end=$EPOCHREALTIME
    if [ "$rc" -gt 2 ]; then
        echo "   golive exited $rc (see $WORK/reports/$key.stderr); not scored" >&2
        rm -f "$WORK/reports/$key.json"
        continue
    fi
    awk -v a="$start" -v b="$end" -v rc="$rc" 'BEGIN { printf "   audited in %.2fs (exit %d)\n", b - a, rc }' >&2
done

# ---- score -------------------------------------------------------------------------------
python3 "$LABELS/score.py" "$SCORE_LABELS" "$WORK/reports" \
    --markdown "$WORK/summary.md" --json "$WORK/summary.json"
echo "tables: $WORK/summary.md   details: $WORK/summary.json" >&2
