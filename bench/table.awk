# Turns the RESULT lines of scripts/bench into one table per workload, with the ratios against
# the targets of issue #6. Variables: walk_tokens, big_tokens.
function v(i, k) { return (i SUBSEP k) in f ? f[i, k] : "" }
function find(w, impl, extra,    i, n, parts, j, kv, ok) {
  for (i = 1; i <= rows; i++) {
    if (v(i, "workload") != w || v(i, "impl") != impl) continue
    ok = 1
    n = split(extra, parts, " ")
    for (j = 1; j <= n; j++) {
      split(parts[j], kv, "=")
      if (v(i, kv[1]) != kv[2]) ok = 0
    }
    if (ok) return i
  }
  return 0
}
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
function verdict(ok) { return ok ? "met" : "MISSED" }
function w1_label(i) {
  if (v(i, "impl") != "hub") return v(i, "impl")
  return v(i, "thread_safe") == "0" ? "hub thread_safe=false" : "hub (default)"
}
function mode(i) {
  if (v(i, "impl") == "curl") return "curl follow-next"
  if (v(i, "concurrency") == 1) return v(i, "prefetch") == 0 ? "follow-next" : "prefetch 1"
  return "concurrency " v(i, "concurrency")
}

$1 == "RESULT" {
  rows++
  for (k = 2; k <= NF; k++) { split($k, kv, "="); f[rows, kv[1]] = kv[2] }
}

END {
  print "W1 read: 32 in flight (client CPU from getrusage over the timed part)"
  printf "  %-24s %-6s %8s %10s %14s %12s %7s %10s\n", "client", "proto", "calls", "calls/s", "CPU us/call", "allocs/call", "conns", "emu CPU"
  for (i = 1; i <= rows; i++) if (v(i, "workload") == "W1")
    printf "  %-24s %-6s %8s %10s %14s %12s %7s %10s\n", w1_label(i), v(i, "proto"), v(i, "calls"), v(i, "calls_per_s"),
           v(i, "cpu_us_per_call"), v(i, "allocs_per_call"), v(i, "conns"), v(i, "emu_cpu_share")
  for (p = 1; p <= 2; p++) {
    proto = p == 1 ? "https" : "http"
    c = find("W1", "curl", "proto=" proto); b = find("W1", "beast", "proto=" proto)
    for (ts = 1; ts >= 0; ts--) {
      h = find("W1", "hub", "proto=" proto " thread_safe=" ts)
      if (!h) continue
      rc = ratio(v(h, "cpu_us_per_call"), v(c, "cpu_us_per_call")); rb = ratio(v(h, "cpu_us_per_call"), v(b, "cpu_us_per_call"))
      printf "  %s, %s: CPU/call hub/curl = %s (target <= 0.6: %s); hub/beast = %s (target <= 1.3: %s); conns %s (target 32: %s)\n",
             proto, ts ? "thread_safe=true " : "thread_safe=false", rc, verdict(rc != "n/a" && rc <= 0.6), rb,
             verdict(rb != "n/a" && rb <= 1.3), v(h, "conns"), verdict(v(h, "conns") == 32)
    }
  }

  print ""
  print "W2 paging: one walk per process; peak RSS = ru_maxrss of that process"
  printf "  %-8s %6s %-18s %8s %8s %8s %10s %9s %6s\n", "tokens", "page", "mode", "secs", "CPU s", "tok/s", "peak MiB", "emu CPU", "conns"
  for (i = 1; i <= rows; i++) if (v(i, "workload") == "W2")
    printf "  %-8s %6s %-18s %8s %8s %8.0f %10.1f %9s %6s\n", v(i, "tokens"), v(i, "page_size"), mode(i), v(i, "secs"),
           v(i, "cpu_s"), v(i, "tokens") / v(i, "secs"), v(i, "peak_rss_kib") / 1024, v(i, "emu_cpu_share"), v(i, "conns")
  for (ps = 100; ps <= 1000; ps *= 10) {
    fn = find("W2", "hub", "page_size=" ps " concurrency=1 prefetch=0 tokens=" walk_tokens)
    c8 = find("W2", "hub", "page_size=" ps " concurrency=8 tokens=" walk_tokens)
    cu = find("W2", "curl", "page_size=" ps " tokens=" walk_tokens)
    if (!fn) continue
    r = ratio(v(fn, "secs"), v(cu, "secs")); s = ratio(v(fn, "secs"), v(c8, "secs"))
    printf "  page %s: follow-next time hub/curl = %s (target <= 1: %s); concurrency 8 speed-up = %sx (target >= 3: %s; emulator CPU share at c8 %s)\n",
           ps, r, verdict(r != "n/a" && r <= 1), s, verdict(s != "n/a" && s >= 3), v(c8, "emu_cpu_share")
  }
  for (c = 1; c <= 8; c += 7) {
    a = find("W2", "hub", "page_size=1000 concurrency=" c " tokens=" walk_tokens)
    b = find("W2", "hub", "page_size=1000 concurrency=" c " tokens=" big_tokens)
    if (!a || !b) continue
    r = ratio(v(b, "peak_rss_kib"), v(a, "peak_rss_kib"))
    printf "  peak RSS, %s vs %s tokens, page 1000, %s: %.1f vs %.1f MiB = %s (target <= 1.10: %s)\n", big_tokens,
           walk_tokens, mode(a), v(b, "peak_rss_kib") / 1024, v(a, "peak_rss_kib") / 1024, r, verdict(r != "n/a" && r <= 1.10)
  }

  print ""
  i = find("W3", "hub", "")
  if (i) {
    print "W3 scale: " v(i, "calls") " reads started at once, pool of 32"
    printf "  RSS before %.1f MiB, peak while in flight %.1f MiB (ru_maxrss %.1f MiB); %s s; conns %s\n",
           v(i, "rss_base_kib") / 1024, v(i, "rss_peak_kib") / 1024, v(i, "peak_rss_kib") / 1024, v(i, "secs"), v(i, "conns")
    printf "  per in-flight call: RSS %s B, live heap (malloc) %s B (target < 2048: %s)\n",
           v(i, "rss_per_call_b"), v(i, "heap_per_call_b"), verdict(v(i, "rss_per_call_b") < 2048)
  }

  print ""
  i = find("W5", "hub", "")
  if (i) {
    print "W5 token_verifier: " v(i, "burst") " verifies at once over " v(i, "distinct") " distinct tokens (half bogus), cold"
    printf "  Hub calls %s, requests sent %s (target = distinct tokens: %s); %s answers right; %s s\n",
           v(i, "hub_calls"), v(i, "requests_sent"), verdict(v(i, "hub_calls") == v(i, "distinct") && v(i, "requests_sent") == v(i, "distinct")),
           v(i, "answers_right"), v(i, "burst_secs")
    printf "  cached verify: %s us CPU per call (target <= 1: %s), %s allocations; a Hub read: %s us (cached/read %s)\n",
           v(i, "cached_cpu_us_per_call"), verdict(v(i, "cached_cpu_us_per_call") <= 1), v(i, "cached_allocs_per_call"),
           v(i, "read_cpu_us_per_call"), v(i, "cached_over_read")
  }

  print ""
  print "W4 cold start and reconnects (one call at a time; median wall time; CPU per call)"
  printf "  %-6s %-11s %-11s %6s %10s %12s %8s\n", "client", "kind", "resumption", "calls", "median ms", "CPU us/call", "resumed"
  for (i = 1; i <= rows; i++) if (v(i, "workload") == "W4")
    printf "  %-6s %-11s %-11s %6s %10s %12s %8s\n", v(i, "impl"), v(i, "kind"), v(i, "resumption"), v(i, "calls"),
           v(i, "median_ms"), v(i, "cpu_us_per_call"), v(i, "resumed") == "" ? "-" : v(i, "resumed")

  header = 0
  for (i = 1; i <= rows; i++) if (v(i, "workload") == "profile") {
    if (!header) { print ""; print "Profile (valgrind, client process only): per read call"; header = 1 }
    printf "  %-24s %12s instructions per read call\n", w1_label(i), v(i, "ir_per_call")
  }
}
