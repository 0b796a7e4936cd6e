#!/usr/bin/env bash
# GitHub Action last step: fail the job according to `fail-on` and golive's exit code.
set -euo pipefail
code="${EXIT_CODE:-}"
case "$code" in
  '') echo "::error::golive did not run (no exit code)"; exit 4 ;;
  0) echo "golive: GO"; exit 0 ;;
  1) [ "${INPUT_FAIL_ON:-nogo}" = attention ] && { echo "::error::golive: ATTENTION"; exit 1; }
     echo "golive: ATTENTION"; exit 0 ;;
  2) [ "${INPUT_FAIL_ON:-nogo}" = never ] && { echo "::warning::golive: NO-GO (fail-on: never)"; exit 0; }
     echo "::error::golive: NO-GO"; exit 2 ;;
  *) echo "::error::golive failed with exit code $code (3 bad usage or configuration, 4 internal error)"; exit "$code" ;;
esac
