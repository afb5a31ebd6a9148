# The rules OpenCV's own build applies to a contrib module (OpenCVCompilerOptions.cmake,
# OpenCVModule.cmake), applied to a target of the standalone build.

set(XAI_OPENCV_WARNINGS
  -Wall -Wextra -Wreturn-type -Wnon-virtual-dtor -Waddress -Wsequence-point -Wformat -Wformat-security
  -Wmissing-declarations -Wundef -Winit-self -Wpointer-arith -Wshadow -Wsign-promo -Wuninitialized
  -Wsuggest-override -Wno-delete-non-virtual-dtor -Wno-comment
  -Wimplicit-fallthrough=3 -Wno-strict-overflow)

# Library code: C++11 as OpenCV 4.x builds contrib modules, symbols hidden unless CV_EXPORTS,
# exported through CVAPI_EXPORTS like every opencv_* library, and no undefined symbols.
function(xai_apply_opencv_module_rules target)
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 11 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    DEFINE_SYMBOL CVAPI_EXPORTS)
  xai_apply_warnings(${target})
  # (Not with clang's sanitizers: their runtime is linked into the executables, so a sanitized
  # shared library has undefined __asan_/__ubsan_/__sanitizer_cov_ symbols by design.)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR (CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND NOT XAI_SANITIZERS))
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()

function(xai_apply_warnings target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE ${XAI_OPENCV_WARNINGS})
    if(XAI_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
