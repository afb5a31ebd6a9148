# ctest script: install the build into a scratch prefix, then configure, build and run
# tests/find_package against it, as a user's project would.
file(REMOVE_RECURSE "${XAI_WORK_DIR}")
set(prefix "${XAI_WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${XAI_BUILD_DIR}" --prefix "${prefix}")
run(${CMAKE_COMMAND} -S "${XAI_CONSUMER_SRC}" -B "${XAI_WORK_DIR}/build" -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build "${XAI_WORK_DIR}/build")
run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${prefix}/lib:${prefix}/lib/x86_64-linux-gnu"
    "${XAI_WORK_DIR}/build/xai_consumer" "${XAI_IMAGE}")
