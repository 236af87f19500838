# Install rules, the CMake package `stencila_hub` (targets stencila::hub, stencila::hub_emulator),
# the pkg-config files `stencila-hub.pc` and `stencila-hub-emulator.pc`, and (top level only) the
# Debian packages of cmake/package.cmake. Two install components, one per .deb:
#   dev    the static libraries, headers, CMake package and pkg-config files
#   tools  the programs hub-tokens and hub-emulator
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_targets stencila_hub)
if(TARGET stencila_hub_emulator)
  list(APPEND _targets stencila_hub_emulator)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT dev)
  install(TARGETS hub-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()
if(TARGET hub-tokens)
  install(TARGETS hub-tokens RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()

# Each program's manual page goes with it to share/man/man1, gzipped (-9n: no name, no time) as
# Debian's policy wants, which man reads on any system. Written by hand in troff;
# test/cmake/man_pages checks them against the programs' --help.
foreach(_program IN ITEMS hub-tokens hub-emulator)
  if(TARGET ${_program})
    if(_program STREQUAL hub-tokens)
      set(_page ${PROJECT_SOURCE_DIR}/tools/hub-tokens.1)
    else()
      set(_page ${PROJECT_SOURCE_DIR}/emulator/hub-emulator.1)
    endif()
    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_page})
    file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/man)
    execute_process(COMMAND gzip -9n -c ${_page} OUTPUT_FILE ${PROJECT_BINARY_DIR}/man/${_program}.1.gz
      COMMAND_ERROR_IS_FATAL ANY)
    install(FILES ${PROJECT_BINARY_DIR}/man/${_program}.1.gz
      DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  endif()
endforeach()

install(TARGETS ${_targets} EXPORT stencila_hub_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT dev)

set(_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/stencila_hub)
install(EXPORT stencila_hub_targets NAMESPACE stencila:: DESTINATION ${_config_dir}
  FILE stencila_hubTargets.cmake COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/stencila_hubConfig.cmake.in
  ${PROJECT_BINARY_DIR}/stencila_hubConfig.cmake INSTALL_DESTINATION ${_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/stencila_hubConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/stencila_hubConfig.cmake ${PROJECT_BINARY_DIR}/stencila_hubConfigVersion.cmake
  DESTINATION ${_config_dir} COMPONENT dev)

# pkg-config: the prefix is computed from the .pc file's own place (${pcfiledir}), so a tree
# installed with `--prefix P`, or a .deb unpacked anywhere, describes itself correctly.
set(_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _pc_to_prefix /prefix/${_pc_dir} /prefix)  # ../.. for lib/pkgconfig
  string(REGEX REPLACE "/$" "" _pc_to_prefix "${_pc_to_prefix}")
  set(PC_PREFIX "\${pcfiledir}/${_pc_to_prefix}")
  set(PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(_pc_files stencila-hub)
if(TARGET stencila_hub_emulator)
  list(APPEND _pc_files stencila-hub-emulator)
endif()
foreach(_pc IN LISTS _pc_files)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${_pc}.pc.in ${PROJECT_BINARY_DIR}/${_pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${_pc}.pc DESTINATION ${_pc_dir} COMPONENT dev)
endforeach()

if(PROJECT_IS_TOP_LEVEL)
  include(${CMAKE_CURRENT_LIST_DIR}/package.cmake)
endif()
