# Builds and runs the consumer project. Called by CTest:
#   cmake -DMODE=subdirectory|package -DSOURCE_DIR=<repo> -DBUILD_DIR=<main build> -DWORK_DIR=<scratch> -P run_consumer.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(consumer_src ${SOURCE_DIR}/test/cmake)
if(MODE STREQUAL "subdirectory")
  set(configure_args -DSTENCILA_HUB_SOURCE_DIR=${SOURCE_DIR})
else()
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(rc)
    message(FATAL_ERROR "install failed: ${rc}")
  endif()
  if(NOT EXISTS ${WORK_DIR}/prefix/lib/pkgconfig/stencila-hub.pc)
    message(FATAL_ERROR "the pkg-config file was not installed")
  endif()
  set(configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
endif()
foreach(step
    "${CMAKE_COMMAND};-S;${consumer_src};-B;${WORK_DIR}/build;-DCMAKE_BUILD_TYPE=Debug;${configure_args}"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build;-j2"
    "${WORK_DIR}/build/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "step failed (${rc}): ${step}\n${out}\n${err}")
  endif()
endforeach()
message(STATUS "${out}")
