# Debian packages, built by CPack from an already-built tree (scripts/package does both):
#   libstencila-hub-dev   the install component `dev`: static libraries, headers, CMake package,
#                         pkg-config files
#   stencila-hub-tools    the install component `tools`: hub-tokens and hub-emulator
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stencila-hub)
# Debian wants a name and an address; the default is the project's own (its commits' author).
set(_contact "stencila-hub-cpp maintainers <maintainers@users.noreply.r-seed-5e941afc.example>")
set(STENCILA_HUB_PACKAGE_CONTACT "${_contact}"
    CACHE STRING "The Maintainer field of the Debian packages: Name <address>")
if(STENCILA_HUB_PACKAGE_CONTACT STREQUAL "stencila-hub-cpp maintainers")
  # The earlier default, without an address, still in the caches of trees configured before.
  set_property(CACHE STENCILA_HUB_PACKAGE_CONTACT PROPERTY VALUE "${_contact}")
elseif(NOT STENCILA_HUB_PACKAGE_CONTACT MATCHES "^[^<>]+ <[^<>@ ]+@[^<>@ ]+>$")
  message(WARNING "STENCILA_HUB_PACKAGE_CONTACT is '${STENCILA_HUB_PACKAGE_CONTACT}', not 'Name <address>': "
                  "lintian will reject the packages' Maintainer field")
endif()
set(CPACK_PACKAGE_CONTACT "${STENCILA_HUB_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Executables lose their symbols, as Debian's own do; static libraries lose their debug
# information (strip --strip-debug, as dh_strip does), in a script run on the staged files.
set(CPACK_STRIP_FILES ON)
set(CPACK_STENCILA_HUB_STRIP "${CMAKE_STRIP}")
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/debian/strip_static_libraries.cmake)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)

set(CPACK_COMPONENTS_ALL dev)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libstencila-hub-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# Each package's description starts with its own synopsis line; an empty summary keeps CPack from
# putting the project's description in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
# Lines of at most 72 characters (lintian: extended-description-line-too-long past 80).
set(CPACK_DEBIAN_DEV_DESCRIPTION "C++20 client library for the Stencila Hub Tokens API (static)
The stencila::hub client library (Boost.Asio coroutines, HTTPS with a
keep-alive connection pool) and the stencila::hub_emulator library, with
their headers, the CMake package stencila_hub and the pkg-config files
stencila-hub and stencila-hub-emulator.")
# The libraries are static: a program built against them links what they link, so the -dev
# packages of those dependencies are needed (the unversioned libboost-*-dev are 1.74).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, zlib1g-dev")

if(TARGET hub-tokens OR TARGET hub-emulator)
  list(APPEND CPACK_COMPONENTS_ALL tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME stencila-hub-tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_TOOLS_DESCRIPTION "Command-line tools for the Stencila Hub Tokens API
hub-tokens logs in to a Stencila Hub and lists, reads and deletes API
tokens; hub-emulator serves the Hub's token endpoints locally over HTTPS,
for tests and demos.")
  # Depends derived by dpkg-shlibdeps from the shared libraries the programs link.
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
endif()

# What Debian's policy wants in every package: /usr/share/doc/PACKAGE/copyright and
# changelog.Debian.gz (gzip -9n). Only in the packages (EXCLUDE_FROM_ALL: a component install,
# as CPack's, takes them; `cmake --install` of the whole tree does not).
# The changelog's date is the configure time, or SOURCE_DATE_EPOCH when set (reproducible builds).
string(TIMESTAMP STENCILA_HUB_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(STENCILA_HUB_DEB_VERSION "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(_deb_doc ${PROJECT_BINARY_DIR}/debian)
file(MAKE_DIRECTORY ${_deb_doc})
set(_deb_packages dev libstencila-hub-dev)
if(TARGET hub-tokens OR TARGET hub-emulator)
  list(APPEND _deb_packages tools stencila-hub-tools)
endif()
while(_deb_packages)
  list(POP_FRONT _deb_packages _component _package)
  # The packages have no Source field, so each is its own source: the changelog names it.
  set(STENCILA_HUB_DEB_SOURCE ${_package})
  configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${_deb_doc}/${_package}.changelog @ONLY)
  execute_process(COMMAND gzip -9n -c ${_deb_doc}/${_package}.changelog
    OUTPUT_FILE ${_deb_doc}/${_package}.changelog.Debian.gz COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${_deb_doc}/${_package}.changelog.Debian.gz RENAME changelog.Debian.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_package} COMPONENT ${_component} EXCLUDE_FROM_ALL)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_package} COMPONENT ${_component} EXCLUDE_FROM_ALL)
endwhile()

include(CPack)
