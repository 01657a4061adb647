# Writes OUTPUT, a CTest script with one test per GoogleTest suite of EXECUTABLE (one per test
# for value-parameterized suites), labelled LABEL. Run after each build by
# kestrel_add_gtest_suites (gtest_suites.cmake).
cmake_minimum_required(VERSION 3.25)
execute_process(
    COMMAND "${EXECUTABLE}" --gtest_list_tests
    WORKING_DIRECTORY "${WORKING_DIRECTORY}"
    OUTPUT_VARIABLE listing
    RESULT_VARIABLE result
    TIMEOUT 60)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests failed (${result}):\n${listing}")
endif()

set(script "")
macro(add_ctest name filter skip)
    string(APPEND script "add_test([==[${name}]==] [==[${EXECUTABLE}]==] "
                         "[==[--gtest_filter=${filter}]==])\n"
                         "set_tests_properties([==[${name}]==] PROPERTIES LABELS ${LABEL} "
                         "WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==]")
    if(${skip})
        # Only a test alone can be reported skipped: a suite with one skipped test still ran
        # the others.
        string(APPEND script " SKIP_REGULAR_EXPRESSION [==[\\[  SKIPPED \\]]==]")
    endif()
    string(APPEND script ")\n")
endmacro()

# "Suite." starts a suite; "  Test" (and "  Test/param  # GetParam() = ...") follow it.
string(REPLACE "\n" ";" lines "${listing}")
set(suite "")
foreach(line IN LISTS lines)
    if(line MATCHES "^([A-Za-z0-9_/]+)\\.$")
        set(suite "${CMAKE_MATCH_1}")
        if(NOT suite MATCHES "/")
            add_ctest("${suite}" "${suite}.*" FALSE)
        endif()
    elseif(line MATCHES "^  ([A-Za-z0-9_/]+)" AND suite MATCHES "/")
        add_ctest("${suite}.${CMAKE_MATCH_1}" "${suite}.${CMAKE_MATCH_1}" TRUE)
    endif()
endforeach()
file(WRITE "${OUTPUT}" "${script}")
