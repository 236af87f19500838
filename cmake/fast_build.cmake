# Build time (README "Build time"). With STENCILA_HUB_FAST_BUILD (default ON):
# - the emulator library and hub-tokens compile in unity batches, and
# - the test targets share one precompiled header (test/precompiled.hpp, third-party and standard
#   headers only) and compile in unity batches (test/CMakeLists.txt),
# so the Asio, Beast and Boost.Test templates a target instantiates are compiled once a batch rather
# than once a file. The client library's sources and the examples always compile one by one: a
# change to one rebuilds only it, and an example is a file a user copies. OFF compiles every file
# alone, the check that each one includes what it uses.
option(STENCILA_HUB_FAST_BUILD "Unity batches and a precompiled header for the emulator, tools and tests" ON)
set(STENCILA_HUB_UNITY_BATCH 8 CACHE STRING "Sources per unity batch (STENCILA_HUB_FAST_BUILD)")

# Compiles TARGET's sources in unity batches.
function(stencila_hub_unity_build target)
  if(NOT STENCILA_HUB_FAST_BUILD)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${STENCILA_HUB_UNITY_BATCH})
  # A file's helpers live in its anonymous namespace; included into a batch, g++ takes the file
  # for a header and warns when a type derives from one of them (a test case from its fixture).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
endfunction()
