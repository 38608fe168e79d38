#!/usr/bin/env bash
# `npm test`: the static checks (type check, lint, format) and the test suite, side by side. The
# suite keeps both cores busy most of the time, and the checks fill the gaps instead of running
# first (they took about a minute on two cores on their own). The checks' output is printed after
# the suite's, so neither interleaves with the other; the run fails when either does.
set -uo pipefail
cd "$(dirname "$0")/.."
checks_log="$(mktemp)"
trap 'rm -f "$checks_log"' EXIT
npm run -s checks >"$checks_log" 2>&1 &
checks=$!
npx vitest run "$@"
suite=$?
wait "$checks"
checked=$?
echo
if [ "$checked" -eq 0 ]; then
  echo "Checks (tsc --noEmit, eslint, prettier --check): passed."
else
  cat "$checks_log"
  echo "Checks (tsc --noEmit, eslint, prettier --check): FAILED (exit $checked), see above."
fi
[ "$suite" -eq 0 ] || echo "Test suite: FAILED (exit $suite)."
exit $((suite || checked))
