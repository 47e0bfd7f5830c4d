// cwb version: the versions of cwb and of the libraries it was built with, and the devices.
#include <cstdio>
#include <string>

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
    // Handled before parsing by cwb (it hands the command to cwb-torch); accepted here.
    static bool torch = false;
    cmd->add_flag("--torch", torch, "Also LibTorch's devices and threads (loads LibTorch)");
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
#elif defined(CW_TORCH_HANDOVER)
        // Not loaded here (that is what keeps cwb fast): cwb-torch reports the devices.
        std::printf("%-8s %s in cwb-torch, loaded only by the commands that need it (cwb version --torch: "
                    "its devices and threads)\n",
                    "libtorch", CW_TORCH_VERSION);
#else
        std::printf("%-8s %s\n", "libtorch", "not built (CW_WITH_TORCH=OFF)");
#endif
        return kExitOk;
    });
}

}  // namespace cw::cli
