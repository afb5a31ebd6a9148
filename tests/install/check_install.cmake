# ctest script: install the build into a scratch prefix, then check what a user gets there.
#   XAI_CHECK=consumer  configure, build and run tests/find_package against the prefix, as a user's
#                       project would, with the build's compiler and flags (the consumer of a
#                       sanitizer build needs the same runtime, or it stops at start);
#   XAI_CHECK=programs  run the installed xai_explain (--help, then a small run) with no
#                       LD_LIBRARY_PATH: the programs find the library through their RPATH.
file(REMOVE_RECURSE "${XAI_WORK_DIR}")
set(prefix "${XAI_WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${XAI_BUILD_DIR}" --prefix "${prefix}")

if(XAI_CHECK STREQUAL "consumer")
  run(${CMAKE_COMMAND} -S "${XAI_CONSUMER_SRC}" -B "${XAI_WORK_DIR}/build" -DCMAKE_PREFIX_PATH=${prefix}
      "-DCMAKE_CXX_COMPILER=${XAI_CXX_COMPILER}" "-DCMAKE_CXX_FLAGS=${XAI_CXX_FLAGS}"
      "-DCMAKE_BUILD_TYPE=${XAI_BUILD_TYPE}")
  run(${CMAKE_COMMAND} --build "${XAI_WORK_DIR}/build")
  run("${XAI_WORK_DIR}/build/xai_consumer" "${XAI_IMAGE}")
elseif(XAI_CHECK STREQUAL "programs")
  run("${prefix}/bin/xai_explain" --help)
  run("${prefix}/bin/xai_explain" --method score-cam --quiet --output "${XAI_WORK_DIR}/out")
  if(NOT EXISTS "${XAI_WORK_DIR}/out/summary.json")
    message(FATAL_ERROR "the installed xai_explain wrote no ${XAI_WORK_DIR}/out/summary.json")
  endif()
else()
  message(FATAL_ERROR "XAI_CHECK must be consumer or programs, not '${XAI_CHECK}'")
endif()
