#include "report.h"

#include <cstdio>

#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtGlobal>

namespace kestrel::bench {

namespace {

constexpr double kOpenBudgetMs = 1000.0;

const char* verdict(double value, double budget) {
    return value <= budget ? "PASS" : "OVER";
}

int labelRequests(const LabelFigures& label) {
    return label.labels + label.undos;
}

double editsPerSecond(const LabelFigures& label) {
    const double committedSeconds = (label.lastCommitMs - label.firstRequestMs) / 1000.0;
    return committedSeconds > 0 ? label.answered / committedSeconds : 0;
}

void addLine(QString& table, const QString& text) {
    table += text + QLatin1Char('\n');
}

void addOpenLines(QString& table, const BenchFigures& figures) {
    const OpenFigures& open = figures.open;
    addLine(table, QStringLiteral("Kestrel GUI responsiveness: %1 samples (%2 listed), %3 "
                                  "platform, Qt %4. No peer program exists for GUI stalls: "
                                  "absolute figures against the budgets (%5 ms per stall, %6 ms "
                                  "open to grid).")
                       .arg(figures.samples)
                       .arg(figures.listed)
                       .arg(QGuiApplication::platformName(), QString::fromLatin1(qVersion()))
                       .arg(kStallBudgetMs)
                       .arg(kOpenBudgetMs));
    addLine(table, {});
    addLine(table, QStringLiteral("open -> grid shown            %1 ms   budget %2 ms   %3")
                       .arg(open.gridShown, 8, 'f', 1)
                       .arg(kOpenBudgetMs)
                       .arg(QLatin1String(verdict(open.gridShown, kOpenBudgetMs))));
    addLine(table,
            QStringLiteral("  projectOpened arrived       %1 ms   (worker: open, summary, catalog)")
                .arg(open.toProjectOpened, 8, 'f', 1));
    addLine(table,
            QStringLiteral("  GUI in projectOpened slot   %1 ms").arg(open.showProject, 8, 'f', 1));
    addLine(table,
            QStringLiteral("  catalogLoaded arrived       %1 ms   (posted with projectOpened)")
                .arg(open.toCatalogLoaded, 8, 'f', 1));
    addLine(table,
            QStringLiteral("  GUI in showCatalog          %1 ms").arg(open.showCatalog, 8, 'f', 1));
    addLine(
        table,
        QStringLiteral("  grid paint began            %1 ms").arg(open.firstPaintStart, 8, 'f', 1));
    addLine(table, QStringLiteral("  first thumbnails settled    %1 ms   (info, no budget)")
                       .arg(open.thumbnailsSettled, 8, 'f', 1));
}

void addPhaseLines(QString& table, const std::vector<PhaseFigures>& phases) {
    addLine(table, QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8")
                       .arg(QLatin1String("phase"), -12)
                       .arg(QLatin1String("seconds"), 8)
                       .arg(QLatin1String("ticks"), 7)
                       .arg(QLatin1String("max ms"), 8)
                       .arg(QLatin1String("p99 ms"), 8)
                       .arg(QLatin1String("p95 ms"), 8)
                       .arg(QLatin1String(">16 ms"), 7)
                       .arg(QLatin1String("budget 16 ms")));
    for (const PhaseFigures& phase : phases) {
        const StallStats& s = phase.stalls;
        addLine(table, QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8")
                           .arg(s.phase, -12)
                           .arg(s.seconds, 8, 'f', 1)
                           .arg(s.ticks, 7)
                           .arg(s.max, 8, 'f', 1)
                           .arg(s.p99, 8, 'f', 2)
                           .arg(s.p95, 8, 'f', 2)
                           .arg(s.overBudget, 7)
                           .arg(QLatin1String(verdict(s.max, kStallBudgetMs))));
    }
    for (const PhaseFigures& phase : phases) {
        if (phase.windowSlots.empty()) {
            continue;
        }
        QString text = QStringLiteral("  window slots in %1:").arg(phase.stalls.phase);
        for (const auto& [slotName, t] : phase.windowSlots) {
            text += QStringLiteral(" %1 %2x mean %3 max %4 ms;")
                        .arg(slotName)
                        .arg(t.calls)
                        .arg(t.totalMs / t.calls, 0, 'f', 2)
                        .arg(t.maxMs, 0, 'f', 1);
        }
        addLine(table, text);
    }
}

void addScrollAndLabellingLines(QString& table, const BenchFigures& figures) {
    const ScrollFigures& scroll = figures.scroll;
    const LabelFigures& label = figures.label;
    addLine(table,
            QStringLiteral("scroll: %1 steps (%2 jumps), %3 grid paints, %4 thumbnails delivered")
                .arg(scroll.steps)
                .arg(scroll.jumps)
                .arg(scroll.gridPaints)
                .arg(scroll.thumbnailsDelivered));
    addLine(table, QStringLiteral("labelling: %1 requests (%2 labels, %3 undos) in %4 s; %5 "
                                  "committed (%6 failed), %7 edits/s committed; backlog drained "
                                  "%8 ms after the last request")
                       .arg(labelRequests(label))
                       .arg(label.labels)
                       .arg(label.undos)
                       .arg(label.offeredSeconds, 0, 'f', 1)
                       .arg(label.answered)
                       .arg(label.failed)
                       .arg(editsPerSecond(label), 0, 'f', 1)
                       .arg(label.drainMs, 0, 'f', 1));
    addLine(table, QStringLiteral("  commit latency (request -> label in the model): mean %1 ms, "
                                  "p95 %2 ms, max %3 ms")
                       .arg(mean(label.latencyMs), 0, 'f', 1)
                       .arg(percentile(label.latencyMs, 0.95), 0, 'f', 1)
                       .arg(maxOf(label.latencyMs), 0, 'f', 1));
    addLine(table, QStringLiteral("  GUI time per scripted action (select + hotkey, or undo): "
                                  "mean %1 ms, max %2 ms")
                       .arg(mean(label.callMs), 0, 'f', 2)
                       .arg(maxOf(label.callMs), 0, 'f', 2));
}

void addFilterSortLines(QString& table, const std::vector<FilterOp>& ops) {
    addLine(table, QStringLiteral("%1 %2 %3 %4  %5")
                       .arg(QLatin1String("filter/sort operation"), -26)
                       .arg(QLatin1String("call ms"), 8)
                       .arg(QLatin1String("stall ms"), 9)
                       .arg(QLatin1String("rows"), 7)
                       .arg(QLatin1String("budget 16 ms")));
    for (const FilterOp& op : ops) {
        addLine(table, QStringLiteral("%1 %2 %3 %4  %5")
                           .arg(op.name, -26)
                           .arg(op.callMs, 8, 'f', 1)
                           .arg(op.stallMs, 9, 'f', 1)
                           .arg(op.rows, 7)
                           .arg(QLatin1String(verdict(op.stallMs, kStallBudgetMs))));
    }
}

QString tableText(const BenchFigures& figures) {
    QString table;
    addOpenLines(table, figures);
    addLine(table, {});
    addPhaseLines(table, figures.phases);
    addLine(table, {});
    addScrollAndLabellingLines(table, figures);
    addLine(table, {});
    addFilterSortLines(table, figures.filterSort);
    addLine(table, {});
    addLine(table, QStringLiteral("where the time goes (each step alone, nothing else running):"));
    for (const auto& [what, ms] : figures.stepsAlone) {
        addLine(table, QStringLiteral("  %1 %2 ms").arg(what, -36).arg(ms, 8, 'f', 1));
    }
    return table;
}

QJsonObject phasesJson(const std::vector<PhaseFigures>& phases) {
    QJsonObject json;
    for (const PhaseFigures& phase : phases) {
        QJsonObject phaseJson = phase.stalls.toJson();
        QJsonObject slotJson;
        for (const auto& [slotName, t] : phase.windowSlots) {
            slotJson.insert(slotName, QJsonObject{{"calls", t.calls},
                                                  {"mean_ms", t.totalMs / t.calls},
                                                  {"max_ms", t.maxMs}});
        }
        phaseJson.insert("window_slots", slotJson);
        json.insert(phase.stalls.phase, phaseJson);
    }
    return json;
}

QJsonObject labellingJson(const LabelFigures& label) {
    return {{"requests", labelRequests(label)},
            {"labels", label.labels},
            {"undos", label.undos},
            {"committed", label.answered},
            {"failed", label.failed},
            {"edits_per_second", editsPerSecond(label)},
            {"drain_ms", label.drainMs},
            {"commit_latency_mean_ms", mean(label.latencyMs)},
            {"commit_latency_p95_ms", percentile(label.latencyMs, 0.95)},
            {"commit_latency_max_ms", maxOf(label.latencyMs)},
            {"action_call_mean_ms", mean(label.callMs)},
            {"action_call_max_ms", maxOf(label.callMs)}};
}

QJsonArray filterSortJson(const std::vector<FilterOp>& ops) {
    QJsonArray json;
    for (const FilterOp& op : ops) {
        json.append(QJsonObject{{"operation", op.name},
                                {"call_ms", op.callMs},
                                {"stall_ms", op.stallMs},
                                {"rows", op.rows},
                                {"pass", op.stallMs <= kStallBudgetMs}});
    }
    return json;
}

QJsonObject resultJson(const BenchFigures& figures) {
    const OpenFigures& open = figures.open;
    const ScrollFigures& scroll = figures.scroll;
    QJsonObject stepJson;
    for (const auto& [what, ms] : figures.stepsAlone) {
        stepJson.insert(what, ms);
    }
    return {
        {"benchmark", "gui_responsiveness"},
        {"peer", QJsonValue::Null},
        {"note", "no peer program exists for GUI stalls; figures are absolute, against the "
                 "budgets"},
        {"samples", figures.samples},
        {"listed", figures.listed},
        {"project", figures.project},
        {"platform", QGuiApplication::platformName()},
        {"qt", QString::fromLatin1(qVersion())},
        {"budgets_ms", QJsonObject{{"stall", kStallBudgetMs}, {"open_to_grid", kOpenBudgetMs}}},
        {"open", QJsonObject{{"to_grid_shown_ms", open.gridShown},
                             {"to_project_opened_ms", open.toProjectOpened},
                             {"project_opened_slot_ms", open.showProject},
                             {"to_catalog_loaded_ms", open.toCatalogLoaded},
                             {"show_catalog_ms", open.showCatalog},
                             {"first_paint_began_ms", open.firstPaintStart},
                             {"thumbnails_settled_ms", open.thumbnailsSettled},
                             {"budget_ms", kOpenBudgetMs},
                             {"pass", open.gridShown <= kOpenBudgetMs}}},
        {"phases", phasesJson(figures.phases)},
        {"scroll", QJsonObject{{"steps", scroll.steps},
                               {"jumps", scroll.jumps},
                               {"grid_paints", scroll.gridPaints},
                               {"thumbnails_delivered", scroll.thumbnailsDelivered}}},
        {"labelling", labellingJson(figures.label)},
        {"filter_sort", filterSortJson(figures.filterSort)},
        {"steps_alone_ms", stepJson},
    };
}

} // namespace

void printReport(const BenchFigures& figures, bool json) {
    std::fprintf(json ? stderr : stdout, "%s", qPrintable(tableText(figures)));
    if (json) {
        std::printf("%s\n",
                    QJsonDocument(resultJson(figures)).toJson(QJsonDocument::Compact).constData());
    }
}

} // namespace kestrel::bench
