# The git revision goes into --version so a report can name the exact build that produced it.
execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE NORMWATCH_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT NORMWATCH_GIT_REVISION)
  set(NORMWATCH_GIT_REVISION "unknown")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in
               ${PROJECT_BINARY_DIR}/generated/normwatch/version.hpp @ONLY)
