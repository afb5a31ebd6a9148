# ctest script: the README's C++ example must be, line for line, the marked block of
# samples/example.cpp (which the build compiles), so the README cannot drift from working code.
file(READ "${EXAMPLE}" example)
file(READ "${README}" readme)
string(REGEX MATCH "// \\[readme-example\\]\n(.*)\n[ ]*// \\[readme-example\\]" _ "${example}")
set(block "${CMAKE_MATCH_1}")
if(block STREQUAL "")
  message(FATAL_ERROR "no [readme-example] block in ${EXAMPLE}")
endif()
# The example sits two levels deep (main, try): the README shows it without that indentation.
# (No "^" in the pattern: CMake anchors it at every match position, which would strip twice.)
string(REPLACE "\n        " "\n" block "\n${block}")
string(SUBSTRING "${block}" 1 -1 block)
string(FIND "${readme}" "${block}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not contain the example block of samples/example.cpp:\n${block}")
endif()
