#!/usr/bin/env bash
# Runs tutorial steps 1-6 (examples/tutorial/) in order against a hub-emulator started here
# (HTTPS, generated CA, ephemeral port) and checks the lines each must print.
# Usage: run_tutorial.sh <hub-emulator> <tutorial-bin-dir>
set -euo pipefail
emulator="$1"
bin="$2"
source "$(dirname "$0")/lib.sh"

# Three users: a-user (250 tokens) for steps 1-4, and b-user (3), c-user (1) for steps 5 and 6.
start "$work/emulator" "$emulator" --https --port 0 --ca-out "$work/ca.pem" \
  --user a-user:a-user --user b-user:b-user --user c-user:c-user \
  --seed-tokens a-user:250 --seed-tokens b-user:3 --seed-tokens c-user:1 --tokens-out "$work/tokens.txt"
common=(--url "$url" --ca-file "$work/ca.pem")
a_key=$(sed -n 1p "$work/tokens.txt")
b_key=$(sed -n 251p "$work/tokens.txt")
c_key=$(sed -n 254p "$work/tokens.txt")
hex8='[0-9a-f]{8}'

# Runs a step, shows its output, and fails if it printed a token value (64 hex characters).
run_step() {
  echo "== $1"
  out=$("$bin/$@")
  echo "$out"
  grep -Eq '[0-9a-f]{64}' <<<"$out" && fail "$1 printed a token value"
  return 0
}

export STENCILA_HUB_PASSWORD=a-user
run_step 1_first_call "${common[@]}" --user a-user
expect_line "$out" "^created token $hex8 \(\[redacted\]\) for a-user, user 1$"
expect_line "$out" "^read it back: token $hex8 of user 1, expires 2[0-9]{3}-[0-9]{2}-[0-9]{2}T"
expect_line "$out" "^deleted token $hex8$"

run_step 2_handling_errors "${common[@]}"
expect_line "$out" '^unknown token: api_error 404 Not found\.$'
expect_line "$out" '^blank username: api_error 400 Invalid input\. \[username: This field may not be blank\.\]$'
expect_line "$out" '^empty token: system_error stencila\.hub:1: .*token .*empty'
expect_line "$out" '^no Hub: system_error system:111: GET /tokens/\{token\}/: connecting to 127\.0\.0\.1:[0-9]+: Connection refused'
expect_line "$out" '^e\.code\(\) == hub::error::empty_token$'

run_step 3_completion_tokens "${common[@]}" --user a-user
expect_line "$out" "^as_tuple: created token $hex8$"
expect_line "$out" '^as_tuple: HTTP 404, the Hub says: Not found\.$'
expect_line "$out" "^callback: token $hex8 belongs to user 1$"
expect_line "$out" "^future: deleted token $hex8$"
expect_line "$out" '^future: reading it again: stencila\.hub\.http:404$'
unset STENCILA_HUB_PASSWORD

# Steps 1 and 3 deleted the tokens they made: a-user holds the 250 seeded ones.
STENCILA_HUB_TOKEN="$a_key" run_step 4_paging "${common[@]}"
expect_line "$out" '^  25/250 tokens$'
expect_line "$out" '^  100/250 tokens$'
expect_line "$out" '^first walk: 100 tokens, stopped at offset 100$'
expect_line "$out" '^resumed at offset 100: 150 more tokens in 3 pages; 250 of 250 in all$'
expect_line "$out" "^collected 10 tokens, the first ${a_key:0:8}$"

printf '%s\n' "$a_key" "$b_key" "$c_key" > "$work/keys.txt"
run_step 5_per_call_options "${common[@]}" --keys "$work/keys.txt"
expect_line "$out" '^user 1: 250 tokens$'
expect_line "$out" '^user 2: 3 tokens$'
expect_line "$out" '^user 3: 1 token$'
expect_line "$out" '^3 users, one client: 1 connection opened, 2 reused$'
expect_line "$out" '^without a key: Hub answered 403 Forbidden: Authentication credentials were not provided\.$'

echo "== 6_small_service"
start "$work/service" "$bin/6_small_service" "${common[@]}" --requests 3
service=${pids[-1]}
port=${url#http://127.0.0.1:}; port=${port%/}
r1=$(http_get "$port" "Authorization: Token $b_key"$'\r\n')
r2=$(http_get "$port" "Authorization: Token $(printf '%064d' 1)"$'\r\n')
r3=$(http_get "$port" "")
echo "$r1" | tail -n 1
expect_line "$r1" '^HTTP/1.1 200 OK'
expect_line "$r1" '^you hold 3 tokens$'
expect_line "$r2" '^HTTP/1.1 401 Unauthorized'
expect_line "$r2" '^the Hub refused your token$'
expect_line "$r3" '^HTTP/1.1 401 Unauthorized'
expect_line "$r3" '^send Authorization: Token <your Hub token>$'
# Three requests answered: it stops by itself.
for _ in $(seq 100); do kill -0 "$service" 2>/dev/null || break; sleep 0.1; done
kill -0 "$service" 2>/dev/null && fail "6_small_service did not stop after 3 requests"
wait "$service" || fail "6_small_service failed: $(cat "$work/service.err")"
echo "3 answers as expected"
echo "all tutorial steps passed"
