#pragma once
/// @file Placement of a chart's legend and notes boxes: each goes to the candidate spot inside
/// the plot area (corners, or the legend stacked under the notes) that hides the least data.
/// Internal to engine/plot.

#include "plot/chart.h"
#include "plot/chart_layout.h"

namespace cw {

/// Moves layout.notes (preferring the top right) and then layout.legend (never over the notes)
/// to the spots `inset` px inside the plot area that cover the fewest data; boxes with w = 0 stay
/// absent. Needs the plot area and axes of `layout` set. Thread-safe.
void placeBoxes(const Chart& chart, ChartLayout& layout, int inset);

}  // namespace cw
