# Installation layout and a Debian package through CPack: `scripts/setup.sh package` builds it,
# `scripts/package_check.sh` installs and checks it (CI runs both).
include(GNUInstallDirs)

set(KESTREL_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/kestrel)
if(KESTREL_BUILD_GUI)
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/kestrel.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/io.github.kestrel.Kestrel.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/kestrel.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
    # The usual bitmap sizes, rendered from the SVG when librsvg's converter is there.
    find_program(KESTREL_RSVG_CONVERT rsvg-convert)
    if(KESTREL_RSVG_CONVERT)
        set(icons)
        foreach(side 16 24 32 48 64 128 256)
            set(icon ${CMAKE_BINARY_DIR}/icons/${side}x${side}/kestrel.png)
            add_custom_command(OUTPUT ${icon}
                COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/icons/${side}x${side}
                COMMAND ${KESTREL_RSVG_CONVERT} -w ${side} -h ${side}
                        -o ${icon} ${PROJECT_SOURCE_DIR}/resources/icons/kestrel.svg
                DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/kestrel.svg VERBATIM)
            list(APPEND icons ${icon})
            install(FILES ${icon} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${side}x${side}/apps)
        endforeach()
        add_custom_target(kestrel_icons ALL DEPENDS ${icons})
    else()
        message(STATUS "rsvg-convert not found: the package carries the scalable icon only")
    endif()
endif()

install(FILES ${PROJECT_SOURCE_DIR}/packaging/kestrel-cli.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kestrel-cli)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION ${KESTREL_DOC_DIR})
# Debian wants the changelog compressed, reproducibly (no name or time in the gzip header).
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/changelog.gz
    COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/packaging/changelog > ${CMAKE_BINARY_DIR}/changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog)
add_custom_target(kestrel_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${KESTREL_DOC_DIR})

# Man pages from the programs' own --help (help2man), one per kestrel-cli command; the
# sanitizer and CUDA builds, which are never packaged, leave them out (KESTREL_MAN_PAGES).
find_program(KESTREL_HELP2MAN help2man)
if(KESTREL_HELP2MAN AND KESTREL_MAN_PAGES)
    set(man_stamp ${CMAKE_BINARY_DIR}/man/.stamp)
    set(man_programs $<TARGET_FILE:kestrel-cli>)
    if(KESTREL_BUILD_GUI)
        list(APPEND man_programs $<TARGET_FILE:kestrel>)
    endif()
    add_custom_command(OUTPUT ${man_stamp}
        COMMAND ${PROJECT_SOURCE_DIR}/packaging/make_man_pages.sh ${PROJECT_VERSION}
                ${CMAKE_BINARY_DIR}/man ${man_programs}
        COMMAND ${CMAKE_COMMAND} -E touch ${man_stamp}
        DEPENDS ${man_programs} ${PROJECT_SOURCE_DIR}/packaging/make_man_pages.sh
        COMMENT "Man pages from --help" VERBATIM)
    add_custom_target(kestrel_man_pages ALL DEPENDS ${man_stamp})
    install(DIRECTORY ${CMAKE_BINARY_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
            FILES_MATCHING PATTERN "*.1.gz")
elseif(KESTREL_MAN_PAGES)
    message(STATUS "help2man not found: no man pages (scripts/setup.sh installs it)")
endif()

set(CPACK_PACKAGE_NAME kestrel)
set(CPACK_PACKAGE_VENDOR "Kestrel")
set(CPACK_PACKAGE_CONTACT "Kestrel engineers <engineers@kestrel.example>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Kestrel engineers <engineers@kestrel.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "Kestrel is a desktop workbench for engineers beside a production
line: import and label part images, train classifiers, anomaly detectors and
segmentation models on the workstation's GPU or CPU with live curves, and hand
a TorchScript or ONNX model, verified in two runtimes, to the line. kestrel-cli
does the same from scripts.")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/kestrel/kestrel")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON) # debug information stays in the build folder
include(CPack)
