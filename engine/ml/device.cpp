#include "ml/device.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <thread>

#include "core/error.h"
#include "core/parallel.h"

namespace cw::ml {

std::string torchVersion() { return TORCH_VERSION; }

bool cudaAvailable() { return torch::cuda::is_available(); }

int cudaDeviceCount() { return static_cast<int>(torch::cuda::device_count()); }

std::string resolveDevice(const std::string& request) {
    if (request == "auto") return cudaAvailable() ? "cuda:0" : "cpu";
    if (request == "cpu") return "cpu";
    int index = 0;
    if (request == "cuda") index = 0;
    else if (request.rfind("cuda:", 0) == 0) {
        try {
            std::size_t used = 0;
            index = std::stoi(request.substr(5), &used);
            if (used != request.size() - 5 || index < 0) throw std::invalid_argument("index");
        } catch (const std::exception&) {
            throw ConfigError("device '" + request + "': expected auto, cpu, cuda or cuda:N");
        }
    } else {
        throw ConfigError("device '" + request + "': expected auto, cpu, cuda or cuda:N");
    }
    if (index >= cudaDeviceCount()) {
        throw ConfigError("device '" + request + "' requested but " +
                          std::to_string(cudaDeviceCount()) + " CUDA device(s) are visible" +
                          (cudaAvailable() ? "" : " (this LibTorch build or machine has no CUDA)"));
    }
    return "cuda:" + std::to_string(index);
}

int setTorchThreads(int threads) {
    const int n = threads > 0 ? threads : freeCpuCores();
    at::set_num_threads(n);
    return n;
}

}  // namespace cw::ml
