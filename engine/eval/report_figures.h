#pragma once
/// @file The figures of an evaluation report (evaluation_report.h): the atoms-per-slice chart and
/// the nearest-neighbour gallery, built without writing them, so the window can show the same.

#include <cstddef>

#include "eval/evaluation.h"
#include "metrics/wasserstein.h"
#include "plot/canvas.h"
#include "plot/chart.h"

namespace cw {

/// The atoms-per-slice histograms of both sets on shared edges: one bin per integer
/// (integerHistograms) up to 60 bins, else bins of a whole number of atoms so that there are at
/// most 60. Throws ValueError for empty or non-finite counts.
std::pair<Histogram, Histogram> countHistograms(const std::vector<double>& real,
                                                const std::vector<double>& generated);

/// The atoms-per-slice histograms of the training and the generated images overlaid (unit bins,
/// as fractions of each set so that sets of different size compare), with KS D and p, W1, the
/// means, the N's and, when computed, FID/KID and the extractor in the notes. Throws ValueError
/// when the result holds no counts.
Chart countsChart(const EvaluationResult& result);

/// Up to `maxPairs` [generated | nearest training] pairs, closest first (RMS pixel distance),
/// `columns` pairs to a row, each labelled with the distance and both names; channel 0 shown.
/// Throws ValueError when the result holds no pixel neighbours or the images do not match it.
Canvas neighbourGallery(const EvaluationResult& result, const EvalImages& real,
                        const EvalImages& generated, std::size_t maxPairs = 24, int columns = 4);

}  // namespace cw
