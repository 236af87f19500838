# Install rules, the CMake package `stencila_hub` (targets stencila::hub, stencila::hub_emulator)
# and a pkg-config file `stencila-hub.pc`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_targets stencila_hub)
if(TARGET stencila_hub_emulator)
  list(APPEND _targets stencila_hub_emulator)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(TARGETS hub-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(TARGETS ${_targets} EXPORT stencila_hub_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/stencila_hub)
install(EXPORT stencila_hub_targets NAMESPACE stencila:: DESTINATION ${_config_dir}
  FILE stencila_hubTargets.cmake)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/stencila_hubConfig.cmake.in
  ${PROJECT_BINARY_DIR}/stencila_hubConfig.cmake INSTALL_DESTINATION ${_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/stencila_hubConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/stencila_hubConfig.cmake ${PROJECT_BINARY_DIR}/stencila_hubConfigVersion.cmake
  DESTINATION ${_config_dir})

configure_file(${CMAKE_CURRENT_LIST_DIR}/stencila-hub.pc.in ${PROJECT_BINARY_DIR}/stencila-hub.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/stencila-hub.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
