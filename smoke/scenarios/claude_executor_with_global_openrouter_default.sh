#!/usr/bin/env bash
# Scenario: claude_executor_with_global_openrouter_default
# Regression spawn-single-source: a project pinned to [dispatcher].executor = "claude", with a global openrouter
# endpoint marked is_default (really inherited: inherit_global = true) and model opus, was spawned as
# `native --endpoint openrouter`. The plan must stay claude, with no endpoint and no --endpoint on argv.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

scratch="$(make_scratch)"
export HOME="$scratch/home"
mkdir -p "$HOME/.wg" "$scratch/project/.wg"
cat >"$HOME/.wg/config.toml" <<'TOML'
[[llm_endpoints.endpoints]]
name = "openrouter"
provider = "openrouter"
url = "https://openrouter.ai/api/v1"
api_key_env = "OPENROUTER_API_KEY"
is_default = true
TOML
cat >"$scratch/project/.wg/config.toml" <<'TOML'
[dispatcher]
executor = "claude"
model = "claude:opus"

[llm_endpoints]
inherit_global = true
TOML
echo '{"kind":"task","id":"route-me","title":"route me","status":"open"}' >"$scratch/project/.wg/graph.jsonl"

cd "$scratch/project"
wg_policy plan route-me >plan.json 2>plan.err || loud_fail "wg-policy plan exited $?: $(cat plan.err)"

expect_eq "executor" "$(json_get plan.json executor)" '"claude"'
expect_eq "endpoint" "$(json_get plan.json endpoint)" 'null'
expect_eq "model" "$(json_get plan.json model.spec)" '"claude:opus"'
expect_eq "model id" "$(json_get plan.json model.id)" '"opus"'
# wg's hard timeout wraps the CLI: timeout --signal=TERM --kill-after=30 1800 claude …
expect_eq "argv[0]" "$(json_get plan.json argv.0)" '"timeout"'
expect_eq "argv[4]" "$(json_get plan.json argv.4)" '"claude"'
expect_eq "executor rule" "$(json_get plan.json provenance.executor.rule)" '"executor.local-dispatcher"'
expect_eq "WG_ENDPOINT in env" "$(json_get plan.json env.WG_ENDPOINT)" 'undefined'
argv="$(json_get plan.json argv)"
for bad in '"--endpoint' '"native-exec"' '"--endpoint-name"' 'openrouter'; do
    [[ "$argv" != *"$bad"* ]] && continue
    loud_fail "argv must not carry $bad: $argv"
done
# The precondition really held: the global default endpoint was visible to the plan and lost to the claude rule.
shadowed="$(json_get plan.json provenance.endpoint.shadowed)"
[[ "$shadowed" == *'"rule":"endpoint.is-default"'*'"name":"openrouter"'* ]] || loud_fail "the global openrouter endpoint was not in play (precondition not set up): $shadowed"
expect_contains "provenance line" plan.err "SpawnPlan task=route-me executor=claude (executor.local-dispatcher"

echo "PASS: claude stays claude with a global is_default openrouter endpoint: endpoint=null, argv without --endpoint"
