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

std::vector<hub::user> read_users(const std::string& path) {
    std::vector<hub::user> users;
    auto v = boost::json::parse(read_file(path));
    for (const auto& item : v.as_array()) {
        const auto& o = item.as_object();
        auto str = [&](const char* key) {
            auto it = o.find(key);
            return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
        };
        hub::user u{.username = str("username"), .password = str("password"), .email = str("email"),
                    .first_name = str("firstName"), .last_name = str("lastName")};
        if (auto it = o.find("active"); it != o.end() && it->value().is_bool()) u.active = it->value().get_bool();
        users.push_back(std::move(u));
    }
    return users;
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
        ("users", po::value<std::string>(), "JSON file: [{username,password,email,firstName,lastName}]")
        ("seed-tokens", po::value<std::vector<std::string>>()->composing(), "USER:N tokens to create at start (repeatable)")
        ("tokens-out", po::value<std::string>(), "write the seeded tokens to this file, one per line")
        ("threads", po::value<unsigned>()->default_value(1), "I/O threads")
        ("faults", "enable fault injection")
        ("fault", po::value<std::vector<std::string>>()->composing(),
         "fault spec, e.g. kind=status,status=503,path=/api/tokens/,times=2,retry-after=1 (repeatable)")
        ("idle-timeout", po::value<long>()->default_value(0), "close idle keep-alive connections after MS; 0 = never")
        ("max-requests", po::value<unsigned>()->default_value(0), "requests per connection, then Connection: close")
        ("no-gzip", "never gzip responses")
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
    opt.idle_timeout = std::chrono::milliseconds(vm["idle-timeout"].as<long>());
    opt.max_requests_per_connection = vm["max-requests"].as<unsigned>();
    if (vm.count("openid-audience")) opt.openid_test_audiences = vm["openid-audience"].as<std::vector<std::string>>();
    if (vm.count("log")) opt.request_log = [](std::string_view line) { std::clog << line << std::endl; };

    std::vector<hub::user> users;
    if (vm.count("users")) users = read_users(vm["users"].as<std::string>());
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
    if (vm.count("seed-tokens"))
        for (const auto& s : vm["seed-tokens"].as<std::vector<std::string>>()) {
            auto [name, count] = split_pair(s, "USER:N");
            for (auto& t : server.seed_tokens(name, std::stoull(count))) (tokens += t) += '\n';
        }
    if (vm.count("tokens-out")) write_file(vm["tokens-out"].as<std::string>(), tokens);
    if (vm.count("ca-out")) write_file(vm["ca-out"].as<std::string>(), server.ca_pem());

    std::cout << server.base_url() << std::endl;  // first line, flushed

    boost::asio::io_context signals_context;
    boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { server.stop(); });
    signals_context.run();
    return 0;
} catch (const std::exception& e) {
    std::cerr << "hub-emulator: " << e.what() << "\n";
    return 1;
}
