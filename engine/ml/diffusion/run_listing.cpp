#include "ml/diffusion/run_listing.h"

#include <algorithm>
#include <exception>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/diffusion/training_config.h"

namespace cw::ml {

namespace fs = std::filesystem;

std::vector<RunSummary> listRuns(const std::string& workspace) {
    std::error_code ec;
    if (!fs::is_directory(workspace, ec)) throw IoError(workspace, "not a folder");
    std::vector<RunSummary> runs;
    fs::directory_iterator it(workspace, ec);
    if (ec) throw IoError(workspace, "cannot list folder: " + ec.message());
    for (fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) throw IoError(workspace, "cannot list folder: " + ec.message());
        if (!it->is_directory(ec) || !fs::is_regular_file(runConfigPath(it->path().string())))
            continue;
        RunSummary run;
        run.directory = it->path().string();
        run.name = it->path().filename().string();
        try {
            run.status = readRunStatus(run.directory);
            run.dataDir =
                diffusionTrainingConfigFromJson(readFileToString(runConfigPath(run.directory)), {},
                                                runConfigPath(run.directory))
                    .dataDir;
        } catch (const std::exception& e) {  // one broken run must not hide the others
            run.status.state = RunState::Failed;
            run.status.message = e.what();
        }
        runs.push_back(std::move(run));
    }
    std::sort(runs.begin(), runs.end(),
              [](const RunSummary& a, const RunSummary& b) { return a.name < b.name; });
    return runs;
}

}  // namespace cw::ml
