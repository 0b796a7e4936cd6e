#!/usr/bin/env bash
# GitHub Action step 2: run golive, write the SARIF file, a job summary and the step outputs.
# Never fails the step itself (the SARIF upload must still run); verdict.sh decides.
set -uo pipefail
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is set by the runner}"
cmd="${INPUT_COMMAND:-check}"
case "$cmd" in
  check | audit) ;;
  *)
    echo "::error::golive action: command must be check or audit, not '$cmd'"
    echo "exit-code=3" >>"$GITHUB_OUTPUT"
    exit 0
    ;;
esac
sarif="${INPUT_SARIF_FILE:-golive.sarif}"
work="$(mktemp -d)"
json="$work/report.json"
summary="$work/summary.md"
# shellcheck disable=SC2086 # INPUT_ARGS is a list of arguments on purpose
golive "$cmd" "${INPUT_PATH:-.}" --fail-on "${INPUT_FAIL_ON/never/nogo}" \
  --output "sarif=$sarif" --output "json=$json" --output "markdown=$summary" \
  ${INPUT_ARGS:-}
code=$?
echo "exit-code=$code" >>"$GITHUB_OUTPUT"
if [ -s "$json" ]; then
  python3 - "$json" >>"$GITHUB_OUTPUT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("verdict=" + r["verdict"]["decision"])
s = r.get("score")
print("score=" + ("" if s is None else str(round(s))))
PY
fi
if [ -s "$sarif" ]; then
  echo "sarif=$sarif" >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$summary" ]; then
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
rm -rf "$work"
exit 0
