# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): strips debug information from the static
# libraries staged for the packages, as Debian's dh_strip does for -dev packages (Debian ships
# debug information in separate -dbgsym packages). A Debug tree's libraries shrink about tenfold,
# which also makes lintian quick on them.
file(GLOB_RECURSE _archives "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
foreach(_archive IN LISTS _archives)
  execute_process(COMMAND "${CPACK_STENCILA_HUB_STRIP}" --strip-debug --remove-section=.comment
                          --remove-section=.note --enable-deterministic-archives "${_archive}"
                  COMMAND_ERROR_IS_FATAL ANY)
endforeach()
