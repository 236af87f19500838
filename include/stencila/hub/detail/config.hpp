// Included first by every public header: a compile in an older C++ mode stops here, with one
// clear message, instead of failing later on C++20 names (std::chrono::sys_time, coroutines...).
#pragma once

#if __cplusplus < 202002L
#error "stencila-hub needs C++20 (-std=c++20)"
// #error alone lets the compiler go on into the cascade; a missing header is fatal and stops it.
#include <stencila/hub/detail/compilation-stopped-cxx20-required>
#endif
