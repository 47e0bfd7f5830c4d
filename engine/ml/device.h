#pragma once
/// @file Compute devices for the LibTorch modules: which exist, and parsing `--device`.
/// Torch-free header.

#include <string>

namespace cw::ml {

/// LibTorch's version, e.g. "1.13.1".
std::string torchVersion();

/// True when this LibTorch build has CUDA and at least one GPU is visible.
bool cudaAvailable();

/// Number of visible CUDA devices (0 on a CPU build).
int cudaDeviceCount();

/// Resolves "auto" (CUDA if available, else CPU), "cpu", "cuda" or "cuda:N" to a canonical
/// device string. Throws ConfigError for an unknown spelling or a missing GPU.
std::string resolveDevice(const std::string& request);

/// Sets LibTorch's intra-op thread count (it defaults to one thread on Debian's build) and
/// returns it; `threads` ≤ 0 means the cores free of other work (freeCpuCores()).
int setTorchThreads(int threads);

}  // namespace cw::ml
