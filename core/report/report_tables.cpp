#include "report/report_tables.h"

#include "report/html_text.h"
#include "report/report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace kestrel::report {

namespace {

// White to a strong blue as `share` goes from 0 to 1.
std::string shade(double share) {
    const auto mix = [&](int strong) {
        return static_cast<int>(std::lround(255 + (strong - 255) * std::clamp(share, 0.0, 1.0)));
    };
    char colour[8];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", mix(33), mix(102), mix(172));
    return colour;
}

std::string splitName(const std::string& split) {
    return split == "val" ? "Validation" : split == "test" ? "Test" : split;
}

std::string optionalScore(const std::optional<double>& value) {
    return value ? formatScore(*value) : "-";
}

void confusionTable(std::string& html, const store::StoredConfusionMatrix& matrix, bool fitted) {
    const std::size_t n = matrix.classes.size();
    // The test split is measured once, with the best checkpoint; validation every epoch. A
    // fitted model has neither epochs nor checkpoints to name.
    html += "<h3>" + splitName(matrix.split) +
            (fitted                   ? std::string()
             : matrix.split == "test" ? std::string(", best checkpoint")
                                      : ", epoch " + std::to_string(matrix.epoch + 1)) +
            "</h3>\n";
    if (matrix.counts.size() != n * n) {
        html += "<p class=\"note\">The stored matrix does not match its classes.</p>\n";
        return;
    }
    html += "<table class=\"matrix\" " + kTableSpacing + " id=\"confusion-" +
            escapeHtml(matrix.split) + "\">\n<tr><th>true \\ predicted</th>";
    for (const auto& name : matrix.classes) {
        html += "<th>" + escapeHtml(name) + "</th>";
    }
    html += "<th>total</th></tr>\n";
    for (std::size_t row = 0; row < n; ++row) {
        const auto begin = matrix.counts.begin() + static_cast<std::ptrdiff_t>(row * n);
        const std::int64_t total =
            std::accumulate(begin, begin + static_cast<std::ptrdiff_t>(n), std::int64_t{0});
        html += "<tr><th>" + escapeHtml(matrix.classes[row]) + "</th>";
        for (std::size_t column = 0; column < n; ++column) {
            const std::int64_t count = matrix.counts[row * n + column];
            const double share =
                total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0.0;
            const std::string background = shade(share);
            const std::string ink = share > 0.55 ? "#ffffff" : "#222222";
            html += "<td class=\"count\" bgcolor=\"" + background +
                    "\" style=\"background-color: " + background + "; color: " + ink + "\">" +
                    std::to_string(count) + "</td>";
        }
        html += "<td class=\"total\">" + std::to_string(total) + "</td></tr>\n";
    }
    html += "</table>\n";
}

} // namespace

void keyValueTable(std::string& html, const std::string& id,
                   const std::vector<std::pair<std::string, std::string>>& rows) {
    html += "<table " + kTableSpacing + " id=\"" + escapeHtml(id) + "\">\n";
    for (const auto& [name, value] : rows) {
        html += "<tr><th>" + name + "</th><td>" + value + "</td></tr>\n";
    }
    html += "</table>\n";
}

void confusionSection(std::string& html, const RunReport& report) {
    html += "<h2 id=\"confusion\">Confusion matrix</h2>\n";
    if (!report.validationConfusion && !report.testConfusion) {
        html += "<p class=\"note\">No confusion matrix is stored for this run yet.</p>\n";
        return;
    }
    html += "<p class=\"note\">Rows are the true class, columns the predicted one; shading is "
            "the share of the row.</p>\n";
    for (const auto* matrix : {&report.validationConfusion, &report.testConfusion}) {
        if (*matrix) {
            confusionTable(html, **matrix, report.anomaly);
        }
    }
}

void anomalyFiguresSection(std::string& html, const RunReport& report) {
    html += "<h2 id=\"anomaly\">Anomaly detection</h2>\n";
    if (report.anomalyFigures.empty()) {
        html += "<p class=\"note\">No figures are recorded for this run yet.</p>\n";
        return;
    }
    html += "<p class=\"note\">Fitted on good parts only; a part is a defect when its score "
            "reaches the threshold (0.5 in exported models).</p>\n<table " +
            kTableSpacing +
            " id=\"anomaly-figures\">\n<tr><th>figure</th><th>validation</th><th>test</th></tr>\n";
    for (const AnomalyFigure& figure : report.anomalyFigures) {
        const auto shown = [&figure](const std::optional<double>& value) {
            return !value           ? std::string("-")
                   : figure.percent ? formatPercent(*value)
                                    : formatScore(*value);
        };
        html += "<tr class=\"anomaly-row\"><th>" + escapeHtml(figure.name) +
                "</th><td class=\"number\">" + shown(figure.validation) +
                "</td><td class=\"number\">" + shown(figure.test) + "</td></tr>\n";
    }
    html += "</table>\n";
}

void classMetricsSection(std::string& html, const RunReport& report) {
    html += "<h2 id=\"per-class\">Per-class metrics</h2>\n";
    if (report.splits.empty()) {
        html += "<p class=\"note\">No per-class metrics are recorded for this run yet.</p>\n";
        return;
    }
    for (const SplitFigures& split : report.splits) {
        const auto& matrix =
            split.split == "test" ? report.testConfusion : report.validationConfusion;
        html += "<h3>" + splitName(split.split) + "</h3>\n<table " + kTableSpacing +
                " id=\"classes-" + escapeHtml(split.split) +
                "\">\n<tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>"
                "<th>support</th></tr>\n";
        for (std::size_t i = 0; i < split.classes.size(); ++i) {
            const ClassFigures& figures = split.classes[i];
            std::string support = "-";
            if (matrix && matrix->classes.size() == split.classes.size() &&
                matrix->counts.size() == split.classes.size() * split.classes.size()) {
                const std::size_t n = split.classes.size();
                const auto begin = matrix->counts.begin() + static_cast<std::ptrdiff_t>(i * n);
                support = formatCount(std::accumulate(begin, begin + static_cast<std::ptrdiff_t>(n),
                                                      std::int64_t{0}));
            }
            html += "<tr class=\"class-row\"><td>" + escapeHtml(figures.name) +
                    "</td><td class=\"number\">" + optionalScore(figures.precision) +
                    "</td><td class=\"number\">" + optionalScore(figures.recall) +
                    "</td><td class=\"number\">" + optionalScore(figures.f1) +
                    "</td><td class=\"number\">" + support + "</td></tr>\n";
        }
        html += "</table>\n";
        if (split.accuracy || split.macroF1 || split.loss) {
            html += "<p class=\"note\">Accuracy " +
                    (split.accuracy ? formatPercent(*split.accuracy) : std::string("-")) +
                    ", macro F1 " + optionalScore(split.macroF1) + ", loss " +
                    (split.loss ? formatLoss(*split.loss) : std::string("-")) + ".</p>\n";
        }
    }
}

} // namespace kestrel::report
