#!/usr/bin/env bash
# Scenario: nex_two_message_against_lambda01
# Live: `wg init -x nex -m <model> -e <lambda01 URL>`, start the service, then two `wg chat` messages must each get
# a real reply from the model (no error role, no 404, at least 20 characters), and the chat outbox must hold at
# least two coordinator replies. Never stubbed: without wg or a reachable endpoint it skips loudly.
# Env: WG_SMOKE_LAMBDA01_URL (required, e.g. https://lambda01.example.ts.net:30000), WG_SMOKE_LAMBDA01_MODEL (default qwen3-coder).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

require_wg
url="${WG_SMOKE_LAMBDA01_URL:-}"
model="${WG_SMOKE_LAMBDA01_MODEL:-qwen3-coder}"
[[ -n "$url" ]] || loud_skip "NO NEX ENDPOINT" "WG_SMOKE_LAMBDA01_URL is not set"
endpoint_reachable "${url%/}/v1/models" || loud_skip "NEX ENDPOINT UNREACHABLE" "${url%/}/v1/models did not answer within 5s"

scratch="$(make_scratch)"
cd "$scratch"
wg init -x nex -m "$model" -e "$url" >init.log 2>&1 || loud_fail "wg init -x nex failed: $(tail -5 init.log)"
start_wg_daemon "$scratch" --max-agents 1

send() {
    local n="$1" text="$2"
    timeout 90 wg chat "$text" --timeout 60 >"chat$n.log" 2>&1 || loud_fail "wg chat message $n exited non-zero: $(tail -10 "chat$n.log")"
    if grep -qiE 'role=(system-)?error|status:.*40[0-9]|HTTP/[0-9.]+ 40[0-9]' "chat$n.log"; then
        loud_fail "message $n got an error reply: $(tail -10 "chat$n.log")"
    fi
    local chars; chars="$(tr -d '[:space:]' <"chat$n.log" | wc -c)"
    [[ "$chars" -ge 20 ]] || loud_fail "message $n reply has only $chars characters: $(cat "chat$n.log")"
}
send 1 "hi"
send 2 "second message: reply with one short sentence"

outbox="$(find "$WG_SMOKE_DAEMON_DIR/chat" -maxdepth 3 -name outbox.jsonl 2>/dev/null | head -1)"
[[ -n "$outbox" ]] || loud_fail "no chat outbox.jsonl under $WG_SMOKE_DAEMON_DIR/chat"
replies="$(grep -cE '"role"[[:space:]]*:[[:space:]]*"coordinator"' "$outbox" || true)"
[[ "$replies" -ge 2 ]] || loud_fail "outbox $outbox holds $replies coordinator replies, expected at least 2: $(tail -5 "$outbox")"

echo "PASS: two nex chat messages against $url ($model) answered; outbox holds $replies coordinator replies"
