// Counts every heap allocation of the benchmark process: malloc, calloc, realloc and the
// aligned forms are interposed here (glibc lets the executable define them) and forwarded to
// glibc's own (__libc_malloc...). So operator new, Asio's coroutine-frame recycler
// (aligned_alloc), OpenSSL and libcurl are all counted alike, and live bytes
// (malloc_usable_size) give the heap held per in-flight call.
//
// Not for valgrind: memcheck and callgrind replace malloc themselves.
#include "common.hpp"

#include <malloc.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace bench {
std::atomic<std::uint64_t> allocations{0};
std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_live_bytes{0};
}  // namespace bench

namespace {

void* note_alloc(void* p) {
    if (!p) return p;
    bench::allocations.fetch_add(1, std::memory_order_relaxed);
    auto size = static_cast<std::int64_t>(malloc_usable_size(p));
    auto now = bench::live_bytes.fetch_add(size, std::memory_order_relaxed) + size;
    auto peak = bench::peak_live_bytes.load(std::memory_order_relaxed);
    while (now > peak && !bench::peak_live_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {}
    return p;
}

void note_free(void* p) {
    if (p) bench::live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) { return note_alloc(__libc_malloc(n)); }
void* calloc(std::size_t n, std::size_t size) { return note_alloc(__libc_calloc(n, size)); }
void free(void* p) {
    note_free(p);
    __libc_free(p);
}
void* realloc(void* p, std::size_t n) {  // counted as one allocation, as memcheck does
    auto old_size = p ? static_cast<std::int64_t>(malloc_usable_size(p)) : 0;
    void* q = __libc_realloc(p, n);
    if (!q) return q;  // failed (p still held), or freed by realloc(p, 0)
    bench::live_bytes.fetch_sub(old_size, std::memory_order_relaxed);
    return note_alloc(q);
}
void* memalign(std::size_t alignment, std::size_t n) { return note_alloc(__libc_memalign(alignment, n)); }
void* aligned_alloc(std::size_t alignment, std::size_t n) { return note_alloc(__libc_memalign(alignment, n)); }
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* p = note_alloc(__libc_memalign(alignment, n));
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
void* valloc(std::size_t n) { return note_alloc(__libc_memalign(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), n)); }

}  // extern "C"
