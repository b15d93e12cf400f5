# shellcheck shell=bash
# Shared helpers for wg-policy's smoke scenarios: loud skip/fail banners, scratch dirs, wg daemons, JSON asserts.
# Exit codes follow wg's contract: 0 pass, 77 loud skip, anything else fail.

# Scenarios must not act on the caller's project (nor read the caller's smoke manifest).
unset WG_DIR WG_PROJECT_ROOT WG_WORKTREE_PATH WG_WORKTREE_ACTIVE WG_BRANCH WG_TASK_ID WG_SMOKE_MANIFEST

SMOKE_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WG_POLICY_BIN="${WG_POLICY_BIN:-$(cd "$SMOKE_HERE/../.." && pwd)/bin/wg-policy.cjs}"
SMOKE_REGISTRY="$(mktemp -d "${TMPDIR:-/tmp}/wgsmoke-registry.XXXXXX")"
: >"$SMOKE_REGISTRY/hooks"; : >"$SMOKE_REGISTRY/daemons"; : >"$SMOKE_REGISTRY/scratch"

smoke_rule() { printf '%*s\n' 64 '' | tr ' ' '=' >&2; }

# loud_skip <kind> <reason…>: a banner on stderr, then exit 77.
loud_skip() {
    local kind="$1"; shift
    echo >&2; smoke_rule
    echo "  SMOKE SKIPPED — $kind" >&2
    echo "  scenario: ${WG_SMOKE_SCENARIO:-?}" >&2
    echo "  reason:   $*" >&2
    smoke_rule
    exit 77
}

# loud_fail <reason…>: a banner on stderr, then exit 1.
loud_fail() {
    echo >&2; smoke_rule
    echo "  SMOKE FAILED" >&2
    echo "  scenario: ${WG_SMOKE_SCENARIO:-?}" >&2
    echo -e "  reason:   $*" >&2
    smoke_rule
    exit 1
}

require_wg() {
    command -v wg >/dev/null 2>&1 || loud_skip "MISSING WG BINARY" "wg not found on PATH; run 'cargo install --path .' in workgraph first"
}

# endpoint_reachable <url>: any HTTP answer within 5 s counts.
endpoint_reachable() {
    if command -v curl >/dev/null 2>&1; then
        curl -sS -m 5 -o /dev/null "$1" 2>/dev/null
        return $?
    fi
    node -e 'const u=new URL(process.argv[1]);const m=u.protocol==="https:"?require("https"):require("http");
      const r=m.request(u,{method:"HEAD",timeout:5000},()=>process.exit(0));r.on("timeout",()=>process.exit(1));r.on("error",()=>process.exit(1));r.end();' "$1"
}

wg_smoke_root() { echo "${WG_SMOKE_ROOT:-${TMPDIR:-/tmp}/wgsmoke}"; }

register_scratch() { echo "$1" >>"$SMOKE_REGISTRY/scratch"; }
add_cleanup_hook() { echo "$1" >>"$SMOKE_REGISTRY/hooks"; }
register_wg_daemon() { echo "$1 $2" >>"$SMOKE_REGISTRY/daemons"; }

# make_scratch: a fresh registered folder under the smoke root.
make_scratch() {
    local root; root="$(wg_smoke_root)"
    mkdir -p "$root"
    local d; d="$(mktemp -d "$root/${WG_SMOKE_SCENARIO:-scenario}.XXXXXX")"
    register_scratch "$d"
    echo "$d"
}

# graph_dir_in <scratch>: the wg dir wg would use there (.wg, else the legacy .workgraph).
graph_dir_in() {
    if [[ -d "$1/.workgraph" && ! -d "$1/.wg" ]]; then echo "$1/.workgraph"; else echo "$1/.wg"; fi
}

# wait_for_daemon_pid <wgdir> [secs]: echoes the live daemon pid from service/state.json.
wait_for_daemon_pid() {
    local state="$1/service/state.json" i pid
    for ((i = 0; i < ${2:-30} * 10; i++)); do
        if [[ -f "$state" ]]; then
            pid="$(node -e 'try{const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));if(s.pid)process.stdout.write(String(s.pid))}catch{}' "$state")"
            if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
        fi
        sleep 0.1
    done
    return 1
}

# start_wg_daemon <scratch> [service start args…]: starts wg's service, registers it for cleanup.
start_wg_daemon() {
    local scratch="$1"; shift
    local dir; dir="$(graph_dir_in "$scratch")"
    (cd "$scratch" && wg --dir "$dir" service start "$@" >"$scratch/daemon.log" 2>&1) &
    local pid
    pid="$(wait_for_daemon_pid "$dir" 30)" || loud_fail "wg service start wrote no live pid to $dir/service/state.json within 30s: $(tail -5 "$scratch/daemon.log" 2>/dev/null)"
    register_wg_daemon "$pid" "$dir"
    WG_SMOKE_DAEMON_PID="$pid"
    WG_SMOKE_DAEMON_DIR="$dir"
}

wg_smoke_cleanup() {
    local code=$? hook pid dir d
    trap - EXIT INT TERM HUP
    while read -r hook; do [[ -n "$hook" ]] && "$hook" || true; done <"$SMOKE_REGISTRY/hooks"
    while read -r pid dir; do
        [[ -z "$pid" ]] && continue
        wg --dir "$dir" service stop --force >/dev/null 2>&1 || true
        kill -TERM "$pid" 2>/dev/null || true
        sleep 0.5
        kill -KILL "$pid" 2>/dev/null || true
    done <"$SMOKE_REGISTRY/daemons"
    while read -r d; do [[ -n "$d" ]] && rm -rf "$d"; done <"$SMOKE_REGISTRY/scratch"
    rm -rf "$SMOKE_REGISTRY"
    exit "$code"
}
trap wg_smoke_cleanup EXIT INT TERM HUP

# wg_policy <args…>: the wg-policy CLI under test.
wg_policy() { node "$WG_POLICY_BIN" "$@"; }

# A scratch gate project: sets `scratch`, points HOME at a fresh home inside it, makes .wg and tests/smoke.
# (Not a subshell: the caller keeps both variables.)
new_gate_project() {
  scratch="$(make_scratch)"
  export HOME="$scratch/home"
  mkdir -p "$HOME" "$scratch/.wg" "$scratch/tests/smoke"
}

# json_get <file> <dotted.path>: the value at a path, as JSON (`undefined` when absent).
json_get() {
    node -e 'let v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
      for (const k of process.argv[2].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
      process.stdout.write(v === undefined ? "undefined" : JSON.stringify(v));' "$1" "$2"
}

# expect_eq <what> <got> <want>
expect_eq() { [[ "$2" == "$3" ]] || loud_fail "$1: expected $3, got $2"; }

# expect_contains <what> <file> <text>
expect_contains() { grep -qF -- "$3" "$2" || loud_fail "$1: \`$3\` not found in $2:\n$(tail -20 "$2")"; }
