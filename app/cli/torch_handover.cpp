#include "torch_handover.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

namespace cw::cli {

bool needsTorch(int argc, char** argv) {
    if (argc < 2) return false;
    const std::string_view command = argv[1];
    const std::string_view sub = argc > 2 ? argv[2] : "";
    auto hasOption = [argc, argv](std::string_view name) {
        for (int i = 2; i < argc; ++i) {
            const std::string_view arg = argv[i];
            if (arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '='))
                return true;
        }
        return false;
    };
    if (command == "diffusion" || command == "generate") return true;
    if (command == "props") return sub == "train" || sub == "predict";
    if (command == "bench") return sub == "diffusion";
    if (command == "eval") return sub == "encoder" || ((sub == "fid" || sub == "report") && hasOption("--extractor"));
    if (command == "version") return hasOption("--torch");
    return false;
}

const char* handOverToTorch(char** argv) {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "cannot find this executable's folder (/proc/self/exe)";
    const std::string torch = (self.parent_path() / "cwb-torch").string();
    if (access(torch.c_str(), X_OK) != 0) return "cwb-torch is not beside cwb (a build without LibTorch)";
    // libgomp reads its wait policy when cwb-torch loads it: passive threads sleep instead of
    // spinning, 15–25 % faster beside other work and the same on an idle machine (docs/
    // diffusion.md#cpu-threads). A user's own setting is kept.
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        setenv("CW_OMP_WAIT_POLICY_BY_CWB", "1", 1);
    }
    execv(torch.c_str(), argv);
    return std::strerror(errno);
}

}  // namespace cw::cli
