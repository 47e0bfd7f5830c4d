// cwb version: the versions of cwb and of the libraries it was built with, and the devices.
#include <cstdio>

#include "commands/command.h"
#include "core/library_versions.h"
#include "core/parallel.h"
#ifdef CW_WITH_TORCH
#include "ml/device.h"
#include "ml/openmp_wait_policy.h"
#endif

namespace cw::cli {

void registerVersionCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("version", "Versions of cwb, its libraries and the devices");
    setAction(cmd, [] {
        std::printf("%s\n", std::string(versionText()).c_str());
        for (const auto& [name, version] : libraryVersions()) {
            std::printf("%-8s %s\n", name.c_str(), version.c_str());
        }
#ifdef CW_WITH_TORCH
        std::printf("%-8s %s\n", "libtorch", ml::torchVersion().c_str());
        std::printf("%-8s %s\n", "cuda", ml::cudaAvailable()
                                             ? (std::to_string(ml::cudaDeviceCount()) + " device(s)").c_str()
                                             : "not available (CPU only)");
        std::printf("%-8s %s; %d of %d cores free now (the default --threads)\n", "openmp",
                    ml::openMpWaitPolicy().c_str(), freeCpuCores(), resolveThreadCount(0));
#else
        std::printf("%-8s %s\n", "libtorch", "not built (CW_WITH_TORCH=OFF)");
#endif
        return kExitOk;
    });
}

}  // namespace cw::cli
