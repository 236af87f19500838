// HMAC-SHA256 here starts from SHA-256 states saved after the key's ipad and opad blocks, which
// OpenSSL 3.0 offers only through its low-level (deprecated) SHA256_* calls: EVP can copy a state
// only with an allocation, and signing every answer through EVP costs 2.5 times as much.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "session_cookie.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace stencila::hub::emulator::detail {

namespace {

constexpr char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr char shortuuid_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";  // 57, no look-alikes
constexpr std::string_view salt = "django.contrib.sessions.backends.signed_cookiessigner";

/// base64.urlsafe_b64encode(...).strip(b'='): writes 4n/3 rounded up characters at `out`.
char* base64url(const unsigned char* p, std::size_t n, char* out) {
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        *out++ = base64url_alphabet[v >> 18];
        *out++ = base64url_alphabet[(v >> 12) & 63];
        *out++ = base64url_alphabet[(v >> 6) & 63];
        *out++ = base64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        std::uint32_t v = p[i] << 16;
        *out++ = base64url_alphabet[v >> 18];
        *out++ = base64url_alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
        *out++ = base64url_alphabet[v >> 18];
        *out++ = base64url_alphabet[(v >> 12) & 63];
        *out++ = base64url_alphabet[(v >> 6) & 63];
    }
    return out;
}

void append_base64url(std::string& out, const unsigned char* p, std::size_t n) {
    std::size_t at = out.size();
    out.resize(at + (n * 4 + 2) / 3);
    base64url(p, n, out.data() + at);
}

void append_base62(std::string& out, std::uint64_t v) {
    char buf[16];
    std::size_t n = 0;
    do {
        buf[n++] = base62[v % 62];
        v /= 62;
    } while (v);
    while (n) out.push_back(buf[--n]);
}

bool base62_decode(std::string_view s, std::int64_t& out) {
    if (s.empty() || s.size() > 10) return false;
    out = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : c >= 'a' && c <= 'z' ? c - 'a' + 36 : -1;
        if (d < 0) return false;
        out = out * 62 + d;
    }
    return true;
}

/// A fast per-thread generator for the anonymous id (xoshiro256**, seeded from the CSPRNG once):
/// the id is a cookie's content, not a credential.
std::uint64_t next_random() {
    struct state {
        std::uint64_t s[4];
        state() {
            if (RAND_bytes(reinterpret_cast<unsigned char*>(s), sizeof s) != 1) throw std::runtime_error("RAND_bytes failed");
            s[0] |= 1;
        }
    };
    thread_local state st;
    auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    auto* s = st.s;
    std::uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/// `http_date()`: "Sat, 27 Nov 2027 22:03:37 GMT", formatted once per second per thread.
std::string_view http_date(std::int64_t seconds) {
    thread_local std::int64_t last = -1;
    thread_local char buf[40];
    thread_local std::size_t len = 0;
    if (seconds != last) {
        auto t = static_cast<std::time_t>(seconds);
        std::tm tm{};
        gmtime_r(&t, &tm);
        len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        last = seconds;
    }
    return {buf, len};
}

}  // namespace

struct session_cookies::midstate {
    SHA256_CTX ctx;
};

session_cookies::session_cookies() : inner_(std::make_unique<midstate>()), outer_(std::make_unique<midstate>()) {
    // Django's salted_hmac: key = sha256(salt + SECRET_KEY), then HMAC-SHA256 with that key.
    unsigned char secret[50];
    if (RAND_bytes(secret, sizeof secret) != 1) throw std::runtime_error("RAND_bytes failed");
    std::string keying(salt);
    keying.append(reinterpret_cast<const char*>(secret), sizeof secret);
    OPENSSL_cleanse(secret, sizeof secret);
    unsigned char key[32];
    unsigned int key_len = 0;
    bool ok = EVP_Digest(keying.data(), keying.size(), key, &key_len, EVP_sha256(), nullptr) == 1 && key_len == 32;
    OPENSSL_cleanse(keying.data(), keying.size());
    unsigned char inner_pad[64], outer_pad[64];
    std::memset(inner_pad, 0x36, sizeof inner_pad);
    std::memset(outer_pad, 0x5c, sizeof outer_pad);
    for (std::size_t i = 0; i < sizeof key; ++i) {
        inner_pad[i] ^= key[i];
        outer_pad[i] ^= key[i];
    }
    ok = ok && SHA256_Init(&inner_->ctx) == 1 && SHA256_Update(&inner_->ctx, inner_pad, sizeof inner_pad) == 1 &&
         SHA256_Init(&outer_->ctx) == 1 && SHA256_Update(&outer_->ctx, outer_pad, sizeof outer_pad) == 1;
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(inner_pad, sizeof inner_pad);
    OPENSSL_cleanse(outer_pad, sizeof outer_pad);
    if (!ok) throw std::runtime_error("SHA-256 failed");
}

session_cookies::~session_cookies() {
    OPENSSL_cleanse(inner_.get(), sizeof *inner_);
    OPENSSL_cleanse(outer_.get(), sizeof *outer_);
}

void session_cookies::sign(std::string_view value, std::array<char, 43>& out) const {
    // HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)), from the saved states.
    unsigned char inner[32], md[32];
    SHA256_CTX ctx = inner_->ctx;
    bool ok = SHA256_Update(&ctx, value.data(), value.size()) == 1 && SHA256_Final(inner, &ctx) == 1;
    ctx = outer_->ctx;
    ok = ok && SHA256_Update(&ctx, inner, sizeof inner) == 1 && SHA256_Final(md, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
    base64url(md, sizeof md, out.data());  // 32 bytes: exactly 43 characters
}

void session_cookies::issue(micros now, std::string& out) const {
    char id[32];
    for (std::size_t i = 0; i < sizeof id; i += 2) {
        // Two uniform picks per 64-bit draw (multiply-shift: no division).
        std::uint64_t r = next_random();
        id[i] = shortuuid_alphabet[((r & 0xffffffffu) * 57) >> 32];
        id[i + 1] = shortuuid_alphabet[((r >> 32) * 57) >> 32];
    }
    char payload[128];
    std::size_t n = 0;
    auto put = [&](std::string_view s) {
        s.copy(payload + n, s.size());
        n += s.size();
    };
    put(R"({"user":{"anon":true,"id":")");
    put(std::string_view(id, sizeof id));
    put(R"(","time":)");
    // repr(time.time()): for a time of day to the microsecond this is the decimal itself, trailing
    // zeros dropped ("1795817017.48433", "1795817017.0").
    char digits[32];
    auto end = std::to_chars(digits, digits + sizeof digits, now / 1'000'000).ptr;
    *end++ = '.';
    long long us = now % 1'000'000;
    int places = 6;
    while (places > 1 && us % 10 == 0) { us /= 10; --places; }
    for (int k = places - 1; k >= 0; --k, us /= 10) end[k] = static_cast<char>('0' + us % 10);
    put(std::string_view(digits, static_cast<std::size_t>(end + places - digits)));
    put("}}");
    out += "sessionid=";
    std::size_t value_start = out.size();
    append_base64url(out, reinterpret_cast<const unsigned char*>(payload), n);
    std::int64_t seconds = now / 1'000'000;
    out.push_back(':');
    append_base62(out, static_cast<std::uint64_t>(seconds));
    std::array<char, 43> sig;
    sign(std::string_view(out).substr(value_start), sig);
    out.push_back(':');
    out.append(sig.data(), sig.size());
    out += "; expires=";
    out += http_date(seconds + session_cookie_age / 1'000'000);
    out += "; HttpOnly; Max-Age=31536000; Path=/; SameSite=None; Secure";
}

bool session_cookies::carries_session(std::string_view header, micros now) const {
    // django.http.parse_cookie: ';'-separated, split at the first '=', stripped; the last one wins.
    auto strip = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    std::string_view value;
    bool found = false;
    while (!header.empty()) {
        auto semi = header.find(';');
        std::string_view chunk = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        auto eq = chunk.find('=');
        if (eq == std::string_view::npos) continue;
        if (strip(chunk.substr(0, eq)) == "sessionid") {
            value = strip(chunk.substr(eq + 1));
            found = true;
        }
    }
    if (!found) return false;
    // TimestampSigner.unsign: the signature after the last ':', then the timestamp before it.
    auto last = value.rfind(':');
    if (last == std::string_view::npos || value.size() - last - 1 != 43) return false;
    std::string_view signed_part = value.substr(0, last);
    std::array<char, 43> expected;
    sign(signed_part, expected);
    if (CRYPTO_memcmp(expected.data(), value.data() + last + 1, expected.size()) != 0) return false;
    auto colon = signed_part.rfind(':');
    std::int64_t stamp = 0;
    if (colon == std::string_view::npos || !base62_decode(signed_part.substr(colon + 1), stamp)) return false;
    return now - stamp * 1'000'000 <= session_cookie_age;  // age = time.time() - timestamp
}

}  // namespace stencila::hub::emulator::detail
