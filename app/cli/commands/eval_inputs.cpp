#include "commands/eval_inputs.h"

#include <filesystem>
#include <iostream>

#include "core/error.h"
#include "core/problem_log.h"
#include "dataset/image_set.h"

#if CW_WITH_TORCH && __has_include("ml/features/learned_features.h")
#include "ml/features/learned_features.h"
#define CW_EVAL_LEARNED 1
#endif

namespace cw::cli {
namespace fs = std::filesystem;

namespace {

EvalImages readReported(const std::string& path, const EvalImagesOptions& options,
                        std::size_t& skipped) {
    ProblemLog problems;
    EvalImages images;
    try {
        images = readEvalImages(path, options, problems);
    } catch (...) {
        for (const Problem& p : problems.problems())
            std::cerr << "cwb: skipped " << p.where << ": " << p.reason << '\n';
        throw;
    }
    for (const Problem& p : problems.problems())
        std::cerr << "cwb: skipped " << p.where << ": " << p.reason << '\n';
    if (problems.count() > problems.problems().size())
        std::cerr << "cwb: … and " << problems.count() - problems.problems().size() << " more\n";
    skipped += problems.count();
    return images;
}

}  // namespace

void addEvalInputOptions(CLI::App& cmd, EvalInputFlags& f) {
    cmd.add_option("--real", f.real,
                   "Training images: a data set folder (cwb ecd build), a folder of .npy/.png, or "
                   "one .npy/.png")
        ->required();
    cmd.add_option("--generated", f.generated,
                   "Generated images: a folder (samples.npy of cwb diffusion sample, else its "
                   ".npy, else its .png files) or one .npy/.png")
        ->required();
    cmd.add_option("--extractor", f.extractor,
                   "FID/KID features: spectral, FILE.pt (TorchScript, e.g. InceptionV3) or "
                   "domain:RUN")
        ->capture_default_str();
    cmd.add_option("--split", f.split, "Split of the real data set: train, val, test or all")
        ->capture_default_str();
    cmd.add_option("--max-real", f.maxReal, "Use at most N real images (0: all)");
    cmd.add_option("--max-generated", f.maxGenerated, "Use at most N generated images (0: all)");
    cmd.add_option("--image-size", f.imageSize,
                   "Side in pixels (default: the generated images'; an ECD data set is resampled "
                   "to it)")
        ->check(CLI::Range(8, 1024));
    cmd.add_option("--device", f.device, "Learned extractors: auto, cpu, cuda or cuda:N")
        ->capture_default_str();
    cmd.add_option("--threads", f.threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
    cmd.add_flag("--progress", f.progress, "Progress line on stderr even when it is not a terminal");
}

EvalInputs readEvalInputs(const EvalInputFlags& f) {
    EvalInputs in;
    EvalImagesOptions gen;
    gen.maxImages = f.maxGenerated;
    gen.imageSize = f.imageSize;
    in.generated = readReported(f.generated, gen, in.skippedFiles);

    EvalImagesOptions real;
    real.split = f.split;
    real.maxImages = f.maxReal;
    real.imageSize = f.imageSize;
    if (f.imageSize == 0) {
        const RealImageSize size = realImageSizeFor(f.real, f.split, in.generated);
        real.imageSize = size.imageSize;
        if (!size.note.empty()) std::cerr << "cwb: " << size.note << " (--image-size to choose)\n";
    }
    in.real = readReported(f.real, real, in.skippedFiles);
    return in;
}

std::unique_ptr<FeatureExtractor> openExtractor(const EvalInputFlags& f, int channels) {
    const ExtractorSpec spec = parseExtractorSpec(f.extractor);
    if (spec.kind == ExtractorSpec::Kind::Spectral) return makeSpectralExtractor(channels, f.threads);
#ifdef CW_EVAL_LEARNED
    return ml::openLearnedExtractor(spec, f.device, f.threads);
#else
    throw ConfigError("--extractor " + f.extractor +
                      ": this build of cwb has no LibTorch, so only the spectral extractor is "
                      "available");
#endif
}

void StagedProgress::report(const ProgressEvent& event) {
    if (!m_line || event.stage != m_stage) {
        if (m_line) m_line->finish();
        const char* unit = event.stage == "neighbours" ? "steps" : "images";
        m_line = std::make_unique<ProgressLine>(unit, m_force);
        m_stage = event.stage;
    }
    m_line->report(event);
}

void StagedProgress::finish() {
    if (m_line) m_line->finish();
    m_line.reset();
}

}  // namespace cw::cli
