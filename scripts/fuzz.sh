#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time (libFuzzer, with the seeds of
# fuzz/seeds/TARGET and, for `checklist`, the sample checklists of fixtures/checklists).
#
#   scripts/fuzz.sh                 # every target, FUZZ_SECONDS (default 20) each
#   scripts/fuzz.sh config smoke    # some targets
#
# cargo-fuzz needs a nightly compiler for -Zsanitizer; on a stable toolchain the script sets
# RUSTC_BOOTSTRAP=1, which lets stable rustc take those flags. It installs cargo-fuzz from
# crates.io when missing (FUZZ_INSTALL=0 to refuse). A crash leaves its input in
# fuzz/artifacts/TARGET/ and fails the script; add that input to fuzz/seeds/TARGET/ (as
# regress-NAME) once fixed, so the stable test `cargo test -p golive-fuzz` replays it.
# Without libFuzzer at all, `GOLIVE_FUZZ_CASES=20000 cargo test -p golive-fuzz --test targets`
# runs the same target bodies on proptest inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(config smoke checklist units threshold)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  if [ "${FUZZ_INSTALL:-1}" = 1 ]; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked >&2
  else
    echo "fuzz.sh: cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2
    exit 3
  fi
fi

# Nightly when the default toolchain is one, else stable with the nightly flags unlocked.
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"

cd fuzz
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  extra=()
  [ "$t" = checklist ] && extra+=(../fixtures/checklists)
  echo "fuzz.sh: $t for ${seconds}s" >&2
  if ! cargo fuzz run "$t" "corpus/$t" "seeds/$t" "${extra[@]}" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
    echo "fuzz.sh: $t FAILED (input in fuzz/artifacts/$t/)" >&2
    status=1
  fi
done
exit "$status"
