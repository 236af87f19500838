#include "store.hpp"
#include "text.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace stencila::hub::emulator::detail {

struct store::record {
    std::uint64_t key = 0;
    std::array<unsigned char, 8> salt{};
    std::array<unsigned char, 64> digest{};
    int user = 0;
    micros created = 0;
    micros expiry = 0;  // the stored value (lags the returned one by up to 60 s)
};

struct store::user_record {
    int id = 0;
    user info;
    std::vector<record*> tokens;  // creation order
    micros min_expiry = 0;        // lower bound of the stored expiries, to skip needless cleanups
};

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

const EVP_MD* sha512() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
    return md;
}

/// sha512(token bytes + salt bytes), with one reused context per thread.
bool digest_of(std::string_view token_bytes, const std::array<unsigned char, 8>& salt,
               std::array<unsigned char, 64>& out) {
    struct ctx_holder {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        ~ctx_holder() { EVP_MD_CTX_free(ctx); }
    };
    thread_local ctx_holder h;
    unsigned int len = 0;
    return EVP_DigestInit_ex2(h.ctx, sha512(), nullptr) == 1 &&
           EVP_DigestUpdate(h.ctx, token_bytes.data(), token_bytes.size()) == 1 &&
           EVP_DigestUpdate(h.ctx, salt.data(), salt.size()) == 1 &&
           EVP_DigestFinal_ex(h.ctx, out.data(), &len) == 1 && len == 64;
}

void random_bytes(unsigned char* p, std::size_t n) {
    if (RAND_bytes(p, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

/// Django's slugify, for ASCII: lower case, keep [a-z0-9_-], spaces become hyphens.
std::string slugify(std::string_view s) {
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '_' || c == '-') out.push_back(static_cast<char>(std::tolower(u)));
        else if (c == ' ' && !out.empty() && out.back() != '-') out.push_back('-');
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '_')) out.pop_back();
    return out;
}

}  // namespace

std::uint64_t pack_key(std::string_view s) {
    std::uint64_t k = 0;
    std::memcpy(&k, s.data(), std::min<std::size_t>(8, s.size()));
    return k;
}

bool unhexlify(std::string_view hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    out.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return true;
}

store::store(bool manual_clock, bool updated_last) : updated_last_(updated_last) {
    using namespace std::chrono;
    if (manual_clock) frozen_at_ = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}
store::~store() = default;

micros store::clock() const {
    using namespace std::chrono;
    micros base = frozen_at_ != 0 ? frozen_at_ : duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    return base + offset_.load();
}

micros store::now_locked() const {
    micros t = clock();
    if (t <= last_) t = last_ + 1;
    last_ = t;
    return t;
}

micros store::now() const {
    std::lock_guard lock(mutex_);
    return now_locked();
}

void store::advance_clock(micros by) {
    std::lock_guard lock(mutex_);
    offset_ += by;
}

std::size_t store::token_count() const {
    std::lock_guard lock(mutex_);
    return count_;
}

int store::add_user(user u) {
    std::lock_guard lock(mutex_);
    auto r = std::make_unique<user_record>();
    r->id = static_cast<int>(users_.size()) + 1;
    r->info = std::move(u);
    users_.push_back(std::move(r));
    return users_.back()->id;
}

std::optional<int> store::check_password(std::string_view name, std::string_view password) const {
    std::lock_guard lock(mutex_);
    for (const auto& u : users_) {
        bool match = u->info.username == name || (!u->info.email.empty() && iequals(u->info.email, name));
        if (match) {
            if (CRYPTO_memcmp(u->info.password.data(), password.data(), std::min(password.size(), u->info.password.size())) == 0 &&
                u->info.password.size() == password.size())
                return u->id;
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<int> store::find_user_by_email(std::string_view email) const {
    std::lock_guard lock(mutex_);
    for (const auto& u : users_)
        if (!u->info.email.empty() && iequals(u->info.email, email)) return u->id;
    return std::nullopt;
}

std::optional<int> store::find_user_by_username(std::string_view username) const {
    std::lock_guard lock(mutex_);
    for (const auto& u : users_)
        if (u->info.username == username) return u->id;
    return std::nullopt;
}

int store::add_openid_user(std::string_view email, std::string_view given, std::string_view family) {
    auto taken = [&](const std::string& name) { return name.empty() || find_user_by_username(name).has_value(); };
    std::string local(email.substr(0, email.find('@')));
    std::vector<std::string> candidates{slugify(local), slugify(given),
                                        slugify(std::string(given) + "-" + std::string(family)), slugify(email)};
    std::string chosen;
    for (auto& c : candidates)
        if (!taken(c)) { chosen = c; break; }
    if (chosen.empty()) {
        std::string base = candidates[0].empty() ? std::string("user") : candidates[0];
        for (int n = 2; chosen.empty(); ++n)
            if (!taken(base + "-" + std::to_string(n))) chosen = base + "-" + std::to_string(n);
    }
    return add_user(user{.username = chosen, .password = "", .email = std::string(email),
                         .first_name = std::string(given), .last_name = std::string(family)});
}

store::record* store::insert_token_locked(int user_id, micros created, micros expiry, std::string& secret) {
    if (user_id < 1 || static_cast<std::size_t>(user_id) > users_.size()) throw std::invalid_argument("unknown user");
    unsigned char raw[32];
    random_bytes(raw, sizeof raw);
    secret.resize(64);
    for (int i = 0; i < 32; ++i) {
        secret[2 * i] = hex_digits[raw[i] >> 4];
        secret[2 * i + 1] = hex_digits[raw[i] & 0xf];
    }
    auto r = std::make_unique<record>();
    r->key = pack_key(secret);
    random_bytes(r->salt.data(), r->salt.size());
    if (!digest_of(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw), r->salt, r->digest))
        throw std::runtime_error("SHA-512 failed");
    OPENSSL_cleanse(raw, sizeof raw);
    r->user = user_id;
    r->created = created;
    r->expiry = expiry;
    auto& u = *users_[static_cast<std::size_t>(user_id - 1)];
    if (u.tokens.empty() || r->expiry < u.min_expiry) u.min_expiry = r->expiry;
    // Keep the list in ascending `created`, then insertion, order; a new token usually goes last.
    auto at = u.tokens.end();
    while (at != u.tokens.begin() && (*std::prev(at))->created > created) --at;
    u.tokens.insert(at, r.get());
    record* p = r.get();
    by_key_.emplace(r->key, std::move(r));
    ++count_;
    return p;
}

created_token store::create_token(int user_id) {
    std::lock_guard lock(mutex_);
    created_token c;
    micros expiry = now_locked() + token_ttl;  // knox computes the expiry before `created`
    record* r = insert_token_locked(user_id, now_locked(), expiry, c.secret);
    // The Hub's view reloads the row with get_object(), which refreshes it in memory.
    micros refreshed = now_locked() + token_ttl;
    refresh_locked(r, refreshed);
    c.view = token_view{r->user, {}, r->created, refreshed};
    std::memcpy(c.view.id.data(), &r->key, 8);
    const auto& u = users_[static_cast<std::size_t>(user_id - 1)]->info;
    c.username = u.username;
    c.first_name = u.first_name;
    c.last_name = u.last_name;
    return c;
}

int store::user_id_of(std::string_view username, const char* caller) const {
    auto id = find_user_by_username(username);
    if (!id) throw std::invalid_argument(std::string(caller) + ": unknown user " + std::string(username));
    return *id;
}

std::vector<std::string> store::seed_tokens(std::string_view username, std::size_t n) {
    int id = user_id_of(username, "seed_tokens");
    std::vector<std::string> out(n);
    std::lock_guard lock(mutex_);
    by_key_.reserve(by_key_.size() + n);
    auto& toks = users_[static_cast<std::size_t>(id - 1)]->tokens;
    toks.reserve(toks.size() + n);
    for (auto& s : out) {
        micros expiry = now_locked() + token_ttl;
        insert_token_locked(id, now_locked(), expiry, s);
    }
    return out;
}

std::string store::seed_token(std::string_view username, micros created, micros expiry) {
    int id = user_id_of(username, "seed_token");
    std::lock_guard lock(mutex_);
    std::string secret;
    insert_token_locked(id, created, expiry, secret);
    return secret;
}

void store::erase_locked(record* r) {
    auto& toks = users_[static_cast<std::size_t>(r->user - 1)]->tokens;
    auto it = std::find(toks.rbegin(), toks.rend(), r);
    if (it != toks.rend()) toks.erase(std::next(it).base());
    auto [b, e] = by_key_.equal_range(r->key);
    for (auto i = b; i != e; ++i)
        if (i->second.get() == r) { by_key_.erase(i); --count_; return; }
}

void store::refresh_locked(record* r, micros refreshed) {
    if (refreshed - r->expiry <= min_refresh_interval) return;
    r->expiry = refreshed;
    if (!updated_last_) return;
    auto& toks = users_[static_cast<std::size_t>(r->user - 1)]->tokens;
    auto it = std::find(toks.begin(), toks.end(), r);
    if (it != toks.end()) std::rotate(it, std::next(it), toks.end());  // the new row version goes last
}

void store::cleanup_expired_locked(user_record& u, const record* keep, micros now, std::vector<record*>& gone) {
    if (u.min_expiry >= now) return;
    std::vector<record*> expired;
    micros min_left = INT64_MAX;
    for (record* t : u.tokens) {
        if (t != keep && t->expiry < now) expired.push_back(t);
        else min_left = std::min(min_left, t->expiry);
    }
    for (record* t : expired) erase_locked(t);
    gone.insert(gone.end(), expired.begin(), expired.end());
    u.min_expiry = min_left;
}

auth_result store::authenticate(std::string_view secret) {
    std::lock_guard lock(mutex_);
    if (secret.size() < 8) return {};
    auto key = pack_key(secret);
    std::string bytes;
    bool hex_ok = unhexlify(secret, bytes);
    // Copy the candidates first: the cleanup below may erase some of them.
    std::vector<record*> candidates;
    auto [b, e] = by_key_.equal_range(key);
    for (auto i = b; i != e; ++i) candidates.push_back(i->second.get());
    std::vector<record*> gone;
    for (record* r : candidates) {
        if (std::find(gone.begin(), gone.end(), r) != gone.end()) continue;
        micros now = now_locked();
        auto& u = *users_[static_cast<std::size_t>(r->user - 1)];
        // knox _cleanup_token: the user's other expired tokens go, then this one if expired.
        cleanup_expired_locked(u, r, now, gone);
        if (r->expiry < now) {
            gone.push_back(r);
            erase_locked(r);
            continue;
        }
        if (!hex_ok) return {};
        std::array<unsigned char, 64> d;
        if (!digest_of(bytes, r->salt, d)) return {};
        if (CRYPTO_memcmp(d.data(), r->digest.data(), d.size()) == 0) {
            micros refreshed = now_locked() + token_ttl;
            if (r->expiry != no_expiry) refresh_locked(r, refreshed);
            if (!u.info.active) return {auth_status::inactive_user, u.id};
            return {auth_status::ok, u.id};
        }
    }
    return {};
}

bool store::retrieve(std::string_view secret, bool remove, token_view& out) {
    std::lock_guard lock(mutex_);
    if (secret.size() < 8) return false;
    auto [b, e] = by_key_.equal_range(pack_key(secret));
    if (b == e) return false;
    std::string bytes;
    if (!unhexlify(secret, bytes)) return false;
    micros now = now_locked();
    for (auto i = b; i != e; ++i) {
        record* r = i->second.get();
        if (r->expiry == no_expiry || r->expiry <= now) continue;  // filter(expiry__gt=now): NULL never matches
        std::array<unsigned char, 64> d;
        if (!digest_of(bytes, r->salt, d)) return false;
        if (CRYPTO_memcmp(d.data(), r->digest.data(), d.size()) != 0) continue;
        micros refreshed = now_locked() + token_ttl;
        refresh_locked(r, refreshed);
        out.user = r->user;
        std::memcpy(out.id.data(), &r->key, 8);
        out.created = r->created;
        out.expiry = refreshed;
        if (remove) erase_locked(r);
        return true;
    }
    return false;
}

std::size_t store::list(int user_id, std::size_t offset, std::size_t limit, std::vector<token_view>& out) const {
    std::lock_guard lock(mutex_);
    out.clear();
    if (user_id < 1 || static_cast<std::size_t>(user_id) > users_.size()) return 0;
    const auto& toks = users_[static_cast<std::size_t>(user_id - 1)]->tokens;
    if (offset < toks.size()) {
        std::size_t end = offset + std::min(limit, toks.size() - offset);
        out.reserve(end - offset);
        for (std::size_t i = offset; i < end; ++i) {
            const record* r = toks[i];
            token_view v{r->user, {}, r->created, r->expiry};
            std::memcpy(v.id.data(), &r->key, 8);
            out.push_back(v);
        }
    }
    return toks.size();
}

bool store::stores_secret_in_clear(std::string_view secret) const {
    std::string bytes;
    unhexlify(secret, bytes);
    std::lock_guard lock(mutex_);
    for (const auto& [k, r] : by_key_) {
        std::string_view rec(reinterpret_cast<const char*>(r.get()), sizeof(record));
        if (rec.find(secret) != std::string_view::npos) return true;
        if (!bytes.empty() && rec.find(bytes) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace stencila::hub::emulator::detail
