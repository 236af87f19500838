# What run_examples.sh and run_tutorial.sh share: a scratch directory, servers started in the
# background and stopped at exit, and `fail`. Source it after `set -euo pipefail`.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Starts a server in the background; the first line it prints is its URL, left in $url.
# (Not in a $(...) subshell: the pid must reach `cleanup`.)
start() {
  local out="$1"; shift
  mkfifo "$out.fifo"
  "$@" > "$out.fifo" 2> "$out.err" &
  pids+=($!)
  exec {fd}< "$out.fifo"
  read -r -t 30 url <&"$fd" || fail "$1 did not start: $(cat "$out.err")"
}

# One HTTP/1.1 request to 127.0.0.1:$1 with the header lines in $2 (each ending in \r\n); prints
# the whole answer.
http_get() {
  exec {s}<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET / HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n' "$2" >&"$s"
  cat <&"$s"
  exec {s}>&-
}

# Fails unless the text in $1 has a line matching the extended regular expression $2.
expect_line() {
  grep -Eq -- "$2" <<<"$1" || fail "no line matching '$2' in:
$1"
}
