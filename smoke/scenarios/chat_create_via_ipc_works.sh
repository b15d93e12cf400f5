#!/usr/bin/env bash
# Scenario: chat_create_via_ipc_works
# Live: a fresh `wg init -x claude` project and daemon; `wg chat "hi"` goes over IPC to a real chat agent and must
# get a non-error reply of at least 20 characters; when an outbox exists it holds a coordinator reply.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/_helpers.sh"

require_wg
command -v claude >/dev/null 2>&1 || loud_skip "CLAUDE CLI MISSING" "claude CLI not on PATH"
if [[ -z "${ANTHROPIC_API_KEY:-}" && -z "${OPENROUTER_API_KEY:-}" && ! -d "${HOME:-/nonexistent}/.claude" ]]; then
    loud_skip "NO LLM CREDENTIALS" "no ANTHROPIC_API_KEY, no OPENROUTER_API_KEY and no ~/.claude login: the chat agent cannot reach a model"
fi

scratch="$(make_scratch)"
cd "$scratch"
wg init -x claude >init.log 2>&1 || loud_fail "wg init -x claude failed: $(tail -5 init.log)"
start_wg_daemon "$scratch" --max-agents 1

timeout 60 wg chat "hi" --timeout 30 >chat.log 2>&1 || loud_fail "wg chat 'hi' exited non-zero: $(tail -10 chat.log)"
if grep -qiE 'role=(system-)?error|status:.*40[0-9]|HTTP/[0-9.]+ 40[0-9]' chat.log; then
    loud_fail "wg chat 'hi' got an error reply: $(tail -10 chat.log)"
fi
chars="$(tr -d '[:space:]' <chat.log | wc -c)"
[[ "$chars" -ge 20 ]] || loud_fail "reply has only $chars characters: $(cat chat.log)"
outbox="$(find "$WG_SMOKE_DAEMON_DIR/chat" -maxdepth 3 -name outbox.jsonl 2>/dev/null | head -1)"
replies=none
if [[ -n "$outbox" ]]; then
    replies="$(grep -cE '"role"[[:space:]]*:[[:space:]]*"coordinator"' "$outbox" || true)"
    [[ "$replies" -ge 1 ]] || loud_fail "outbox $outbox holds no coordinator reply: $(tail -5 "$outbox")"
fi

echo "PASS: wg chat 'hi' over IPC answered with $chars characters (outbox coordinator replies: $replies)"
