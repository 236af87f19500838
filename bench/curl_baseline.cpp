// curl_baseline: the same workloads through libcurl, the peer a C++ user would otherwise pick.
// HTTP/1.1, keep-alive, CURLOPT_CAINFO; answers parsed as the library parses them
// (token_json.hpp). One thread, like our client.
//
//   curl_baseline read --url U --ca F --tokens FILE --calls N --inflight 32 [--emulator-pid P]
//       multi interface: `inflight` easy handles, re-added after each transfer (connection reuse)
//   curl_baseline walk --url U --ca F --tokens FILE --page-size P     (follows `next`)
//   curl_baseline cold --url U --ca F --tokens FILE --calls N         (a new easy handle per call)
#include "common.hpp"
#include "token_json.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>

namespace {

std::int64_t sink = 0;

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

void check(CURLcode c, const char* what) {
    if (c != CURLE_OK) throw std::runtime_error(std::string(what) + ": " + curl_easy_strerror(c));
}

struct headers {
    curl_slist* list = nullptr;
    explicit headers(const std::string& authorization = {}) {
        list = curl_slist_append(list, "Accept: application/json");
        if (!authorization.empty()) list = curl_slist_append(list, ("Authorization: " + authorization).c_str());
    }
    ~headers() { curl_slist_free_all(list); }
};

/// An easy handle set up as our client sets up its requests.
struct transfer {
    CURL* easy = curl_easy_init();
    std::string body;
    std::string url;

    transfer(const std::string& ca, const headers& h) {
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h.list);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "curl-baseline");
        curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
        if (!ca.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
    }
    ~transfer() { curl_easy_cleanup(easy); }
    transfer(const transfer&) = delete;
    transfer& operator=(const transfer&) = delete;

    void prepare(std::string u) {
        url = std::move(u);
        body.clear();
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    }
    long status() const {
        long code = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
        return code;
    }
    long new_connections() const {
        long n = 0;
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &n);
        return n;
    }
};

// W1: `calls` reads, `inflight` at once, through one multi handle.
int cmd_read(const bench::flags& f) {
    auto base = f.need("url");
    auto ca = f.str("ca");
    auto tokens = bench::read_lines(f.need("tokens"), 100'000);
    auto calls = static_cast<std::size_t>(f.num("calls", 20'000));
    auto inflight = static_cast<std::size_t>(f.num("inflight", 32));
    headers h;
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(inflight));
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(inflight));
    std::vector<std::unique_ptr<transfer>> handles;
    for (std::size_t i = 0; i < inflight; ++i) handles.push_back(std::make_unique<transfer>(ca, h));

    long conns = 0;
    // Runs `n` reads; returns when all are done.
    auto run = [&](std::size_t n) {
        std::size_t next = 0, done = 0;
        auto start = [&](transfer& t) {
            t.prepare(base + "/tokens/" + tokens[next++ % tokens.size()] + "/");
            curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
            curl_multi_add_handle(multi, t.easy);
        };
        for (std::size_t i = 0; i < inflight && next < n; ++i) start(*handles[i]);
        int running = 0;
        while (done < n) {
            curl_multi_perform(multi, &running);
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
                if (msg->msg != CURLMSG_DONE) continue;
                transfer* t = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
                check(msg->data.result, "read");
                if (t->status() != 200) throw std::runtime_error("read: status " + std::to_string(t->status()));
                sink += bench::parse_token(t->body).user;
                conns += t->new_connections();
                curl_multi_remove_handle(multi, t->easy);
                ++done;
                if (next < n) start(*t);
            }
            if (done < n) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
    };
    run(inflight * 4);  // warm-up: opens the connections
    bench::measure m(f.num("emulator-pid", 0));
    m.start();
    run(calls);
    m.stop();
    handles.clear();
    curl_multi_cleanup(multi);

    bench::result r("W1");
    r.add("impl", "curl").add("proto", base.rfind("https", 0) == 0 ? "https" : "http");
    bench::add_cpu(r, m, calls);
    r.add("conns", conns);
    r.print();
    return 0;
}

// W2: follow `next` from the first page to the last, one request at a time.
int cmd_walk(const bench::flags& f) {
    auto base = f.need("url");
    auto key = bench::read_lines(f.need("tokens"), 1).front();
    auto page_size = f.num("page-size", 100);
    headers h("Token " + key);
    transfer t(f.str("ca"), h);
    bench::measure m(f.num("emulator-pid", 0));
    long rss_before = bench::rss_kib();
    std::uint64_t n = 0;
    long conns = 0;
    m.start();
    std::optional<std::string> url = base + "/tokens/?limit=" + std::to_string(page_size);
    while (url) {
        t.prepare(*url);
        check(curl_easy_perform(t.easy), "list");
        if (t.status() != 200) throw std::runtime_error("list: status " + std::to_string(t.status()));
        conns += t.new_connections();
        auto page = bench::parse_page(t.body);
        for (const auto& token : page.results) {
            ++n;
            sink += token.user;
        }
        url = std::move(page.next);
    }
    m.stop();
    bench::result r("W2");
    r.add("impl", "curl").add("page_size", page_size).add("concurrency", 1).add("prefetch", 0).add("tokens", n);
    r.add("secs", m.secs).add("cpu_s", m.cpu).add("emu_cpu_share", m.secs > 0 ? m.emulator_cpu / m.secs : 0.0, 2);
    r.add("rss_before_kib", rss_before).add("peak_rss_kib", bench::peak_rss_kib()).add("conns", conns);
    r.print();
    return 0;
}

// W4: a new easy handle per call: connect, full TLS handshake, one read.
int cmd_cold(const bench::flags& f) {
    auto base = f.need("url");
    auto ca = f.str("ca");
    auto tokens = bench::read_lines(f.need("tokens"), 1000);
    auto calls = static_cast<std::size_t>(f.num("calls", 200));
    headers h;
    std::vector<double> ms;
    bench::measure m(f.num("emulator-pid", 0));
    m.start();
    for (std::size_t i = 0; i < calls; ++i) {
        auto t0 = bench::clock::now();
        transfer t(ca, h);
        t.prepare(base + "/tokens/" + tokens[i % tokens.size()] + "/");
        check(curl_easy_perform(t.easy), "read");
        sink += bench::parse_token(t.body).user;
        ms.push_back(bench::seconds_since(t0) * 1e3);
    }
    m.stop();
    bench::result r("W4");
    r.add("impl", "curl").add("kind", "new_client").add("resumption", "no");
    r.add("calls", static_cast<std::uint64_t>(calls)).add("median_ms", bench::median(ms));
    r.add("cpu_us_per_call", m.cpu * 1e6 / static_cast<double>(calls), 1);
    r.print();
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) throw std::runtime_error("usage: curl_baseline read|walk|cold --flags...");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::string cmd = argv[1];
    bench::flags f(argc, argv, 2);
    int status = cmd == "read"   ? cmd_read(f)
                 : cmd == "walk" ? cmd_walk(f)
                 : cmd == "cold" ? cmd_cold(f)
                                 : throw std::runtime_error("unknown subcommand " + cmd);
    curl_global_cleanup();
    return status;
} catch (const std::exception& e) {
    std::cerr << "curl_baseline: " << e.what() << "\n";
    return 1;
}
