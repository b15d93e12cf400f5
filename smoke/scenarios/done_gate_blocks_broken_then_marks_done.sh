#!/usr/bin/env bash
# Scenario: done_gate_blocks_broken_then_marks_done
# The gate's own contract, end to end with the real CLI: a task owning a broken scenario is refused with wg's
# wording and graph.jsonl stays byte-identical; a task whose scenarios pass is marked done, and only its line changes.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

new_gate_project
cat >"$scratch/tests/smoke/manifest.toml" <<'TOML'
[[scenario]]
name = "passes"
script = "passes.sh"
owners = ["t-broken", "t-good"]

[[scenario]]
name = "breaks"
script = "breaks.sh"
owners = ["t-broken"]
TOML
echo 'exit 0' >"$scratch/tests/smoke/passes.sh"
echo 'echo "assertion failed: want 3 got 4" >&2; exit 3' >"$scratch/tests/smoke/breaks.sh"
cat >"$scratch/.wg/graph.jsonl" <<'JSONL'
# kept as written
{"kind":"task","id":"t-broken","title":"broken","status":"in-progress","custom_field":{"a":1.0}}
{"kind":"task","id":"t-good","title":"good","status":"in-progress","log":[{"timestamp":"2026-01-01T00:00:00+00:00","message":"started"}],"x":1e3}
{"kind":"resource","id":"r1"}
JSONL
cp "$scratch/.wg/graph.jsonl" "$scratch/before.jsonl"
cd "$scratch"

wg_policy done t-broken --jobs 2 >out1.json 2>err1.txt
code=$?
expect_eq "exit code of a denied done" "$code" "1"
expect_contains "refusal" err1.txt "Smoke gate refused 'wg done t-broken': 1 scenario(s) broken — breaks (exit 3)"
expect_contains "stderr tail" err1.txt "assertion failed: want 3 got 4"
cmp -s before.jsonl .wg/graph.jsonl || loud_fail "a denied done changed graph.jsonl: $(diff before.jsonl .wg/graph.jsonl)"

wg_policy done t-good --json >out2.json 2>err2.txt || loud_fail "done t-good exited $?: $(cat err2.txt)"
expect_eq "verdict" "$(json_get out2.json effect)" '"allow"'
expect_eq "determining rule" "$(json_get out2.json determining.0.rule)" '"done.scenarios-passed"'
expect_eq "transition" "$(json_get out2.json written.to)" '"done"'
expect_eq "wg's stdout line" "$(json_get out2.json say)" "\"Marked 't-good' as done\""
changed="$(diff before.jsonl .wg/graph.jsonl | grep -c '^[<>]' || true)"
expect_eq "changed lines" "$changed" "2"
node -e '
  const [a, b] = process.argv.slice(1).map((f) => require("fs").readFileSync(f, "utf8").split("\n"));
  const t = JSON.parse(b[2]);
  if (t.status !== "done" || !t.completed_at || t.log.length !== 2 || t.log[1].message !== "Task marked as done") throw new Error(b[2]);
  if (!b[2].includes("\"x\":1e3")) throw new Error("number form changed: " + b[2]);
  if (a[1] !== b[1] || a[0] !== b[0] || a[3] !== b[3]) throw new Error("another line changed");' before.jsonl .wg/graph.jsonl \
  || loud_fail "graph.jsonl after done is wrong: $(cat .wg/graph.jsonl)"

echo "PASS: done refused t-broken (breaks exit 3, graph untouched) and marked t-good done, changing only its line"
