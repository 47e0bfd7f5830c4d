#pragma once
/// @file `cwb props ensemble`: the mean of several finished property runs' predictions, trained
/// on the same data set and split (typically the same config with other seeds). Averaging runs
/// lowers the error, and the spread between them says which predictions to trust. Torch-free:
/// it reads the members' predictions.csv and results.json only.
///
/// The output folder looks like a run to `cwb props report` and the Properties panel:
///   OUT/predictions.csv   the mean prediction per material and target (props_run.h format)
///   OUT/results.json      PropsResults of the mean, model "ensemble", members listed (absolute)
///   OUT/members.csv       material_id,split,target,true,mean,std,member_1,…,member_N
///   OUT/ensemble.json     per split and target: the ensemble's and each member's MAE, and how
///                         well the spread ranks the errors

#include <cstddef>
#include <string>
#include <vector>

#include "ml/props/props_model.h"
#include "ml/props/props_run.h"

namespace cw::ml {

/// How the ensemble did on one target of one split.
struct EnsembleTargetSummary {
    std::string split, target;
    std::size_t count = 0;              ///< materials with a true value
    double ensembleMae = 0;
    std::vector<double> memberMae;      ///< in member order
    double meanSpread = 0;              ///< mean over materials of the members' standard deviation
    /// Spearman rank correlation of the spread with the ensemble's absolute error: > 0 when a
    /// larger disagreement flags a larger error. NaN for fewer than 3 materials or no variation.
    double spreadErrorRankCorrelation = 0;
    /// MAE of the half of the materials where the members agree best, and of the other half.
    double maeLowSpreadHalf = 0, maeHighSpreadHalf = 0;
};

struct PropsEnsemble {
    PropsResults results;                    ///< what OUT/results.json holds
    std::vector<EnsembleTargetSummary> summaries;  ///< test, then val; targets in run order
    std::vector<std::string> written;        ///< files written
};

/// Averages the predictions of `runDirs` (at least two finished runs) into `outDir` (created; it
/// may not be a training run's directory). Members must predict the same materials, splits and
/// targets with the same true values. Throws ConfigError (fewer than two runs, a bad --out),
/// IoError (an unfinished member), FormatError naming the member's file and the material that
/// does not match.
PropsEnsemble ensemblePropsRuns(const std::vector<std::string>& runDirs, const std::string& outDir);

/// One input item predicted by several runs (`cwb props predict --run A B …`).
struct EnsemblePrediction {
    PropsPrediction mean;                    ///< values: the members' mean per target
    std::vector<double> spread;              ///< per target: std of the members' values (divided by N)
};

/// Averages predictProps' answers of several runs for the same inputs. `runDirs` name the
/// members in errors. Throws ConfigError when the members list other items (another count, or
/// another id at the same place: runs with other filters) or predict other numbers of targets.
std::vector<EnsemblePrediction> averagePropsPredictions(const std::vector<std::vector<PropsPrediction>>& byMember,
                                                        const std::vector<std::string>& runDirs);

}  // namespace cw::ml
