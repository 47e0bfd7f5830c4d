#pragma once
/// @file Colours and sizes that the PNG and SVG charts share, so both look alike.

#include <cstdint>

namespace cw::chart_style {

constexpr std::uint32_t kBackground = 0xFFFFFF;
constexpr std::uint32_t kText = 0x222222;
constexpr std::uint32_t kFrame = 0x333333;
constexpr std::uint32_t kGrid = 0xE8E8E8;       ///< major grid lines, under the data
constexpr std::uint32_t kMinorGrid = 0xF4F4F4;  ///< log-axis minor grid lines
constexpr std::uint32_t kDiagonal = 0x777777;   ///< y = x of parity plots, dashed
constexpr std::uint32_t kBoxBorder = 0xBBBBBB;
constexpr std::uint32_t kLegendFill = 0xFFFFFF;
constexpr std::uint32_t kNotesFill = 0xF2F2F2;
constexpr double kBoxAlpha = 0.9;
constexpr double kBarAlpha = 0.45;    ///< two overlaid histograms stay readable
constexpr double kPointAlpha = 0.75;  ///< dense scatter shows its density
/// Line widths and marker radius in multiples of the layout's text scale (px at scale 1).
constexpr double kLineWidth = 1.25;
constexpr double kMarkerRadius = 2.25;
constexpr double kDashLength = 6.0, kDashGap = 4.0;

}  // namespace cw::chart_style
