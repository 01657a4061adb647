# Fails when a source file outside core/store/ talks SQL: prepared statements, the
# Database query helpers, SQLite's C API, or SQL in a string literal. Every query lives in a
# store repository (docs/ARCHITECTURE.md, "The store"); callers keep the logic around it.
#
#   cmake -DSOURCE_DIR=<repository root> -P no_sql_outside_store.cmake

if(NOT SOURCE_DIR)
    message(FATAL_ERROR "Pass -DSOURCE_DIR=<repository root>.")
endif()

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/core/*.cpp" "${SOURCE_DIR}/core/*.h"
     "${SOURCE_DIR}/app/*.cpp" "${SOURCE_DIR}/app/*.h"
     "${SOURCE_DIR}/widgets/*.cpp" "${SOURCE_DIR}/widgets/*.h")
list(FILTER sources EXCLUDE REGEX "^core/store/")

# One alternative per way SQL shows up; CMake's regex has no \b, hence the spelled-out
# neighbours.
set(sql_patterns
    "store::Statement"
    "[^A-Za-z_]Statement [a-z][A-Za-z]*[({]"
    "[.>]queryInt\\("
    "[.>]queryText\\("
    "[.>]lastInsertRowId\\("
    "[.>]execute\\(\""
    "sqlite3_(prepare|exec|step|bind|column)"
    "R\"sql\\("
    "\"[^\"]*(SELECT [^\"]* FROM|INSERT INTO|INSERT OR|UPDATE [a-z_]+ SET|DELETE FROM|PRAGMA [a-z_]+|CREATE (TABLE|INDEX)|BEGIN IMMEDIATE)")
list(JOIN sql_patterns "|" sql_regex)

set(offences "")
foreach(source IN LISTS sources)
    file(STRINGS "${SOURCE_DIR}/${source}" lines REGEX "${sql_regex}")
    foreach(line IN LISTS lines)
        string(STRIP "${line}" line)
        string(APPEND offences "\n  ${source}: ${line}")
    endforeach()
endforeach()

list(LENGTH sources checked)
if(offences)
    message(FATAL_ERROR "SQL outside core/store/ (move it into a store repository):${offences}")
endif()
message(STATUS "No SQL outside core/store/ in ${checked} files.")
