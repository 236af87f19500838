# Debian packages, built by CPack from an already-built tree (scripts/package does both):
#   libstencila-hub-dev   the install component `dev`: static libraries, headers, CMake package,
#                         pkg-config files
#   stencila-hub-tools    the install component `tools`: hub-tokens and hub-emulator
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stencila-hub)
set(STENCILA_HUB_PACKAGE_CONTACT "stencila-hub-cpp maintainers"
    CACHE STRING "The Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${STENCILA_HUB_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Executables lose their symbols, as Debian's own do; static libraries are left as they are.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)

set(CPACK_COMPONENTS_ALL dev)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libstencila-hub-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# Each package's description starts with its own synopsis line; an empty summary keeps CPack from
# putting the project's description in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_DEBIAN_DEV_DESCRIPTION "C++20 client library for the Stencila Hub Tokens API (static)
The stencila::hub client library (Boost.Asio coroutines, HTTPS with a keep-alive
connection pool) and the stencila::hub_emulator library, with their headers, the
CMake package stencila_hub and the pkg-config files stencila-hub and
stencila-hub-emulator.")
# The libraries are static: a program built against them links what they link, so the -dev
# packages of those dependencies are needed (the unversioned libboost-*-dev are 1.74).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, zlib1g-dev")

if(TARGET hub-tokens OR TARGET hub-emulator)
  list(APPEND CPACK_COMPONENTS_ALL tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME stencila-hub-tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_TOOLS_DESCRIPTION "Command-line tools for the Stencila Hub Tokens API
hub-tokens logs in to a Stencila Hub and lists, reads and deletes API tokens;
hub-emulator serves the Hub's token endpoints locally over HTTPS, for tests
and demos.")
  # Depends derived by dpkg-shlibdeps from the shared libraries the programs link.
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
endif()

include(CPack)
