# Stores the package runtime's objects in the cache directory DEST (see
# CMakeLists.txt): runtime.o and slot_ops.o, copied to DEST.tmp.<random> and
# renamed to DEST, so readers never see a partial entry. An entry another
# build stored first is kept.
if(EXISTS "${DEST}/runtime.o")
  return()
endif()
string(REPLACE "|" ";" OBJECTS "${OBJECTS}") # joined with | by the caller
string(RANDOM LENGTH 12 _suffix)
set(_tmp "${DEST}.tmp.${_suffix}")
file(MAKE_DIRECTORY "${_tmp}")
foreach(obj ${OBJECTS})
  get_filename_component(_name "${obj}" NAME)
  # runtime.cpp.o -> runtime.o
  string(REGEX REPLACE "\\.cpp\\.o$" ".o" _name "${_name}")
  file(COPY_FILE "${obj}" "${_tmp}/${_name}")
endforeach()
file(RENAME "${_tmp}" "${DEST}" RESULT _rc) # fails when DEST holds an entry already
if(NOT _rc EQUAL 0)
  file(REMOVE_RECURSE "${_tmp}") # another build got there first
endif()
