#pragma once
/// @file The learned feature extractors of FID/KID (docs/evaluation.md, "Feature extractors"):
/// a user-supplied TorchScript module such as pytorch-fid's InceptionV3, or the domain encoder
/// of a run written by trainEncoder (encoder_training.h). Torch-free header; a torch-less build
/// has no implementation (the CLI checks CW_WITH_TORCH).

#include <memory>
#include <string>

#include "eval/feature_extractor.h"

namespace cw::ml {

/// Opens the extractor of `spec` (Kind::TorchScript or Kind::Domain; Kind::Spectral gives
/// makeSpectralExtractor()). `device`: "auto", "cpu", "cuda" or "cuda:N"; `threads`: LibTorch
/// CPU threads (0 = all cores, negative = leave the current setting).
///
/// TorchScript: the module gets float N×C×H×W batches in [0, 1], a 1-channel image repeated to
/// 3 channels (pytorch-fid's InceptionV3 resizes to 299 px and normalises by itself); its output
/// may be a tensor or a tuple/list whose last element is taken (pytorch-fid returns the list of
/// requested block outputs), flattened to one row per image. The dimension comes from a probe
/// batch (1 × 3 × 64 × 64 zeros) or, if the module refuses it, from the first extract().
/// Named "torchscript:<file name> (F-d)".
///
/// Domain: RUN/encoder.json and RUN/encoder.pt; images must have the encoder's channel count
/// and are resized to its image size (area averaging down, bilinear up); features are the
/// pooled latent. Named "domain:<run name> (F-d, autoencoder)".
///
/// Throws IoError (missing file or folder), FormatError naming the file (not a TorchScript
/// module, a malformed encoder.json or weights), ConfigError (bad device). extract() throws
/// ValueError for images the extractor cannot take, and cw::Error for a module that fails.
std::unique_ptr<FeatureExtractor> openLearnedExtractor(const ExtractorSpec& spec,
                                                       const std::string& device = "auto",
                                                       int threads = -1);

}  // namespace cw::ml
