#!/usr/bin/env bash
# Scenario: dispatcher_boot_no_orphan_supervisor
# Live: after `wg init` and `wg service start` (no chat agent, no task agents), the daemon must be running and
# its agent registry must hold no orphan entry and no `.coordinator-N` supervisor without a live process.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

require_wg
scratch="$(make_scratch)"
cd "$scratch"
wg init -x shell >init.log 2>&1 || wg init -x claude >init.log 2>&1 || loud_fail "wg init failed: $(tail -5 init.log)"
start_wg_daemon "$scratch" --max-agents 0 --no-chat-agent
sleep 2 # one dispatcher tick and the settling delay
kill -0 "$WG_SMOKE_DAEMON_PID" 2>/dev/null || loud_fail "the daemon (pid $WG_SMOKE_DAEMON_PID) died after boot: $(tail -10 daemon.log)"

registry="$WG_SMOKE_DAEMON_DIR/service/registry.json"
if [[ ! -f "$registry" ]]; then
    echo "PASS: daemon $WG_SMOKE_DAEMON_PID running, no registry written (no supervisor at all)"
    exit 0
fi
report="$(node -e '
  const reg = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const agents = Object.values(reg.agents ?? reg);
  const alive = (pid) => { try { process.kill(pid, 0); return true } catch { return false } };
  const bad = agents.filter((a) => a && typeof a === "object" && (a.status === "orphan" ||
    (/^\.coordinator-\d+$/.test(a.task_id ?? "") && !(a.pid && alive(a.pid)))));
  process.stdout.write(`${agents.length} ${bad.length} ${JSON.stringify(bad)}`);' "$registry")" || loud_fail "cannot read $registry: $(head -c 500 "$registry")"
read -r total orphans detail <<<"$report"
[[ "$orphans" == "0" ]] || loud_fail "registry has $orphans orphan supervisor entries: $detail"

echo "PASS: daemon $WG_SMOKE_DAEMON_PID running; registry has $total entries, none orphan"
