#!/usr/bin/env bash
# Scenario: priority_int_and_string_deserialize
# Regression wire-priority-field: reading a graph crashed on `priority` written as an integer. wg reads a number,
# a name (critical/high/normal/low/idle, any case) and anything else as 10. Every task here must plan, and a
# project rule on task.priority must see wg's values: 50, "high" and "Critical" are urgent; a map reads as 10.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

scratch="$(make_scratch)"
export HOME="$scratch/home"
wgdir="$scratch/project/.wg"
mkdir -p "$HOME" "$wgdir/policies"
cat >"$wgdir/config.toml" <<'TOML'
[agent]
model = "claude:haiku"
TOML
cat >"$wgdir/policies/urgent.yaml" <<'YAML'
field: model
rules:
  - id: model.urgent
    description: urgent tasks (priority 50 or more) get opus
    priority: 85
    when: { all: [ { fact: task, path: priority, operator: greaterThanInclusive, value: 50 } ] }
    then: { value: "claude:opus" }
YAML
cat >"$wgdir/graph.jsonl" <<'JSONL'
{"kind":"task","id":"p-int","title":"int","status":"open","priority":50}
{"kind":"task","id":"p-high","title":"name","status":"open","priority":"high"}
{"kind":"task","id":"p-critical","title":"name, mixed case","status":"open","priority":"Critical"}
{"kind":"task","id":"p-map","title":"legacy map","status":"open","priority":{"name":"normal","value":50}}
{"kind":"task","id":"p-low","title":"low","status":"open","priority":"low"}
{"kind":"task","id":"p-fraction","title":"fraction","status":"open","priority":2.5}
{"kind":"task","id":"p-absent","title":"absent","status":"open"}
JSONL

cd "$scratch/project"
check() {
    local id="$1" want="$2" rule="$3"
    wg_policy plan "$id" --quiet >"$id.json" 2>"$id.err" || loud_fail "wg-policy plan $id exited $?: $(cat "$id.err")"
    expect_eq "$id model" "$(json_get "$id.json" model.spec)" "\"$want\""
    expect_eq "$id model rule" "$(json_get "$id.json" provenance.model.rule)" "\"$rule\""
}
check p-int claude:opus model.urgent
check p-high claude:opus model.urgent
check p-critical claude:opus model.urgent
check p-map claude:haiku model.local-agent
check p-low claude:haiku model.local-agent
check p-fraction claude:haiku model.local-agent
check p-absent claude:haiku model.local-agent

echo "PASS: priority 50/\"high\"/\"Critical\" read as urgent; map, \"low\", 2.5 and absent read as wg does; all 7 tasks planned"
