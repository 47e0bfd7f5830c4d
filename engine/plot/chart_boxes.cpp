#include "plot/chart_boxes.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cw {
namespace {

using Style = ChartSeries::Style;

// Coarse map of the plot area's cells (4 px) that data cover, to put boxes where they hide least.
class Occupancy {
public:
    explicit Occupancy(const ChartLayout& layout) : m_plot(layout.plot) {
        m_cols = (m_plot.w + kCell - 1) / kCell, m_rows = (m_plot.h + kCell - 1) / kCell;
        m_cells.assign(static_cast<std::size_t>(m_cols) * m_rows, 0);
    }
    void mark(double px, double py) {
        const int c = static_cast<int>(std::floor((px - m_plot.x) / kCell));
        const int r = static_cast<int>(std::floor((py - m_plot.y) / kCell));
        if (c >= 0 && r >= 0 && c < m_cols && r < m_rows)
            m_cells[static_cast<std::size_t>(r) * m_cols + c] = 1;
    }
    void markSegment(double x0, double y0, double x1, double y1) {
        if (!std::isfinite(x0 + y0 + x1 + y1)) return;
        const int steps = std::min(100000, 1 + static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 2));
        for (int i = 0; i <= steps; ++i)
            mark(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
    }
    void markArea(double x0, double y0, double x1, double y1) {
        if (!std::isfinite(x0 + y0 + x1 + y1)) return;
        for (double py = std::min(y0, y1); py <= std::max(y0, y1); py += kCell / 2.0)
            markSegment(x0, py, x1, py);
    }
    int count(const PixelBox& box) const {
        int n = 0;
        for (int r = 0; r < m_rows; ++r)
            for (int c = 0; c < m_cols; ++c) {
                const PixelBox cell{m_plot.x + c * kCell, m_plot.y + r * kCell, kCell, kCell};
                n += m_cells[static_cast<std::size_t>(r) * m_cols + c] && cell.overlaps(box);
            }
        return n;
    }

private:
    static constexpr int kCell = 4;
    PixelBox m_plot;
    int m_cols = 0, m_rows = 0;
    std::vector<char> m_cells;
};

Occupancy occupancy(const Chart& chart, const ChartLayout& layout) {
    Occupancy map(layout);
    const double bottom = layout.plot.y + layout.plot.h - 1;
    for (const ChartSeries& s : chart.series) {
        for (std::size_t i = 0; i < s.y.size(); ++i) {
            const double top = layout.yPixel(s.y[i]);
            if ((s.style == Style::Bars || s.style == Style::Steps))
                map.markArea(layout.xPixel(s.x[i]), std::isfinite(top) ? top : bottom,
                             layout.xPixel(s.x[i + 1]), bottom);
            else if (s.style == Style::Line && i + 1 < s.y.size())
                map.markSegment(layout.xPixel(s.x[i]), top, layout.xPixel(s.x[i + 1]),
                                layout.yPixel(s.y[i + 1]));
            else
                map.markArea(layout.xPixel(s.x[i]) - 3, top - 3, layout.xPixel(s.x[i]) + 3,
                             top + 3);
        }
    }
    if (chart.diagonal) {
        const auto path = diagonalPath(layout);
        for (std::size_t i = 0; i + 1 < path.size(); ++i)
            map.markSegment(path[i].first, path[i].second, path[i + 1].first, path[i + 1].second);
    }
    return map;
}

// The candidate with the fewest covered cells; ties go to the earlier candidate.
PixelBox leastCovered(const Occupancy& map, const std::vector<PixelBox>& candidates,
                      const PixelBox& avoid) {
    PixelBox best;
    long long bestScore = std::numeric_limits<long long>::max();
    for (const PixelBox& box : candidates) {
        const long long score = map.count(box) + (box.overlaps(avoid) ? 1000000000LL : 0);
        if (score < bestScore) best = box, bestScore = score;
    }
    return best;
}

}  // namespace

void placeBoxes(const Chart& chart, ChartLayout& l, int inset) {
    const Occupancy map = occupancy(chart, l);
    const auto corners = [&](const PixelBox& b) {
        const int xl = l.plot.x + inset, xr = l.plot.x + l.plot.w - inset - b.w;
        const int yt = l.plot.y + inset, yb = l.plot.y + l.plot.h - inset - b.h;
        return std::vector<PixelBox>{
            {xr, yt, b.w, b.h}, {xl, yt, b.w, b.h}, {xr, yb, b.w, b.h}, {xl, yb, b.w, b.h}};
    };
    if (l.notes.w > 0) l.notes = leastCovered(map, corners(l.notes), PixelBox{});
    if (l.legend.w > 0) {
        std::vector<PixelBox> candidates = corners(l.legend);
        if (l.notes.w > 0) {  // stacked under the notes, on the notes' side
            const bool notesRight = l.notes.x + l.notes.w > l.plot.x + l.plot.w / 2;
            const int lx = notesRight ? l.notes.x + l.notes.w - l.legend.w : l.notes.x;
            const int ly = l.notes.y < l.plot.y + l.plot.h / 2 ? l.notes.y + l.notes.h + inset
                                                               : l.notes.y - inset - l.legend.h;
            candidates.insert(candidates.begin() + 2, PixelBox{lx, ly, l.legend.w, l.legend.h});
        }
        l.legend = leastCovered(map, candidates, l.notes);
    }
}

}  // namespace cw
