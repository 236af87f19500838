// STENCILA_HUB_TEST_SANITIZED is 1 when this build runs under AddressSanitizer or ThreadSanitizer,
// whose own memory (ASan's quarantine, TSan's shadow of every byte touched) grows with the work
// done: the tests that bound a peak RSS check it only in the plain builds. g++ says so with
// __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang with __has_feature.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STENCILA_HUB_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define STENCILA_HUB_TEST_SANITIZED 1
#endif
#endif
#ifndef STENCILA_HUB_TEST_SANITIZED
#define STENCILA_HUB_TEST_SANITIZED 0
#endif
