#include "core/library_versions.h"

#include <Eigen/Core>
#include <bzlib.h>
#include <gemmi/version.hpp>
#include <spglib.h>
#include <zlib.h>

namespace cw {

std::string workbenchVersion() {
    return CW_VERSION;
}

std::vector<std::pair<std::string, std::string>> libraryVersions() {
    auto number = [](int v) { return std::to_string(v); };
    return {
        {"spglib", number(spg_get_major_version()) + "." + number(spg_get_minor_version()) + "." +
                       number(spg_get_micro_version())},
        {"gemmi", GEMMI_VERSION},
        {"eigen", number(EIGEN_WORLD_VERSION) + "." + number(EIGEN_MAJOR_VERSION) + "." +
                      number(EIGEN_MINOR_VERSION)},
        {"zlib", zlibVersion()},
        {"bzip2", BZ2_bzlibVersion()},
    };
}

}  // namespace cw
