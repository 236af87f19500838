#!/usr/bin/env bash
# Runs every example against a hub-emulator started here (HTTPS, generated CA, ephemeral port)
# and checks what each prints. Usage: run_examples.sh <hub-emulator> <examples-dir>
set -euo pipefail
emulator="$1"
bin="$2"
source "$(dirname "$0")/lib.sh"

start "$work/emulator" "$emulator" --https --port 0 --ca-out "$work/ca.pem" --user a-user:a-user \
  --seed-tokens a-user:250 --tokens-out "$work/tokens.txt" --log
base=$url
common=(--url "$base" --ca-file "$work/ca.pem")

echo "== quickstart"
out=$(STENCILA_HUB_PASSWORD=a-user "$bin/quickstart" "${common[@]}" --user a-user)
echo "$out"
grep -q "^4. deleted token" <<<"$out" || fail "quickstart did not delete"
grep -q "^5. reading it again: 404 Not found." <<<"$out" || fail "quickstart: no 404 after delete"

echo "== callbacks_and_futures"
out=$(STENCILA_HUB_PASSWORD=a-user "$bin/callbacks_and_futures" "${common[@]}" --user a-user)
echo "$out"
grep -q "^callback: created token" <<<"$out" || fail "no callback"
grep -q "^future: read failed with HTTP 404" <<<"$out" || fail "no future"
grep -q "^as_tuple: HTTP 403: Incorrect authentication credentials." <<<"$out" || fail "no as_tuple"

# The other order: the future's thread finishes while the coroutine still awaits a slow login
# (300 ms on every POST /tokens/). Its "done" must not be lost (it hung here when the thread
# cancelled a timer nobody was waiting on yet). `timeout` turns a hang into a failure.
echo "== callbacks_and_futures, the thread finishing first"
start "$work/slow" "$emulator" --https --port 0 --ca-out "$work/slow-ca.pem" --user a-user:a-user \
  --faults --fault kind=latency,method=POST,path=/api/tokens/,delay-ms=300,times=0
out=$(STENCILA_HUB_PASSWORD=a-user timeout 60 "$bin/callbacks_and_futures" --url "$url" \
  --ca-file "$work/slow-ca.pem" --user a-user) || fail "callbacks_and_futures did not finish with a slow login (exit $?)"
echo "$out"
grep -q "^future: read failed with HTTP 404" <<<"$out" || fail "no future"
grep -q "^as_tuple: HTTP 403: Incorrect authentication credentials." <<<"$out" || fail "no as_tuple"

echo "== bulk_paging"
key=$(head -n 1 "$work/tokens.txt")
tail -n 10 "$work/tokens.txt" > "$work/revoke.txt"
echo "$(printf '%064d' 0)" >> "$work/revoke.txt"
out=$(STENCILA_HUB_TOKEN="$key" "$bin/bulk_paging" "${common[@]}" --revoke "$work/revoke.txt" | tr '\r' '\n')
echo "$out" | tail -n 3
grep -q "^walked 251 tokens" <<<"$out" || fail "bulk_paging did not walk the 251 tokens"
grep -q "^revoked 10, not found 1, failed 0" <<<"$out" || fail "bulk_paging did not revoke"
grep -q "$key" <<<"$out" && fail "a token value was printed"

echo "== token_auth_service"
# Reads of single tokens the emulator has answered so far (its --log: one line per request).
token_reads() { grep -c '^GET /api/tokens/[^?]' "$work/emulator.err" || true; }
reads_before=$(token_reads)
start "$work/service" "$bin/token_auth_service" "${common[@]}" --requests 5 --threads 2
service_pid=${pids[-1]}
service_out=$fd
port=${url#http://127.0.0.1:}; port=${port%/}
ask() {
  exec {s}<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET / HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n' "$1" >&"$s"
  cat <&"$s"
  exec {s}>&-
}
good=$(head -n 2 "$work/tokens.txt" | tail -n 1)
unknown=$(printf '%064d' 1)
r1=$(ask "Authorization: Token $good"$'\r\n')
r2=$(ask "Authorization: Token $unknown"$'\r\n')
r3=$(ask "")
r4=$(ask "Authorization: Token $good"$'\r\n')     # answered from the verifier's cache
r5=$(ask "Authorization: Token $unknown"$'\r\n')  # and so is a 404, for a while
grep -q "200 OK" <<<"$r1" && grep -q "hello, user 1" <<<"$r1" || fail "service did not accept a good token: $r1"
grep -q "401" <<<"$r2" || fail "service accepted an unknown token"
grep -q "401" <<<"$r3" || fail "service accepted no token"
grep -q "200 OK" <<<"$r4" && grep -q "hello, user 1" <<<"$r4" || fail "service did not accept a good token again: $r4"
grep -q "401" <<<"$r5" || fail "service accepted an unknown token the second time"
echo "5 answers as expected"
for _ in $(seq 300); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$service_pid" 2>/dev/null && fail "service did not stop after its 5 requests"
wait "$service_pid" || fail "service failed: $(cat "$work/service.err")"
counters=$(cat <&"$service_out")
echo "$counters"
grep -q "^verifier: checks=4 hub_calls=2 hits=1 negative_hits=1 " <<<"$counters" || fail "the verifier's counters: $counters"
reads=$(( $(token_reads) - reads_before ))
[ "$reads" -eq 2 ] || fail "the service made $reads Hub reads for 2 distinct tokens"
echo "2 Hub reads for 4 checks of 2 tokens"
grep -q "$good" <<<"$counters$(cat "$work/service.err")" && fail "a token value was printed"
echo "all examples passed"
