#pragma once
// `cwb` starts in milliseconds because it does not link LibTorch (Debian's brings ~280 shared
// libraries, OpenCV, HDF5 and a Qt5 runtime, loaded before main). The commands that need it
// are handed to `cwb-torch`, the same command line built with LibTorch, installed beside it.

namespace cw::cli {

/// True when this command line needs LibTorch: diffusion …, generate, props train|predict,
/// eval encoder, eval fid|report with --extractor, bench diffusion, version --torch.
bool needsTorch(int argc, char** argv);

/// Replaces this process by cwb-torch beside this executable with the same arguments. Returns
/// only when that fails (no cwb-torch: a build without LibTorch), with the reason.
const char* handOverToTorch(char** argv);

}  // namespace cw::cli
