#!/usr/bin/env bash
# Scenario: gate_reports_results_in_manifest_order
# Regression: with plain output (CI, or piped) result lines came in finish order. A slow first scenario and a fast
# second one, run in parallel, must still be reported first and second.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

new_gate_project
cat >"$scratch/tests/smoke/manifest.toml" <<'TOML'
[[scenario]]
name = "slow_first"
script = "slow.sh"
owners = ["t1"]

[[scenario]]
name = "fast_second"
script = "fast.sh"
owners = ["t1"]
TOML
echo 'sleep 1' >"$scratch/tests/smoke/slow.sh"
echo 'exit 0' >"$scratch/tests/smoke/fast.sh"
echo '{"kind":"task","id":"t1","title":"two scenarios","status":"in-progress"}' >"$scratch/.wg/graph.jsonl"
cd "$scratch"

CI=1 wg_policy gate t1 --jobs 2 --no-audit >out.txt 2>err.txt || loud_fail "gate t1 exited $?: $(cat err.txt)"
# Result lines carry each scenario's duration, `  PASS  slow_first (1.0 s)`: compare the names and outcomes.
got="$(grep -E '^  (PASS|FAIL|SKIP|ERROR)' err.txt | sed -E 's/ \([0-9]+\.[0-9] s\)$//' | tr -s ' ' | tr '\n' ';')"
expect_eq "result lines" "$got" " PASS slow_first; PASS fast_second;"

echo "PASS: results reported in manifest order (slow_first, then fast_second)"
