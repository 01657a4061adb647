# What PyTorch's own LibTorch builds (its wheels and archives) carry that clashes with
# Debian's libraries, and how Kestrel keeps them apart. Debian's LibTorch needs neither.

# 1. Headers. PyTorch's wheels ship, among LibTorch's headers, Caffe2's protobuf 3.13
# headers in <torch>/include/google. Kestrel's ONNX exporter includes Debian's protobuf 3.21
# headers (through libonnx), and an -isystem <torch>/include ahead of /usr/include would hand
# it the old ones, which do not compile with the new library's. No LibTorch header Kestrel
# uses includes protobuf, so the compiler sees <torch>/include through a folder of links to
# all of it except google/.
set(_kestrel_torch_include "${TORCH_INSTALL_PREFIX}/include")
if(EXISTS "${_kestrel_torch_include}/google/protobuf")
    set(_kestrel_filtered "${CMAKE_BINARY_DIR}/libtorch-include")
    file(REMOVE_RECURSE "${_kestrel_filtered}")
    file(MAKE_DIRECTORY "${_kestrel_filtered}")
    file(GLOB _kestrel_entries RELATIVE "${_kestrel_torch_include}" "${_kestrel_torch_include}/*")
    foreach(_entry IN LISTS _kestrel_entries)
        if(NOT _entry STREQUAL "google")
            file(CREATE_LINK "${_kestrel_torch_include}/${_entry}" "${_kestrel_filtered}/${_entry}"
                 SYMBOLIC)
        endif()
    endforeach()
    # Literal replacement: an install path may hold characters a regular expression reads.
    string(REPLACE "${_kestrel_torch_include}" "${_kestrel_filtered}" TORCH_INCLUDE_DIRS
           "${TORCH_INCLUDE_DIRS}")
    foreach(_target IN ITEMS torch torch_cpu torch_cuda c10 c10_cuda)
        if(TARGET ${_target})
            get_target_property(_dirs ${_target} INTERFACE_INCLUDE_DIRECTORIES)
            if(_dirs)
                string(REPLACE "${_kestrel_torch_include}" "${_kestrel_filtered}" _dirs "${_dirs}")
                set_target_properties(${_target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_dirs}")
            endif()
        endif()
    endforeach()
    message(STATUS "LibTorch headers through ${_kestrel_filtered} (without its bundled protobuf)")
endif()

# 2. libstdc++. PyTorch builds with a newer GCC than its manylinux base has and links the
# newer parts of libstdc++ statically, exporting them: libtorch.so defines, among others,
# std::filesystem::remove_all. A binary lists libtorch.so before libstdc++.so.6, so the
# dynamic linker binds Kestrel's calls to libtorch's copies, which crash when called from
# code built with Debian's GCC (seen: remove_all jumping to address 0). Naming libstdc++
# first in every binary puts the system's definitions first in the lookup order.
if(NOT TORCH_LIBRARY MATCHES "^/usr/lib")
    target_link_options(kestrel_build_flags INTERFACE "LINKER:--no-as-needed,-lstdc++,--as-needed")
    message(STATUS "LibTorch from ${TORCH_INSTALL_PREFIX}: binaries load libstdc++ ahead of it")
endif()
