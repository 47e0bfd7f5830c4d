# Finds the third-party libraries of Crystal Workbench (all Debian bookworm packages; see
# packaging/install-deps.sh) and wraps the ones without CMake support in imported targets.

find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(BZip2 REQUIRED)
find_package(Threads REQUIRED)

# spglib: pkg-config only; its version field is empty, so no version constraint.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SPGLIB REQUIRED IMPORTED_TARGET spglib)

# gemmi 0.5.7 is header-only in Debian, with no CMake or pkg-config file; its headers need
# PEGTL and stb, which the package does not declare.
find_path(GEMMI_INCLUDE_DIR gemmi/cif.hpp REQUIRED)
find_path(PEGTL_INCLUDE_DIR tao/pegtl.hpp REQUIRED)
find_path(STB_INCLUDE_DIR stb/stb_sprintf.h REQUIRED)
add_library(cw_gemmi INTERFACE)
target_include_directories(cw_gemmi SYSTEM INTERFACE
  "${GEMMI_INCLUDE_DIR}" "${PEGTL_INCLUDE_DIR}" "${STB_INCLUDE_DIR}")
target_link_libraries(cw_gemmi INTERFACE ZLIB::ZLIB)

# stb (image writing/reading for PNG): header-only.
add_library(cw_stb INTERFACE)
target_include_directories(cw_stb SYSTEM INTERFACE "${STB_INCLUDE_DIR}")

if(CW_WITH_TORCH)
  find_package(Torch REQUIRED)
endif()

if(CW_BUILD_GUI OR CW_BUILD_TESTS)
  set(CW_QT_COMPONENTS Core Test)
  if(CW_BUILD_GUI)
    list(APPEND CW_QT_COMPONENTS Gui Widgets OpenGL OpenGLWidgets Charts Svg)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${CW_QT_COMPONENTS})
endif()

if(CW_BUILD_GUI)
  # A component list is mandatory (a bare find_package(VTK) fails on Debian's Qt5 module), and
  # GUISupportQt must never be asked for: Debian builds it for Qt5.
  find_package(VTK 9.1 REQUIRED COMPONENTS
    CommonCore CommonDataModel CommonColor CommonTransforms FiltersSources FiltersCore
    RenderingCore RenderingOpenGL2 RenderingUI RenderingFreeType RenderingAnnotation
    InteractionStyle InteractionWidgets IOImage)
endif()
