#pragma once
/// @file Property prediction from CrysTens images (issue 8): training a CNN regressor into a
/// run directory (props_run.h) and predicting with it. Torch-free header, so the CLI and the
/// GUI's worker include no torch.

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.h"
#include "ml/props/props_config.h"

namespace cw::ml {

struct PropsTrainingResult {
    int epochsDone = 0;
    int bestEpoch = 0;           ///< 1-based; the weights in checkpoints/best.pt
    double bestValLoss = 0;      ///< masked MSE in transformed units
    bool finished = false;       ///< results.json and predictions.csv were written
    bool stoppedEarly = false;   ///< by patience, before config.epochs
    bool cancelled = false;
};

/// Trains the model of `config` into `runDir`.
/// - New run (resume = false): runDir must be empty or absent; config.json and data.json
///   (targets and their transform, fitted on the training split) are written first.
/// - Resume: runDir's config.json is used (`config` only contributes `epochs`, which may extend
///   the run, `device` and `threads`); training continues after the last finished epoch from
///   checkpoints/latest.pt (weights, optimiser, early-stopping state, random state).
/// Each epoch: AdamW over the shuffled training items (the order depends on seed and epoch
/// only), masked MSE (missing labels do not count), then the validation loss; a row of
/// metrics.csv, latest.pt, best.pt when the validation loss improved, status.json.
/// Progress: ProgressEvent{"props", epoch, epochs, {train_loss, val_loss, lr}} after each epoch
/// and {"props_batch", batch, batches, {loss}} during one.
/// At the end (all epochs, or patience exhausted) the best weights predict every kept item:
/// RUN/predictions.csv and RUN/results.json (metrics per target on the val and test splits,
/// original units).
/// With config.emaDecay > 0 an exponential moving average of the weights is updated after each
/// step; it gives the validation loss, best.pt and the predictions, and latest.pt keeps it
/// beside the raw weights so that resume continues both.
/// Cancellation: `stop` is checked between batches; the unfinished epoch is dropped, status
/// says "cancelled" and resume continues from the last finished epoch.
/// Backbone models: a new run copies config.backboneFile to RUN/backbone.pt, which resume and
/// prediction read. Guides (config.noisyFor): each batch is diffused with the diffusion run's
/// forward process at steps t ~ U{0, …, T−1} drawn, then the noise, from the global generator;
/// the validation loss uses a fixed draw (seeded from config.seed); results.json and
/// predictions.csv are on clean inputs (t = 0); data.json records the run, T and schedule.
/// Throws ConfigError (bad config, unknown target, runDir not empty, nothing to resume, a
/// noisyFor that is not a diffusion run or learnt another kind or shape of images),
/// ValueError (a sqrt transform with negative targets, a diverging loss), IoError (a missing
/// backbone file), FormatError (also a file that is not a usable TorchScript module);
/// status.json then says "failed" with the message.
PropsTrainingResult trainProps(const PropsConfig& config, const std::string& runDir, bool resume,
                               std::stop_token stop, ProgressSink& progress,
                               const std::function<void(const std::string&)>& log = {});

/// The predictions of a run for one input item.
struct PropsPrediction {
    std::string source;                       ///< the input path
    std::string id;                           ///< material id (data set) or structure id/file
    std::string split;                        ///< the data set's split; empty for structures
    std::vector<double> values;               ///< per target, original units
    std::vector<std::optional<double>> truth;  ///< per target from the data set's table, if any
};

struct PropsPredictOptions {
    std::string checkpoint = "best";   ///< "best", "latest" or a .pt path
    std::string split = "all";         ///< which items of data-set inputs
    std::string device = "auto";
    int threads = 0;
    int batchSize = 64;
};

/// The target names of a run (from RUN/data.json). Throws IoError, FormatError.
std::vector<std::string> propsRunTargets(const std::string& runDir);

/// Predicts with a run's weights. Each input is a data-set folder (its items of options.split,
/// no filters) or a structure file of any readable format (every structure in it, encoded as
/// the run's data set encodes: CrysTens with its cell choice and normalisation). A guide run
/// predicts its inputs as clean ones (diffusion step 0). Throws
/// ConfigError (no weights yet, a structure input for a non-CrysTens run), IoError,
/// FormatError, ValueError (a structure that cannot be encoded).
std::vector<PropsPrediction> predictProps(const std::string& runDir, const std::vector<std::string>& inputs,
                                          const PropsPredictOptions& options = {});

}  // namespace cw::ml
