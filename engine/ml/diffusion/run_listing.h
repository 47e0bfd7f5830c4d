#pragma once
/// @file The diffusion runs of a workspace folder, as the Runs panel lists them (torch-free).

#include <string>
#include <vector>

#include "ml/run_directory.h"

namespace cw::ml {

/// A run found in a workspace.
struct RunSummary {
    std::string directory;
    std::string name;  ///< the directory's name
    RunStatus status;
    std::string dataDir;  ///< from config.json ("" if unreadable)
};
/// The immediate sub-directories of `workspace` that hold a config.json, sorted by name.
/// Unreadable runs are listed with state Failed and the reason as message. Throws IoError when
/// `workspace` is not a readable folder.
std::vector<RunSummary> listRuns(const std::string& workspace);

}  // namespace cw::ml
