#!/usr/bin/env bash
# Scenario: done_agent_cannot_weaken_own_gate
# Regression (issue 9): an agent (WG_AGENT_ID set) that added `disable: [done.scenario-broken]` in a project policy
# file, or typed `owner` for `owners`, passed `done` over its failing scenario, and nothing said so. Both must deny
# for the agent, naming the change and the file; the human's run warns; the graph stays as it was.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES

new_gate_project
cat >"$scratch/tests/smoke/manifest.toml" <<'TOML'
[[scenario]]
name = "owned_and_broken"
script = "broken.sh"
owners = ["t1"]
TOML
echo 'exit 3' >"$scratch/tests/smoke/broken.sh"
echo '{"kind":"task","id":"t1","title":"owns a broken scenario","status":"in-progress"}' >"$scratch/.wg/graph.jsonl"
cd "$scratch"
{ git init -q && git add -A && git -c user.name=smoke -c user.email=smoke@example.invalid commit -q -m base \
  && git checkout -q -b agent-work; } >git.log 2>&1 || loud_fail "cannot commit the base: $(cat git.log)"
cp .wg/graph.jsonl before.jsonl

mkdir -p .wg/policies
echo 'disable: [done.scenario-broken]' >.wg/policies/lenient.yaml
WG_AGENT_ID=agent-7 wg_policy done t1 --no-audit >out1.txt 2>err1.txt
expect_eq "exit code of the agent's done with a disabled rule" "$?" "1"
expect_contains "finding" err1.txt "bundled rule \`done.scenario-broken\` disabled (.wg/policies/lenient.yaml:1)"
expect_contains "rule" err1.txt "(deny by done.agent-weakened-gate"
wg_policy gate t1 --no-audit >out2.txt 2>err2.txt
expect_eq "exit code of a human's gate with the same change" "$?" "0"
expect_contains "human warning" err2.txt "WARNING: compared with HEAD, 1 change(s) weaken the gate"
rm .wg/policies/lenient.yaml

sed -i 's/^owners = /owner = /' tests/smoke/manifest.toml
WG_AGENT_ID=agent-7 wg_policy done t1 --no-audit >out3.txt 2>err3.txt
expect_eq "exit code of the agent's done with the owner typo" "$?" "1"
expect_contains "finding" err3.txt "owner \`t1\` removed from scenario \`owned_and_broken\`"
expect_contains "did you mean" err3.txt "is ignored; did you mean \`owners\`?"
cmp -s before.jsonl .wg/graph.jsonl || loud_fail "a denied done changed graph.jsonl: $(diff before.jsonl .wg/graph.jsonl)"

echo "PASS: an agent's disabled gate rule and owner typo are denied and named; a human is warned; graph untouched"
