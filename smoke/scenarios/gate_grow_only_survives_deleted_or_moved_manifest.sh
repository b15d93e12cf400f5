#!/usr/bin/env bash
# Scenario: gate_grow_only_survives_deleted_or_moved_manifest
# Regression: deleting the committed smoke manifest, or moving a trimmed copy lower in the search order, let a task
# whose scenario fails pass the gate ("owns no smoke scenarios … nothing to run"). Both must be denied as grow-only
# violations, naming where the manifest was at HEAD.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES

new_gate_project
cat >"$scratch/tests/smoke/manifest.toml" <<'TOML'
[[scenario]]
name = "owned_and_broken"
script = "broken.sh"
owners = ["t2"]

[[scenario]]
name = "someone_elses"
script = "other.sh"
owners = ["t9"]
TOML
echo 'exit 3' >"$scratch/tests/smoke/broken.sh"
echo 'exit 0' >"$scratch/tests/smoke/other.sh"
echo '{"kind":"task","id":"t2","title":"owns a broken scenario","status":"in-progress"}' >"$scratch/.wg/graph.jsonl"
cd "$scratch"
{ git init -q && git add -A && git -c user.name=smoke -c user.email=smoke@example.invalid commit -q -m base; } >git.log 2>&1 \
  || loud_fail "cannot commit the base manifest: $(cat git.log)"

rm tests/smoke/manifest.toml
wg_policy gate t2 --no-audit >out1.txt 2>err1.txt
expect_eq "exit code with the manifest deleted" "$?" "1"
expect_contains "deleted manifest" err1.txt "2 scenario(s) present at HEAD are gone from the working tree (no smoke manifest found) — owned_and_broken, someone_elses (listed in tests/smoke/manifest.toml at HEAD)"

mkdir -p smoke
printf '[[scenario]]\nname = "someone_elses"\nscript = "other.sh"\nowners = ["t9"]\n' >smoke/manifest.toml
wg_policy gate t2 --no-audit >out2.txt 2>err2.txt
expect_eq "exit code with a trimmed manifest moved to smoke/" "$?" "1"
expect_contains "moved manifest" err2.txt "1 scenario(s) present at HEAD are gone from smoke/manifest.toml — owned_and_broken (listed in tests/smoke/manifest.toml at HEAD)"
expect_contains "rule" err2.txt "(deny by done.manifest-grow-only"

echo "PASS: a deleted and a moved, trimmed manifest are both denied by done.manifest-grow-only"
