#pragma once
/// @file Crystals generated end to end (torch-free header): sample a CrysTens/xtal2png
/// diffusion run, decode every image with the run's encoding, optionally symmetrise and refine,
/// write one CIF per crystal, and judge them with the crystal evaluator. Batches are written as
/// they finish, so a cancelled job keeps what is done and the next call resumes it.

#include <cstddef>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.h"
#include "crystal_eval/crystal_report.h"
#include "encoding/crystal_encoding.h"
#include "ml/generation/sampling.h"

namespace cw::ml {

struct GenerationRequest {
    std::string runDir;  ///< a diffusion run trained on an encoding data set
    /// count, batchSize (the resume unit), sampler (its seed is the first batch's), guidance,
    /// checkpoint, device, threads; `stacked` and `png` are ignored.
    SampleRequest sample;
    EncodingDecodeSettings decode;
    std::string reference;  ///< the reference (test) crystals: any collection or data set
    std::string training;   ///< the training crystals (novelty); "" = none
    /// "perov5", "carbon24" or "mp20": coverage cutoffs and the published rows; "" = none.
    std::string dataset;
    CrystalReportOptions report;  ///< coverage is set from `dataset`
};

struct GenerationResult {
    std::size_t generated = 0;       ///< images sampled (this call and resumed batches)
    std::size_t decoded = 0;         ///< of which decoded to a crystal with sites
    std::size_t batchesResumed = 0;  ///< batches found finished on disk
    bool cancelled = false;
    double imagesPerSecond = 0;      ///< sampling rate of this call (0 when all was resumed)
    double crystalsPerSecond = 0;    ///< generated crystals per second of this call, end to end
    std::vector<std::string> undecodable;  ///< "id: reason" for images without a crystal
    std::vector<std::string> skipped;      ///< "where: reason" of unreadable reference/training entries
    CrystalReport report;            ///< empty (generated = 0) when cancelled
    /// The sets it was judged against (for a viewer that opens a nearest training crystal).
    std::vector<Structure> reference, training;
};

/// The encoding of a run's data (RUN/data.json "encoding"). Throws ConfigError for an ECD run
/// (slices are not crystals) or a run without one, IoError, FormatError.
EncodingSpec runEncoding(const std::string& runDir);

/// Generates into `outDir`: generate.json (the options, checked on resume: another request for
/// the same folder is a ConfigError naming the difference), batches/batch-NNNNN.npy (images in
/// [0, 1], channels first) and batch-NNNNN.json (ids and decode outcome; written last, it marks
/// the batch finished), cifs/sample-NNNNN.cif (P1, one per decoded crystal), then samples.npy
/// with encoding.json, report.json, crystals.csv, valid/ unique/ novel/ CIFs and figures
/// (writeCrystalReport). Progress: stage "generate" (crystals done of count, images_per_s) at
/// every denoising step, with batches_done at each batch's end; then the evaluator's stages. `stop`
/// is polled between denoising steps and evaluation items. Throws ConfigError, IoError,
/// FormatError.
GenerationResult generateCrystals(const GenerationRequest& request, const std::string& outDir,
                                  ProgressSink& progress, std::stop_token stop = {});

/// The model shipped with the package (resources/models/perov5-crystens): $CW_MODEL_DIR when
/// set, else the installed share/crystal-workbench/models/perov5-crystens beside the executable,
/// else the source tree's copy. Empty when none exists.
std::string defaultGenerationRun();

}  // namespace cw::ml
