#pragma once
// What `cwb eval fid` and `cwb eval report` share: reading the real and generated images (with
// the data set resampled to the generated size when they differ), opening the feature
// extractor, and a progress line per stage.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/progress.h"
#include "eval/eval_images.h"
#include "eval/feature_extractor.h"
#include "progress_line.h"

namespace cw::cli {

struct EvalInputFlags {
    std::string real, generated, extractor = "spectral", split = "train", device = "auto";
    std::size_t maxReal = 0, maxGenerated = 0;
    int imageSize = 0;
    int threads = 0;
    bool progress = false;
};

/// Adds --real, --generated, --extractor, --split, --max-real, --max-generated, --image-size,
/// --device, --threads and --progress.
void addEvalInputOptions(CLI::App& cmd, EvalInputFlags& flags);

struct EvalInputs {
    EvalImages real, generated;
    std::size_t skippedFiles = 0;  ///< files named on stderr and left out
};

/// Reads the generated images, then the real ones. A data set stored at another size than the
/// generated images is resampled to theirs (ECD slices only; said on stderr); an explicit
/// --image-size applies to both. Unreadable files are named on stderr and counted. Throws
/// IoError (missing path), ValueError (nothing readable; sizes that cannot match), as
/// readEvalImages.
EvalInputs readEvalInputs(const EvalInputFlags& flags);

/// The extractor of --extractor for images of `channels` channels. A learned one needs a
/// LibTorch build (ConfigError otherwise). Throws as parseExtractorSpec / openLearnedExtractor.
std::unique_ptr<FeatureExtractor> openExtractor(const EvalInputFlags& flags, int channels);

/// A progress line on stderr that starts afresh at each new stage ("count", "features", …), so
/// rates and ETAs are per stage.
class StagedProgress final : public ProgressSink {
public:
    explicit StagedProgress(bool force) : m_force(force) {}
    void report(const ProgressEvent& event) override;
    void finish();

private:
    bool m_force;
    std::string m_stage;
    std::unique_ptr<ProgressLine> m_line;
};

/// Passes events on with `offset` added to the step and `total` as the total, so that two
/// passes (real, then generated images) show as one stage.
class OffsetProgress final : public ProgressSink {
public:
    OffsetProgress(ProgressSink& target, std::int64_t offset, std::int64_t total)
        : m_target(target), m_offset(offset), m_total(total) {}
    void report(const ProgressEvent& event) override {
        m_target.report({event.stage, event.step + m_offset, m_total, event.scalars});
    }

private:
    ProgressSink& m_target;
    std::int64_t m_offset, m_total;
};

}  // namespace cw::cli
