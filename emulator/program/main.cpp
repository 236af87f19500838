// hub-emulator: runs the Stencila Hub emulator until SIGINT or SIGTERM.
//
// With --port 0 the first line on stdout is the base URL (e.g. https://127.0.0.1:41234/api).
#include "stencila/hub/emulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace po = boost::program_options;
namespace hub = stencila::hub::emulator;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text)) throw std::runtime_error("cannot write " + path);
}

std::pair<std::string, std::string> split_pair(const std::string& s, const char* what) {
    auto colon = s.find(':');
    if (colon == std::string::npos) throw std::runtime_error(std::string("expected ") + what + ", got " + s);
    return {s.substr(0, colon), s.substr(colon + 1)};
}

/// A token from the users file, stored with exactly the times given.
struct token_seed {
    std::string username;
    std::optional<hub::time_point> created{};  ///< absent: the emulator's clock at start
    bool expiry_given = false;               ///< absent: created + 7 days, as knox sets it
    std::optional<hub::time_point> expiry{};   ///< given as null: never expires
};

struct users_file {
    std::vector<hub::user> users;
    std::vector<token_seed> tokens;
};

/// [{"username","password","email","firstName","lastName","active",
///   "tokens":[{"created":"2026-12-01T08:32:13Z","expiry":"2026-12-08T08:32:13Z" or null}]}]
users_file read_users(const std::string& path) {
    users_file out;
    boost::system::error_code ec;
    auto v = boost::json::parse(read_file(path), ec);
    if (ec) throw std::runtime_error("--users " + path + ": not JSON: " + ec.message());
    if (!v.is_array()) throw std::runtime_error("--users " + path + ": expected a JSON array of users");
    std::size_t index = 0;
    for (const auto& item : v.as_array()) {
        ++index;
        std::string where = "--users " + path + ": user " + std::to_string(index);
        if (!item.is_object()) throw std::runtime_error(where + ": expected an object");
        const auto& o = item.as_object();
        auto str = [&](const char* key) {
            auto it = o.find(key);
            return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
        };
        hub::user u{.username = str("username"), .password = str("password"), .email = str("email"),
                    .first_name = str("firstName"), .last_name = str("lastName")};
        if (auto it = o.find("active"); it != o.end() && it->value().is_bool()) u.active = it->value().get_bool();
        if (auto it = o.find("tokens"); it != o.end()) {
            if (!it->value().is_array()) throw std::runtime_error(where + ": \"tokens\" must be an array");
            std::size_t t = 0;
            for (const auto& tok : it->value().as_array()) {
                std::string at = where + ": tokens[" + std::to_string(t++) + "]";
                if (!tok.is_object()) throw std::runtime_error(at + ": expected an object");
                token_seed seed{.username = u.username};
                auto time_of = [&](const char* key) -> std::optional<hub::time_point> {
                    const auto& value = tok.as_object().at(key);
                    if (value.is_null()) return std::nullopt;
                    if (!value.is_string()) throw std::runtime_error(at + "." + key + ": expected a date-time string");
                    try {
                        return hub::parse_time(value.get_string());
                    } catch (const std::invalid_argument& e) {
                        throw std::runtime_error(at + "." + key + ": " + e.what());
                    }
                };
                if (tok.as_object().contains("created")) {
                    seed.created = time_of("created");
                    if (!seed.created) throw std::runtime_error(at + ".created: may not be null");
                }
                if (tok.as_object().contains("expiry")) {
                    seed.expiry_given = true;
                    seed.expiry = time_of("expiry");
                }
                out.tokens.push_back(std::move(seed));
            }
        }
        out.users.push_back(std::move(u));
    }
    return out;
}

/// kind=status,status=503,path=/api/tokens/,method=GET,skip=0,times=2,retry-after=1,html=1,delay-ms=100,bytes=N
hub::fault parse_fault(const std::string& spec) {
    hub::fault f;
    std::istringstream in(spec);
    std::string item;
    while (std::getline(in, item, ',')) {
        auto eq = item.find('=');
        if (eq == std::string::npos) throw std::runtime_error("bad --fault item: " + item);
        std::string k = item.substr(0, eq), v = item.substr(eq + 1);
        if (k == "kind") {
            static const std::pair<const char*, hub::fault::kind> kinds[] = {
                {"latency", hub::fault::kind::latency}, {"close_after_response", hub::fault::kind::close_after_response},
                {"reset_mid_body", hub::fault::kind::reset_mid_body}, {"stall", hub::fault::kind::stall},
                {"status", hub::fault::kind::status}, {"truncated_body", hub::fault::kind::truncated_body},
                {"malformed_json", hub::fault::kind::malformed_json}, {"oversized_body", hub::fault::kind::oversized_body},
                {"close_before_response", hub::fault::kind::close_before_response}};
            bool found = false;
            for (auto& [name, kind] : kinds) {
                std::string dashed = name;
                for (auto& c : dashed) if (c == '_') c = '-';
                if (v == name || v == dashed) { f.what = kind; found = true; }
            }
            if (!found) throw std::runtime_error("unknown fault kind: " + v);
        } else if (k == "status") f.status = static_cast<unsigned>(std::stoul(v));
        else if (k == "path") f.path_prefix = v;
        else if (k == "method") f.method = v;
        else if (k == "skip") f.skip = static_cast<unsigned>(std::stoul(v));
        else if (k == "times") f.times = static_cast<unsigned>(std::stoul(v));
        else if (k == "retry-after") f.retry_after = v;
        else if (k == "html") f.html = v == "1" || v == "true";
        else if (k == "delay-ms" || k == "delay") f.delay = std::chrono::milliseconds(std::stol(v));
        else if (k == "bytes") f.oversized_bytes = std::stoull(v);
        else throw std::runtime_error("unknown --fault key: " + k);
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) try {
    po::options_description desc("hub-emulator: a local Stencila Hub (token endpoints) for tests and benchmarks");
    desc.add_options()
        ("help,h", "show this help")
        ("listen", po::value<std::string>()->default_value("127.0.0.1"), "address to bind")
        ("port", po::value<unsigned>()->default_value(0), "port; 0 = ephemeral (the base URL is printed first)")
        ("http", "serve plain HTTP")
        ("https", "serve HTTPS (the default)")
        ("cert", po::value<std::string>(), "server certificate chain (PEM file)")
        ("key", po::value<std::string>(), "its private key (PEM file)")
        ("ca-out", po::value<std::string>(), "write the generated CA certificate (PEM) to this file")
        ("user", po::value<std::vector<std::string>>()->composing(), "NAME:PASSWORD (repeatable)")
        ("users", po::value<std::string>(), "JSON file: [{username,password,email,firstName,lastName,active,tokens:[{created,expiry}]}]")
        ("seed-tokens", po::value<std::vector<std::string>>()->composing(), "USER:N tokens to create at start (repeatable)")
        ("tokens-out", po::value<std::string>(), "write the seeded tokens to this file, one per line (--users tokens first)")
        ("threads", po::value<unsigned>()->default_value(1), "I/O threads")
        ("faults", "enable fault injection")
        ("fault", po::value<std::vector<std::string>>()->composing(),
         "fault spec, e.g. kind=status,status=503,path=/api/tokens/,times=2,retry-after=1 (repeatable)")
        ("idle-timeout", po::value<long>()->default_value(0), "close idle keep-alive connections after MS; 0 = never")
        ("max-requests", po::value<unsigned>()->default_value(0), "requests per connection, then Connection: close")
        ("no-gzip", "never gzip responses")
        ("no-hub-headers", "leave out the Hub's Django headers (X-Frame-Options, Vary, ..., Set-Cookie)")
        ("throttle", po::value<std::string>(), "DRF throttling: hub (the Hub's rates, anon=100/hour,user=5000/hour) or e.g. anon=3/minute (off by default)")
        ("listing-order", po::value<std::string>()->default_value("stable"),
         "stable (ascending created) or updated-last (PostgreSQL's physical order: a token whose expiry is pushed moves to the end)")
        ("stats-endpoint", "serve the counters as JSON at GET /_emulator/stats")
        ("stats-out", po::value<std::string>(), "on SIGINT/SIGTERM, write the counters as JSON to this file (- = stdout)")
        ("require-client-cert", "mTLS: require a client certificate signed by the CA")
        ("client-ca", po::value<std::string>(), "CA (PEM file) for client certificates; default: the generated CA")
        ("openid-audience", po::value<std::vector<std::string>>()->composing(), "JWT audience accepted without Google (repeatable)")
        ("log", "log one line per request on stderr (token values redacted)");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (vm.count("http") && vm.count("https")) throw std::runtime_error("--http and --https exclude each other");

    hub::server_options opt;
    opt.listen = vm["listen"].as<std::string>();
    unsigned port = vm["port"].as<unsigned>();
    if (port > 65535) throw std::runtime_error("--port out of range");
    opt.port = static_cast<std::uint16_t>(port);
    opt.https = !vm.count("http");
    if (vm.count("cert") != vm.count("key")) throw std::runtime_error("--cert and --key go together");
    if (vm.count("cert")) {
        opt.cert_pem = read_file(vm["cert"].as<std::string>());
        opt.key_pem = read_file(vm["key"].as<std::string>());
    }
    if (vm.count("client-ca")) opt.client_ca_pem = read_file(vm["client-ca"].as<std::string>());
    opt.require_client_certificate = vm.count("require-client-cert") > 0;
    opt.threads = vm["threads"].as<unsigned>();
    opt.faults = vm.count("faults") > 0 || vm.count("fault") > 0;
    opt.gzip = !vm.count("no-gzip");
    opt.hub_headers = !vm.count("no-hub-headers");
    if (vm.count("throttle")) opt.throttle = hub::parse_throttle(vm["throttle"].as<std::string>());
    opt.stats_endpoint = vm.count("stats-endpoint") > 0;
    if (auto order = vm["listing-order"].as<std::string>(); order == "updated-last") opt.listing = hub::listing_order::updated_last;
    else if (order != "stable") throw std::runtime_error("--listing-order: expected stable or updated-last, got " + order);
    opt.idle_timeout = std::chrono::milliseconds(vm["idle-timeout"].as<long>());
    opt.max_requests_per_connection = vm["max-requests"].as<unsigned>();
    if (vm.count("openid-audience")) opt.openid_test_audiences = vm["openid-audience"].as<std::vector<std::string>>();
    if (vm.count("log")) opt.request_log = [](std::string_view line) { std::clog << line << std::endl; };

    users_file file;
    if (vm.count("users")) file = read_users(vm["users"].as<std::string>());
    auto& users = file.users;
    if (vm.count("user"))
        for (const auto& s : vm["user"].as<std::vector<std::string>>()) {
            auto [name, password] = split_pair(s, "NAME:PASSWORD");
            users.push_back(hub::user{.username = name, .password = password, .email = {}, .first_name = {}, .last_name = {}});
        }
    std::vector<hub::fault> faults;
    if (vm.count("fault"))
        for (const auto& s : vm["fault"].as<std::vector<std::string>>()) faults.push_back(parse_fault(s));

    hub::server server(opt);
    for (auto& u : users) server.add_user(u);
    for (auto& f : faults) server.inject(f);
    std::string tokens;
    for (const auto& seed : file.tokens) {
        auto created = seed.created ? *seed.created : server.now();
        auto expiry = seed.expiry_given ? seed.expiry : std::optional(created + std::chrono::hours(24 * 7));
        (tokens += server.seed_token(seed.username, created, expiry)) += '\n';
    }
    if (vm.count("seed-tokens"))
        for (const auto& s : vm["seed-tokens"].as<std::vector<std::string>>()) {
            auto [name, count] = split_pair(s, "USER:N");
            for (auto& t : server.seed_tokens(name, std::stoull(count))) (tokens += t) += '\n';
        }
    if (vm.count("tokens-out")) write_file(vm["tokens-out"].as<std::string>(), tokens);
    if (vm.count("ca-out")) write_file(vm["ca-out"].as<std::string>(), server.ca_pem());

    // SIGINT and SIGTERM are caught from before the URL is printed: whoever reads it may stop the
    // server at once, and a signal that came between the two would kill the process (found with
    // a CPU hog beside the tests: exit by signal instead of 0). One that comes before `run` waits.
    boost::asio::io_context signals_context;
    boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { server.stop(); });

    std::cout << server.base_url() << std::endl;  // first line, flushed
    signals_context.run();
    if (vm.count("stats-out")) {
        std::string json = hub::to_json(server.stats()) + "\n";
        if (vm["stats-out"].as<std::string>() == "-") std::cout << json << std::flush;
        else write_file(vm["stats-out"].as<std::string>(), json);
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "hub-emulator: " << e.what() << "\n";
    return 1;
}
