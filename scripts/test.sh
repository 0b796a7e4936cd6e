#!/usr/bin/env bash
# Runs golive's whole test suite. Installs what the tests need that cargo cannot provide
# (nginx for the probe tests against a real third-party server, from apt; pre-commit for the
# hook test, from PyPI) when it can (root + apt/pip), and otherwise lets those tests skip
# loudly — unless GOLIVE_REQUIRE_SERVICES=1 (set by .ci/run), which turns a missing service into
# a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
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

cargo test --workspace --locked "$@"
