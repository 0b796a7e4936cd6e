#!/usr/bin/env bash
# Runs golive's whole test suite. Installs what the tests need that cargo cannot provide
# (nginx for the probe tests against a real third-party server and Chromium for the HTML report,
# from apt; pre-commit for the hook test, from PyPI; the SARIF Multitool from npm) when it can (root + apt/pip), and otherwise lets those tests skip
# loudly — unless GOLIVE_REQUIRE_SERVICES=1 (set by .ci/run), which turns a missing service into
# a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# Headless Chromium for the HTML report's filtering test.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need_apt[*]} from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}") >&2 \
      || echo "test.sh: could not install ${need_apt[*]}; tests that need it will skip (or fail under GOLIVE_REQUIRE_SERVICES=1)" >&2
  else
    echo "test.sh: ${need_apt[*]} missing and cannot be installed here; tests that need it will skip" >&2
  fi
fi

# pre-commit (PyPI) for the test of golive's pre-commit hooks.
if ! command -v pre-commit >/dev/null 2>&1; then
  if command -v python3 >/dev/null 2>&1; then
    echo "test.sh: installing pre-commit from PyPI" >&2
    python3 -m pip install -q --disable-pip-version-check pre-commit >&2 \
      || echo "test.sh: could not install pre-commit; its test will skip (or fail under GOLIVE_REQUIRE_SERVICES=1)" >&2
  fi
fi

# Microsoft's SARIF Multitool (npm) validates golive's SARIF with GitHub's ingestion rules.
if ! command -v sarif-multitool >/dev/null 2>&1 && [ -z "${GOLIVE_SARIF_MULTITOOL:-}" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing @microsoft/sarif-multitool from the npm registry" >&2
    npm install -g --silent @microsoft/sarif-multitool >&2 \
      || echo "test.sh: could not install the SARIF Multitool; its test will skip (or fail under GOLIVE_REQUIRE_SERVICES=1)" >&2
  fi
fi
# The tests call the native binary directly (npm's launcher goes through a shell).
if [ -z "${GOLIVE_SARIF_MULTITOOL:-}" ] && command -v npm >/dev/null 2>&1; then
  mt="$(find "$(npm root -g 2>/dev/null)/@microsoft" -name Sarif.Multitool -type f 2>/dev/null | head -n 1)"
  if [ -n "$mt" ]; then
    chmod u+x "$mt" 2>/dev/null || true
    export GOLIVE_SARIF_MULTITOOL="$mt"
  fi
fi

cargo test --workspace --locked "$@"
