#pragma once

#include "report/report_image.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::report {

// One line of a chart; points whose y is NaN are left out (the line breaks there).
struct ChartSeries {
    std::string label;
    std::array<std::uint8_t, 3> rgb{};
    std::vector<double> x;
    std::vector<double> y;
};

struct LineChart {
    std::string title;
    std::string xLabel;
    std::string yLabel;
    std::vector<ChartSeries> series;
    bool percentTicks = false;  // y tick labels as "90%" for fractions
    bool includeZero = false;   // the y axis starts at (or passes through) zero, as for losses
    std::optional<double> yMin; // hard bounds of the y axis (0 and 1 for accuracies)
    std::optional<double> yMax;
    bool integerX = false; // x ticks on whole numbers only (epochs)
};

// Draws `chart` with OpenCV (anti-aliased lines, axes, ticks, labels, legend) on a white
// `width` x `height` canvas and returns it as PNG. Text and lines are sized for showing the
// image at half its size, so it stays sharp on paper and on high-density screens. Labels
// must be ASCII (OpenCV's Hershey fonts). A chart with no points draws its axes and says so.
ReportImage drawLineChart(const LineChart& chart, const std::string& name, int width = 1200,
                          int height = 600);

} // namespace kestrel::report
