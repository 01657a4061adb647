#include "anomaly_run_figures.h"

#include "runs_table_model.h"

#include <QHeaderView>
#include <QLocale>

namespace kestrel::widgets {

namespace {

enum class Format { Text, Ratio, Percent, Count, Seconds };

struct Figure {
    const char* caption;
    const char* key; // a metric, or a parameter for Format::Text
    Format format;
};

// In the order a line engineer reads them: what was fitted, then how well, on each split.
const Figure kFigures[] = {
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Method"), "method", Format::Text},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Image size"), "image_size", Format::Text},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Memory bank (rows)"), "memory_rows", Format::Count},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Fit time"), "fit_seconds", Format::Seconds},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Threshold (raw)"), "threshold", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Validation image AUROC"), "val_image_auroc",
     Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Validation F1"), "val_f1", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Validation escapes"), "val_escape_rate",
     Format::Percent},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Validation false rejects"), "val_false_reject_rate",
     Format::Percent},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test image AUROC"), "test_image_auroc", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test pixel AUROC"), "test_pixel_auroc", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test PRO"), "test_pro", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test F1"), "test_f1", Format::Ratio},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test escapes"), "test_escape_rate", Format::Percent},
    {QT_TRANSLATE_NOOP("AnomalyRunFigures", "Test false rejects"), "test_false_reject_rate",
     Format::Percent},
};

QString textOf(const RunRow& run, const Figure& figure) {
    const QString key = QString::fromLatin1(figure.key);
    if (figure.format == Format::Text) {
        const auto found = run.params.find(key);
        return found == run.params.end() || found->second.isEmpty() ? QStringLiteral("–")
                                                                    : found->second;
    }
    const auto found = run.metrics.find(key);
    if (found == run.metrics.end()) {
        return QStringLiteral("–");
    }
    const QLocale locale;
    switch (figure.format) {
    case Format::Percent:
        return locale.toString(found->second * 100.0, 'f', 1) + QLatin1Char('%');
    case Format::Count:
        return locale.toString(static_cast<qlonglong>(found->second));
    case Format::Seconds:
        return RunsTableModel::durationText(found->second);
    default:
        return locale.toString(found->second, 'f', 3);
    }
}

} // namespace

AnomalyRunFigures::AnomalyRunFigures(QWidget* parent) : QTableWidget(parent) {
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setAlternatingRowColors(true);
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    setRowCount(static_cast<int>(std::size(kFigures)));
    QStringList captions;
    for (const Figure& figure : kFigures) {
        captions << tr(figure.caption);
    }
    setVerticalHeaderLabels(captions);
}

void AnomalyRunFigures::setRuns(const std::vector<RunRow>& runs) {
    setColumnCount(static_cast<int>(runs.size()));
    QStringList titles;
    for (int column = 0; column < static_cast<int>(runs.size()); ++column) {
        const RunRow& run = runs[static_cast<std::size_t>(column)];
        titles << tr("#%1 %2").arg(run.id).arg(run.model);
        for (int row = 0; row < rowCount(); ++row) {
            auto* item = new QTableWidgetItem(textOf(run, kFigures[row]));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(row, column, item);
        }
    }
    setHorizontalHeaderLabels(titles);
}

QString AnomalyRunFigures::figure(int row, int column) const {
    const QTableWidgetItem* cell = item(row, column);
    return cell ? cell->text() : QString();
}

} // namespace kestrel::widgets
