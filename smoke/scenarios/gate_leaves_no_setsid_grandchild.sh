#!/usr/bin/env bash
# Scenario: gate_leaves_no_setsid_grandchild
# Regression: a scenario's grandchild started with setsid left the scenario's process group and outlived the gate.
# After the gate returns, no process the scenario started may be alive.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

new_gate_project
cat >"$scratch/tests/smoke/manifest.toml" <<'TOML'
[[scenario]]
name = "escapes"
script = "escapes.sh"
owners = ["t1"]
TOML
echo 'setsid sleep 300 </dev/null & echo $! >escaped.pid; (setsid sleep 300 </dev/null & echo $! >orphan.pid); sleep 0.3' >"$scratch/tests/smoke/escapes.sh"
echo '{"kind":"task","id":"t1","title":"leaky scenario","status":"in-progress"}' >"$scratch/.wg/graph.jsonl"
cd "$scratch"

wg_policy gate t1 --no-audit >out.txt 2>err.txt || loud_fail "gate t1 exited $?: $(cat err.txt)"
leaked=""
for f in escaped.pid orphan.pid; do
  pid="$(cat "tests/smoke/$f" 2>/dev/null)" || loud_fail "the scenario wrote no $f"
  state="$(ps -o stat= -p "$pid" 2>/dev/null | tr -d ' ')"
  if [[ -n "$state" && "$state" != Z* ]]; then
    kill -KILL "$pid" 2>/dev/null
    leaked+=" $pid ($f)"
  fi
done
[[ -z "$leaked" ]] || loud_fail "started with setsid and still running after the gate returned:$leaked"

echo "PASS: both setsid grandchildren were gone when the gate returned"
