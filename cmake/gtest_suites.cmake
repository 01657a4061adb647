# kestrel_add_gtest_suites(TARGET LABEL): registers TARGET's GoogleTest tests with CTest one
# suite per process, where gtest_discover_tests starts one process per test.
#
# Why: a binary that links LibTorch spends about 0.6 s of CPU starting (loading and
# registering its operators) before its first test runs. kestrel_core_tests has about 500
# tests in about 100 suites, so one process per test spent more CPU starting than most of its
# tests spend testing, twice in CI (once under the sanitizers).
#
# A value-parameterized suite ("Prefix/Suite") keeps one CTest test per test, as
# gtest_discover_tests names them, so a test preset can still leave single architectures out
# by name (the sanitize preset does). Like gtest_discover_tests, the list is read from the
# binary after each build (POST_BUILD), so a new TEST needs no CMake change.
set(KESTREL_GTEST_SUITES_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/gtest_suites_write.cmake")

function(kestrel_add_gtest_suites target label)
    set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
    set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
    add_custom_command(
        TARGET ${target} POST_BUILD
        COMMAND "${CMAKE_COMMAND}" -D "EXECUTABLE=$<TARGET_FILE:${target}>"
                -D "WORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}" -D "LABEL=${label}"
                -D "OUTPUT=${list_file}" -P "${KESTREL_GTEST_SUITES_SCRIPT}"
        VERBATIM)
    file(WRITE "${include_file}"
         "if(EXISTS \"${list_file}\")\n"
         "  include(\"${list_file}\")\n"
         "else()\n"
         "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
         "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
