# Which LibTorch Kestrel builds against: the system's (Debian's 1.13 in /usr) by default, or
# the one in KESTREL_LIBTORCH: a PyTorch wheel's torch/ folder (scripts/setup.sh gpu installs
# one from PyPI) or an unpacked LibTorch archive. Both have share/cmake/Torch.
set(KESTREL_LIBTORCH "" CACHE PATH
    "LibTorch to build against (a wheel's torch/ folder or an unpacked archive); empty: the system's")
# The cuda preset sets 2.0, so a forgotten KESTREL_LIBTORCH cannot silently give Debian's 1.13.
set(KESTREL_MIN_LIBTORCH "" CACHE STRING "Lowest LibTorch version this build accepts")

if(KESTREL_LIBTORCH)
    if(NOT EXISTS "${KESTREL_LIBTORCH}/share/cmake/Torch/TorchConfig.cmake")
        message(FATAL_ERROR "KESTREL_LIBTORCH is '${KESTREL_LIBTORCH}', which has no "
                "share/cmake/Torch/TorchConfig.cmake: point it at an unpacked LibTorch archive "
                "or at the torch folder of an installed PyTorch wheel.")
    endif()
    # Moving to another LibTorch: forget what CMake cached from the last one.
    if(TORCH_LIBRARY)
        get_filename_component(_kestrel_previous "${TORCH_LIBRARY}/../.." ABSOLUTE)
        if(NOT _kestrel_previous STREQUAL KESTREL_LIBTORCH)
            get_cmake_property(_kestrel_cached CACHE_VARIABLES)
            foreach(_variable IN LISTS _kestrel_cached)
                get_property(_value CACHE ${_variable} PROPERTY VALUE)
                string(FIND "${_value}" "${_kestrel_previous}" _at)
                if(NOT _at EQUAL -1)
                    unset(${_variable} CACHE)
                endif()
            endforeach()
        endif()
    endif()
    # TorchConfig looks for its libraries with find_library(... PATHS <prefix>/lib), which
    # searches /usr/lib first: the prefix must lead CMAKE_PREFIX_PATH, or a build would mix
    # these headers with Debian's libtorch.so. Only while LibTorch is found: the wheel's
    # include/ also holds an old protobuf, which FindProtobuf must not take for Debian's.
    set(_kestrel_prefix_path "${CMAKE_PREFIX_PATH}")
    list(PREPEND CMAKE_PREFIX_PATH "${KESTREL_LIBTORCH}")
    set(Torch_DIR "${KESTREL_LIBTORCH}/share/cmake/Torch" CACHE PATH "LibTorch's CMake package" FORCE)
endif()

find_package(Torch REQUIRED)

if(KESTREL_LIBTORCH)
    set(CMAKE_PREFIX_PATH "${_kestrel_prefix_path}")
    get_filename_component(_kestrel_wanted "${KESTREL_LIBTORCH}" REALPATH)
    get_filename_component(_kestrel_found "${TORCH_LIBRARY}" REALPATH)
    string(FIND "${_kestrel_found}" "${_kestrel_wanted}/" _kestrel_at)
    if(NOT _kestrel_at EQUAL 0)
        message(FATAL_ERROR "KESTREL_LIBTORCH is '${KESTREL_LIBTORCH}' but CMake found libtorch "
                "at '${TORCH_LIBRARY}': delete the build folder's CMakeCache.txt and configure again.")
    endif()
endif()
if(KESTREL_MIN_LIBTORCH AND Torch_VERSION VERSION_LESS KESTREL_MIN_LIBTORCH)
    message(FATAL_ERROR "This build needs LibTorch ${KESTREL_MIN_LIBTORCH} or later and found "
            "${Torch_VERSION} at '${TORCH_LIBRARY}': set KESTREL_LIBTORCH to a LibTorch 2.x "
            "(scripts/setup.sh gpu installs PyTorch's from PyPI and sets it).")
endif()

include(${CMAKE_CURRENT_LIST_DIR}/libtorch_bundled.cmake)
