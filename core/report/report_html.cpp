#include "report/report_html.h"

#include "common/base64.h"
#include "common/text.h"
#include "common/version.h"
#include "report/html_text.h"
#include "report/report_format.h"
#include "report/report_tables.h"

#include <array>

namespace kestrel::report {

namespace {

// Qt's rich text engine reads this subset of CSS; browsers read all of it. Lengths other
// than font sizes are in px: Qt ignores padding and margins given in pt. Qt ignores a cell's
// nowrap attribute but honours white-space: nowrap.
constexpr const char* kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #222222; }
h1 { font-size: 18pt; margin-bottom: 2px; }
h2 { font-size: 13pt; margin-top: 20px; border-bottom: 1px solid #999999; color: #1a4f80; }
h3 { font-size: 11pt; margin-top: 12px; }
p.subtitle { color: #555555; margin-top: 0; }
p.note { color: #555555; font-size: 9pt; }
table { border-collapse: collapse; margin-bottom: 8px; }
th { text-align: left; background-color: #eef1f5; font-weight: bold; }
th, td { border: 1px solid #c8ccd2; padding: 3px 6px; }
td.number { text-align: right; }
table.figures td { border: none; padding: 2px 18px 0 0; }
table.figures td.value { white-space: nowrap; }
span.figure { font-size: 17pt; font-weight: bold; color: #1a4f80; }
span.caption { font-size: 9pt; color: #555555; }
table.matrix td.count { text-align: center; }
td.total { text-align: right; color: #555555; }
span.failed { color: #b00020; font-weight: bold; }
)css";

std::string statusText(const std::string& status) {
    return status == "failed" ? "<span class=\"failed\">failed</span>" : escapeHtml(status);
}

// The key numbers in a row, each with its caption in the row below: only the numbers must
// not wrap ("93.8 %" split over two lines), the captions may.
void keyFigures(std::string& html, const std::vector<std::array<std::string, 3>>& figures) {
    html += "<h2 id=\"summary\">Summary</h2>\n<table class=\"figures\" width=\"100%\" "
            "cellpadding=\"4\" "
            "cellspacing=\"0\">\n<tr>";
    for (const auto& [id, value, caption] : figures) {
        html += "<td class=\"value\"><span class=\"figure\" id=\"" + id + "\">" +
                escapeHtml(value) + "</span></td>";
    }
    html += "</tr>\n<tr>";
    for (const auto& [id, value, caption] : figures) {
        html += "<td><span class=\"caption\">" + caption + "</span></td>";
    }
    html += "</tr>\n</table>\n";
}

void summary(std::string& html, const RunReport& report) {
    const auto& metrics = report.latestMetrics;
    std::vector<std::array<std::string, 3>> figures;
    const auto add = [&](const char* name, const char* id, std::string (*format)(double),
                         const char* caption) {
        if (const auto found = metrics.find(name); found != metrics.end()) {
            figures.push_back({id, format(found->second), caption});
        }
    };
    if (report.anomaly) {
        add("test_image_auroc", "test-image-auroc", formatScore, "test image AUROC");
        add("test_pixel_auroc", "test-pixel-auroc", formatScore, "test pixel AUROC");
        add("test_escape_rate", "test-escapes", formatPercent, "test escapes");
        add("test_false_reject_rate", "test-false-rejects", formatPercent, "test false rejects");
    } else {
        add("val_accuracy", "val-accuracy", formatPercent, "validation accuracy");
        add("test_accuracy", "test-accuracy", formatPercent, "test accuracy");
        add("val_macro_f1", "val-macro-f1", formatScore, "validation macro F1");
        add("val_loss", "val-loss", formatLoss, "validation loss");
        figures.push_back({"epochs", std::to_string(report.epochs.size()), "epochs"});
    }
    if (report.durationSeconds) {
        figures.push_back({"duration", formatDuration(*report.durationSeconds),
                           report.anomaly ? "fitting time" : "training time"});
    }
    keyFigures(html, figures);
    if (metrics.empty()) {
        html += "<p class=\"note\">No metrics are recorded for this run yet.</p>\n";
    }

    std::vector<std::pair<std::string, std::string>> facts = {
        {"Status", statusText(report.run.status)},
        {"Model", escapeHtml(report.run.model)},
        {"Device", escapeHtml(report.run.device.empty() ? "-" : report.run.device)},
        {"Created", escapeHtml(report.run.createdAt)},
        {"Started", escapeHtml(report.run.startedAt.empty() ? "-" : report.run.startedAt)},
        {"Finished", escapeHtml(report.run.finishedAt.empty() ? "-" : report.run.finishedAt)}};
    if (report.run.seed) {
        facts.emplace_back("Seed", std::to_string(*report.run.seed));
    }
    if (report.run.parentRunId) {
        facts.emplace_back("Started from run", std::to_string(*report.run.parentRunId));
    }
    if (!report.run.tags.empty()) {
        std::string tags;
        for (const auto& tag : report.run.tags) {
            tags += (tags.empty() ? "" : ", ") + escapeHtml(tag);
        }
        facts.emplace_back("Tags", tags);
    }
    if (!report.run.notes.empty()) {
        std::string notes;
        for (const auto& line : splitLines(report.run.notes)) {
            notes += (notes.empty() ? "" : "<br/>") + escapeHtml(line);
        }
        facts.emplace_back("Notes", "<span id=\"notes\">" + notes + "</span>");
    }
    if (!report.run.error.empty()) {
        facts.emplace_back(report.run.status == "completed" ? "Remark" : "Reason",
                           escapeHtml(report.run.error));
    }
    keyValueTable(html, "facts", facts);
}

void curves(std::string& html, const RunReport& report, const ImageSource& imageSource) {
    html += "<h2 id=\"curves\">Training curves</h2>\n";
    if (report.charts.empty()) {
        html += "<p class=\"note\">No epoch has been recorded yet.</p>\n";
        return;
    }
    html += "<p>";
    for (const ReportImage& chart : report.charts) {
        // Charts are drawn at twice the size they are shown, to stay sharp on paper.
        html += "<img src=\"" + escapeHtml(imageSource(chart)) + "\" width=\"" +
                std::to_string(chart.width / 2) + "\" height=\"" +
                std::to_string(chart.height / 2) + "\" alt=\"" + escapeHtml(chart.name) +
                "\"/><br/>";
    }
    html += "</p>\n";
}

void mistakes(std::string& html, const RunReport& report, const ImageSource& imageSource) {
    html += "<h2 id=\"mistakes\">Most confident mistakes</h2>\n<p class=\"note\">Chosen from " +
            escapeHtml(report.mistakesSource) + ".</p>\n";
    if (report.mistakes.empty()) {
        return;
    }
    html += "<table id=\"mistakes-table\" " + kTableSpacing +
            "><tr><th>image</th><th>sample</th><th>truth &#8594; "
            "predicted</th><th>" +
            (report.anomaly ? "score" : "confidence") + "</th></tr>\n";
    for (const ConfidentMistake& mistake : report.mistakes) {
        html += "<tr class=\"mistake\"><td>";
        if (mistake.thumbnail) {
            html += "<img src=\"" + escapeHtml(imageSource(*mistake.thumbnail)) + "\" width=\"" +
                    std::to_string(mistake.thumbnail->width) + "\" height=\"" +
                    std::to_string(mistake.thumbnail->height) + "\" alt=\"sample " +
                    std::to_string(mistake.sampleId) + "\"/>";
        } else {
            html += "(image unreadable)";
        }
        html +=
            "</td><td class=\"path\">" + escapeHtml(mistake.path) +
            "<br/><span "
            "class=\"caption\">" +
            escapeHtml(mistake.split) + "</span></td><td>" + escapeHtml(mistake.truth) +
            " &#8594; " + escapeHtml(mistake.predicted) + "</td><td class=\"number\">" +
            (report.anomaly ? formatScore(mistake.confidence) : formatPercent(mistake.confidence)) +
            "</td></tr>\n";
    }
    html += "</table>\n";
}

void parameters(std::string& html, const RunReport& report) {
    html += "<h2 id=\"parameters\">Parameters</h2>\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& [name, value] : report.parameters) {
        std::string joined;
        for (const auto& line : splitLines(value)) {
            joined += (joined.empty() ? "" : ", ") + line;
        }
        rows.emplace_back(escapeHtml(name), escapeHtml(joined));
    }
    keyValueTable(html, "parameters-table", rows);
}

void dataset(std::string& html, const RunReport& report) {
    html += "<h2 id=\"dataset\">Dataset</h2>\n";
    const DatasetFacts& facts = report.dataset;
    const auto count = [](const std::optional<std::int64_t>& value) {
        return value ? formatCount(*value) : std::string("-");
    };
    std::string classes;
    for (const auto& name : report.classes) {
        classes += (classes.empty() ? "" : ", ") + escapeHtml(name);
    }
    keyValueTable(html, "dataset-table",
                  {{"Dataset version", facts.version ? std::to_string(*facts.version) : "-"},
                   {"Fingerprint", escapeHtml(facts.fingerprint.empty() ? "-" : facts.fingerprint)},
                   {"Classes", classes.empty() ? "-" : classes},
                   {"Train samples", count(facts.trainSamples)},
                   {"Validation samples", count(facts.valSamples)},
                   {"Test samples", count(facts.testSamples)},
                   {"Validation split",
                    escapeHtml(facts.validationSource.empty() ? "-" : facts.validationSource)}});
}

void environment(std::string& html, const RunReport& report) {
    html += "<h2 id=\"environment\">Environment</h2>\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& [name, value] : report.environment) {
        rows.emplace_back(escapeHtml(name), escapeHtml(value));
    }
    keyValueTable(html, "environment-table", rows);
}

} // namespace

std::string dataUri(const ReportImage& image) {
    return "data:image/png;base64," + base64Encode(image.png);
}

std::string renderReportHtml(const RunReport& report, const ImageSource& imageSource) {
    const std::string title = "Run " + std::to_string(report.run.id) + " (" + report.run.model +
                              ") of " + report.projectName;
    std::string html = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                       "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" +
                       escapeHtml(title) + "</title>\n<style>" + kStyle +
                       "</style>\n</head>\n"
                       "<body>\n<h1>" +
                       escapeHtml(title) + "</h1>\n<p class=\"subtitle\">" +
                       escapeHtml(report.run.status) + ", report made " +
                       escapeHtml(report.generatedAt) + "</p>\n";
    summary(html, report);
    if (report.anomaly) {
        anomalyFiguresSection(html, report);
        confusionSection(html, report);
    } else {
        curves(html, report, imageSource);
        confusionSection(html, report);
        classMetricsSection(html, report);
    }
    mistakes(html, report, imageSource);
    parameters(html, report);
    dataset(html, report);
    environment(html, report);
    html += "<p class=\"note\">Made by Kestrel " + escapeHtml(kestrelVersion()) +
            ".</p>\n</body>\n</html>\n";
    return html;
}

} // namespace kestrel::report
