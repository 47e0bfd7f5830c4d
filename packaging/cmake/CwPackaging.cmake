# Installation layout and a Debian package through CPack (`cpack -G DEB` in the build folder).
include(GNUInstallDirs)
if(CW_BUILD_GUI)
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/crystal-workbench.desktop"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/examples/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/crystal-workbench/examples")
# The shipped diffusion model(s): `cwb generate` without --run finds them beside the executable.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/models/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/crystal-workbench/models" OPTIONAL)

set(CPACK_PACKAGE_NAME "crystal-workbench")
set(CPACK_PACKAGE_VENDOR "Crystal Workbench developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Crystals as images: ECD slices, encodings, diffusion models")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Crystal Workbench developers")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
include(CPack)
