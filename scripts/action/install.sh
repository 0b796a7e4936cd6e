#!/usr/bin/env bash
# GitHub Action step 1: build golive from the action's own checkout (the tag the workflow pinned)
# unless a golive binary is already on the PATH. Needs cargo (present on GitHub's runners).
set -euo pipefail
: "${GOLIVE_SRC:?GOLIVE_SRC must be the action checkout}"
if command -v golive >/dev/null 2>&1; then
  echo "golive already installed: $(golive --version)"
  exit 0
fi
root="${RUNNER_TEMP:-/tmp}/golive"
cargo install --locked --path "$GOLIVE_SRC/crates/golive" --root "$root"
echo "$root/bin" >>"${GITHUB_PATH:?GITHUB_PATH is set by the runner}"
"$root/bin/golive" --version
