#pragma once
/// @file Feature extractors for the Fréchet (FID) and kernel (KID) distances. Every reported
/// distance names its extractor and the image counts (docs/spec/metrics.md). Torch-free interface;
/// the learned extractors (TorchScript file, domain encoder) live in engine/ml.

#include <Eigen/Core>
#include <memory>
#include <stop_token>
#include <string>

#include "core/progress.h"
#include "eval/eval_images.h"

namespace cw {

/// Which extractor: the text of `--extractor`.
struct ExtractorSpec {
    enum class Kind {
        Spectral,     ///< "spectral": fixed, training-free features (see makeSpectralExtractor)
        TorchScript,  ///< "FILE.pt": a TorchScript module, e.g. pytorch-fid's InceptionV3
        Domain,       ///< "domain:RUN": the encoder of a run trained on the data set
    };
    Kind kind = Kind::Spectral;
    std::string path;  ///< the file or the run folder
};

/// Parses "spectral", "domain:RUN" or a path ending in ".pt"/".pth". Throws ConfigError with the
/// accepted forms otherwise.
ExtractorSpec parseExtractorSpec(const std::string& text);

/// Maps images to feature vectors (one row per image).
class FeatureExtractor {
public:
    virtual ~FeatureExtractor() = default;
    /// Names the extractor for reports, e.g. "spectral-v1 (96-d)" or
    /// "torchscript:pt_inception.pt (2048-d)".
    virtual std::string name() const = 0;
    virtual int dimension() const = 0;
    /// Features of every image (count × dimension). Reports ProgressEvent{"features", done,
    /// count}; returns early with the rows done so far zeroed when `stop` is requested.
    /// Throws ValueError when the images do not fit the extractor (channels, size).
    virtual Eigen::MatrixXd extract(const EvalImages& images, ProgressSink* progress = nullptr,
                                    std::stop_token stop = {}) = 0;
};

/// Training-free features that need no download: the radially averaged log power spectrum
/// (lattice periodicities; 48 bins up to Nyquist), the intensity histogram (24 bins of [0, 1])
/// and blob statistics (ln(1 + count), and the histogram of nearest-blob distances in pixels;
/// 24 bins), per channel: 97 numbers per channel (spectral_features.h has the exact
/// definition). Invariant to the D4 symmetries of the square. Cheap: a few milliseconds per
/// 256² image. `channels` > 0: made for images of that many channels (extract() throws
/// ValueError for others); 0: takes any, and name() and dimension() follow the images of the
/// latest extract() (97·C; 97 before the first). extract() runs on `threads` threads (0 = all
/// cores) and is thread-safe. Throws ValueError for channels < 0.
std::unique_ptr<FeatureExtractor> makeSpectralExtractor(int channels = 0, int threads = 0);

}  // namespace cw
