# normwatch_module(NAME SOURCES ... DEPENDS ...)
# Declares one pipeline module as a static library named normwatch_<NAME>. A module links only
# what it declares, so a dependency that runs against ARCHITECTURE.md's one-way rule fails to link.
function(normwatch_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS" ${ARGN})
  if(NOT M_SOURCES)
    # A module still being written: keep the target so that dependents configure.
    set(empty ${PROJECT_BINARY_DIR}/generated/empty_${name}.cpp)
    file(WRITE ${empty} "// module ${name} has no sources yet\n")
    set(M_SOURCES ${empty})
  endif()
  add_library(normwatch_${name} STATIC ${M_SOURCES})
  target_link_libraries(normwatch_${name} PUBLIC ${M_DEPENDS})
  set_target_properties(normwatch_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
