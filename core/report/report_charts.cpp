#include "report/report_charts.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::report {

namespace {

// Sizes for a canvas shown at half size: 2 px lines and ~11 px text on the page.
constexpr int kLeft = 150, kRight = 40, kTop = 90, kBottom = 110;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr int kShift = 4; // sub-pixel bits for lines and circles
const cv::Scalar kInk(40, 40, 40), kGrid(228, 228, 228), kWhite(255, 255, 255);

struct Range {
    double low = 0;
    double high = 1;
    double step = 0.2;
};

double niceStep(double span, int targetTicks) {
    const double raw = span / targetTicks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normal = raw / magnitude;
    const double nice = normal < 1.5 ? 1 : normal < 3 ? 2 : normal < 7 ? 5 : 10;
    return nice * magnitude;
}

Range niceRange(double low, double high, int targetTicks, std::optional<double> minimum,
                std::optional<double> maximum) {
    if (high - low < 1e-12) {
        const double pad = std::max(std::abs(high) * 0.1, 0.05);
        low -= pad;
        high += pad;
    }
    Range range;
    range.step = niceStep(high - low, targetTicks);
    range.low = std::floor(low / range.step) * range.step;
    range.high = std::ceil(high / range.step) * range.step;
    range.low = minimum ? std::max(range.low, *minimum) : range.low;
    range.high = maximum ? std::min(range.high, *maximum) : range.high;
    return range;
}

cv::Point fixedPoint(double x, double y) {
    return {static_cast<int>(std::lround(x * (1 << kShift))),
            static_cast<int>(std::lround(y * (1 << kShift)))};
}

void text(cv::Mat& canvas, const std::string& words, cv::Point origin, double scale,
          int thickness = 2) {
    cv::putText(canvas, words, origin, kFont, scale, kInk, thickness, cv::LINE_AA);
}

cv::Size textSize(const std::string& words, double scale, int thickness = 2) {
    int baseline = 0;
    return cv::getTextSize(words, kFont, scale, thickness, &baseline);
}

// The y axis title reads bottom to top: drawn level on its own canvas, then turned.
void verticalText(cv::Mat& canvas, const std::string& words, cv::Point centre, double scale) {
    const cv::Size size = textSize(words, scale);
    cv::Mat level(size.height + 12, size.width + 4, CV_8UC3, kWhite);
    text(level, words, {2, size.height + 4}, scale);
    cv::Mat turned;
    cv::rotate(level, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
    const cv::Rect where(centre.x - turned.cols / 2, centre.y - turned.rows / 2, turned.cols,
                         turned.rows);
    if ((where & cv::Rect(0, 0, canvas.cols, canvas.rows)) == where) {
        turned.copyTo(canvas(where));
    }
}

std::string tickLabel(double value, double step, bool percent) {
    const double shown = percent ? 100 * value : value;
    const double shownStep = percent ? 100 * step : step;
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(shownStep) + 1e-9)));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, percent ? "%.*f%%" : "%.*f", decimals,
                  std::abs(shown) < 1e-12 ? 0.0 : shown);
    return buffer;
}

} // namespace

ReportImage drawLineChart(const LineChart& chart, const std::string& name, int width, int height) {
    cv::Mat canvas(height, width, CV_8UC3, kWhite);
    const cv::Rect plot(kLeft, kTop, width - kLeft - kRight, height - kTop - kBottom);

    double xLow = std::numeric_limits<double>::infinity(), xHigh = -xLow;
    double yLow = xLow, yHigh = -xLow;
    for (const ChartSeries& series : chart.series) {
        for (std::size_t i = 0; i < std::min(series.x.size(), series.y.size()); ++i) {
            if (std::isfinite(series.x[i]) && std::isfinite(series.y[i])) {
                xLow = std::min(xLow, series.x[i]);
                xHigh = std::max(xHigh, series.x[i]);
                yLow = std::min(yLow, series.y[i]);
                yHigh = std::max(yHigh, series.y[i]);
            }
        }
    }
    const bool empty = !std::isfinite(xLow);
    if (empty) {
        xLow = 0, xHigh = 1, yLow = 0, yHigh = 1;
    }
    if (chart.includeZero) {
        yLow = std::min(yLow, 0.0);
        yHigh = std::max(yHigh, 0.0);
    }
    const Range ys = niceRange(yLow, yHigh, 5, chart.yMin, chart.yMax);
    Range xs;
    if (chart.integerX) {
        // A little room either side, so the first and last dots are not cut by the frame.
        const double pad = std::max(0.25, (xHigh - xLow) * 0.02);
        xs.low = xLow - pad;
        xs.high = xHigh + pad;
        xs.step = std::max(1.0, std::round(niceStep(xHigh - xLow + 1, 8)));
    } else {
        xs = niceRange(xLow, xHigh, 8, std::nullopt, std::nullopt);
    }
    const auto px = [&](double x) {
        return plot.x + (x - xs.low) / (xs.high - xs.low) * plot.width;
    };
    const auto py = [&](double y) {
        return plot.y + plot.height - (y - ys.low) / (ys.high - ys.low) * plot.height;
    };

    // Grid, ticks and their labels.
    for (double y = ys.low; y <= ys.high + ys.step * 1e-6; y += ys.step) {
        const double at = py(y);
        cv::line(canvas, fixedPoint(plot.x, at), fixedPoint(plot.x + plot.width, at), kGrid, 2,
                 cv::LINE_AA, kShift);
        const std::string label = tickLabel(y, ys.step, chart.percentTicks);
        const cv::Size size = textSize(label, 0.75);
        text(canvas, label, {plot.x - 14 - size.width, static_cast<int>(at) + size.height / 2},
             0.75);
    }
    const double firstX = std::ceil(xs.low / xs.step - 1e-9) * xs.step;
    for (double x = firstX; x <= xs.high + xs.step * 1e-6; x += xs.step) {
        const double at = px(x);
        cv::line(canvas, fixedPoint(at, plot.y + plot.height),
                 fixedPoint(at, plot.y + plot.height + 10), kInk, 2, cv::LINE_AA, kShift);
        const std::string label = tickLabel(x, xs.step, false);
        const cv::Size size = textSize(label, 0.75);
        text(canvas, label, {static_cast<int>(at) - size.width / 2, plot.y + plot.height + 40},
             0.75);
    }
    cv::rectangle(canvas, plot, kInk, 2, cv::LINE_AA);

    // The lines, broken where a value is missing; dots when there are few enough to count.
    for (const ChartSeries& series : chart.series) {
        const cv::Scalar colour(series.rgb[2], series.rgb[1], series.rgb[0]);
        const std::size_t count = std::min(series.x.size(), series.y.size());
        const bool dots = count <= 40;
        for (std::size_t i = 0; i < count; ++i) {
            if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) {
                continue;
            }
            const cv::Point here = fixedPoint(px(series.x[i]), py(series.y[i]));
            if (i + 1 < count && std::isfinite(series.x[i + 1]) && std::isfinite(series.y[i + 1])) {
                cv::line(canvas, here, fixedPoint(px(series.x[i + 1]), py(series.y[i + 1])), colour,
                         4, cv::LINE_AA, kShift);
            }
            if (dots || count == 1) {
                cv::circle(canvas, here, 6 << kShift, colour, cv::FILLED, cv::LINE_AA, kShift);
            }
        }
    }
    if (empty) {
        const std::string none = "No values recorded";
        const cv::Size size = textSize(none, 1.0);
        text(canvas, none, {plot.x + (plot.width - size.width) / 2, plot.y + plot.height / 2}, 1.0);
    }

    // Titles and the legend.
    text(canvas, chart.title, {plot.x, kTop - 36}, 1.1, 3);
    const cv::Size xTitle = textSize(chart.xLabel, 0.85);
    text(canvas, chart.xLabel, {plot.x + (plot.width - xTitle.width) / 2, height - 24}, 0.85);
    verticalText(canvas, chart.yLabel, {36, plot.y + plot.height / 2}, 0.85);
    // The legend sits above the plot, right-aligned on the title's line, so it never hides
    // a line.
    int right = plot.x + plot.width;
    for (auto series = chart.series.rbegin(); series != chart.series.rend(); ++series) {
        const int labelWidth = textSize(series->label, 0.8).width;
        const int y = kTop - 46;
        const cv::Scalar colour(series->rgb[2], series->rgb[1], series->rgb[0]);
        text(canvas, series->label, {right - labelWidth, y + 10}, 0.8);
        cv::line(canvas, {right - labelWidth - 58, y}, {right - labelWidth - 12, y}, colour, 4,
                 cv::LINE_AA);
        right -= labelWidth + 58 + 36;
    }

    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(".png", canvas, bytes)) {
        throw Error(ErrorKind::Io, "OpenCV could not encode the chart " + name + " as PNG.");
    }
    return {name, std::string(bytes.begin(), bytes.end()), width, height};
}

} // namespace kestrel::report
