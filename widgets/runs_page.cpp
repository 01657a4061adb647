#include "runs_page.h"

#include "anomaly_run_figures.h"
#include "anomaly_score_panel.h"
#include "confusion_panel.h"
#include "operating_point_panel.h"
#include "runs_view.h"
#include "training_charts.h"

#include <algorithm>
#include <utility>

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace kestrel::widgets {

RunsPage::RunsPage(QWidget* parent) : QWidget(parent) {
    runs_ = new RunsView;
    runs_->setObjectName("runsView");
    charts_ = new TrainingCharts;
    charts_->setObjectName("compareCharts");
    confusion_ = new ConfusionPanel;
    confusion_->setObjectName("runConfusion");
    exportStatus_ = new QLabel;
    exportStatus_->setObjectName("exportStatus");
    exportStatus_->setWordWrap(true);
    exportStatus_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    openFolder_ = new QPushButton(tr("Open folder"));
    openFolder_->setObjectName("openExportFolder");
    openFolder_->hide();
    connect(openFolder_, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(exportFolder_)); });

    // The splitters share the space down to each part's own minimum (an explicit smaller
    // one would stack the plots over each other's axis titles and cut the operating point).
    runs_->setMinimumHeight(240);
    auto* exportRow = new QHBoxLayout;
    exportRow->addWidget(exportStatus_, 1);
    exportRow->addWidget(openFolder_);
    anomalyFigures_ = new AnomalyRunFigures;
    anomalyFigures_->setObjectName("anomalyFigures");
    top_ = new QStackedWidget;
    top_->addWidget(charts_);
    top_->addWidget(anomalyFigures_);
    auto* right = new QSplitter(Qt::Vertical);
    right_ = right;
    right->addWidget(top_);
    right->addWidget(confusion_);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(runs_);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({560, 640});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);
    layout->addLayout(exportRow);

    connect(runs_, &RunsView::selectionChanged, this, &RunsPage::selectionChanged);
    connect(confusion_, &ConfusionPanel::cellActivated, this, [this](int trueClass, int predicted) {
        if (confusionRun_ != 0) {
            emit cellActivated(confusionRun_, trueClass, predicted);
        }
    });
    connect(confusion_->operatingPoint(), &OperatingPointPanel::targetChosen, this,
            [this](double target) {
                if (confusionRun_ != 0) {
                    emit operatingPointChosen(confusionRun_, target);
                }
            });
}

void RunsPage::setRuns(const std::vector<RunRow>& runs) {
    const std::vector<RunRow> before = std::exchange(rows_, runs);
    runs_->setRuns(runs);
    const std::vector<std::int64_t> selected = runs_->selectedRuns();
    showCurvesOrFigures(selected); // a refresh brings a fit's figures
    // Something to look at from the start: the newest run, until the user picks.
    if (selected.empty() && !runs.empty()) {
        const auto newest = std::max_element(
            runs.begin(), runs.end(), [](const RunRow& a, const RunRow& b) { return a.id < b.id; });
        runs_->selectRuns({newest->id});
        return;
    }
    // A run selected as it started would keep the empty charts and matrix it had then:
    // read a selected run's figures again when it has moved on (an epoch, or its end).
    const auto movedOn = [&before, &runs](std::int64_t id) {
        const auto find = [id](const std::vector<RunRow>& rows) {
            return std::find_if(rows.begin(), rows.end(),
                                [id](const RunRow& row) { return row.id == id; });
        };
        const auto now = find(runs);
        const auto then = find(before);
        return now != runs.end() && (then == before.end() || now->status != then->status ||
                                     now->epochsDone != then->epochsDone);
    };
    if (std::any_of(selected.begin(), selected.end(), movedOn)) {
        emit runsWanted(selected);
    }
}

void RunsPage::selectionChanged(const std::vector<std::int64_t>& ids) {
    for (const auto shown : charts_->runs()) {
        if (std::find(ids.begin(), ids.end(), shown) == ids.end()) {
            charts_->removeRun(shown);
        }
    }
    for (const auto& row : rows_) {
        if (std::find(ids.begin(), ids.end(), row.id) != ids.end()) {
            charts_->setRunLabel(row.id, tr("#%1 %2").arg(row.id).arg(row.model));
        }
    }
    showCurvesOrFigures(ids);
    confusionRun_ = 0;
    confusion_->clear();
    if (!ids.empty()) {
        emit runsWanted(ids);
    }
}

void RunsPage::showCurvesOrFigures(const std::vector<std::int64_t>& ids) {
    std::vector<RunRow> fits;
    for (const auto id : ids) {
        const auto row =
            std::find_if(rows_.begin(), rows_.end(), [id](const RunRow& r) { return r.id == id; });
        if (row != rows_.end() && row->task == QLatin1String("anomaly")) {
            fits.push_back(*row);
        }
    }
    const bool figures = !fits.empty() && fits.size() == ids.size();
    if (figures) {
        anomalyFigures_->setRuns(fits);
    }
    QWidget* shown = figures ? static_cast<QWidget*>(anomalyFigures_) : charts_;
    if (top_->currentWidget() != shown) {
        top_->setCurrentWidget(shown);
        // A fit's figures need less height than curves; its histogram below needs more.
        // Proportions: the splitter shares out its height by them, shown or not yet.
        right_->setSizes(figures ? QList<int>{1000, 3000} : QList<int>{2000, 2000});
    }
}

void RunsPage::showCurve(qint64 runId, const QString& metric, const QVector<double>& epochs,
                         const QVector<double>& values) {
    const auto selected = runs_->selectedRuns();
    if (std::find(selected.begin(), selected.end(), runId) != selected.end()) {
        charts_->setSeries(runId, metric, epochs, values);
    }
}

void RunsPage::showConfusion(qint64 runId, const ConfusionData& confusion) {
    // With several runs selected, the matrix is the first one's (the table's top row).
    const auto selected = runs_->selectedRuns();
    if (selected.empty() || selected.front() != runId) {
        return;
    }
    confusionRun_ = runId;
    if (confusion.isEmpty()) {
        confusion_->clear();
    } else {
        confusion_->setMatrix(confusion);
    }
}

void RunsPage::showInspection(qint64 runId, const InspectionData& inspection) {
    if (runId == confusionRun_) {
        confusion_->setOperatingPoint(inspection);
    }
}

void RunsPage::showAnomalyScores(qint64 runId, const AnomalyScoreData& scores) {
    if (runId == confusionRun_ && !scores.isEmpty()) {
        confusion_->setAnomalyScores(scores);
    }
}

void RunsPage::showDetectionFigures(qint64 runId, const DetectionFigures& figures) {
    if (runId == confusionRun_) {
        confusion_->setDetectionFigures(figures);
    }
}

void RunsPage::showExportProgress(qint64 runId, const QString& line) {
    exportStatus_->setText(tr("Exporting run #%1: %2").arg(runId).arg(line));
    openFolder_->hide();
}

void RunsPage::showExportResult(qint64 runId, const QString& summary, const QString& folder) {
    exportStatus_->setText(tr("Run #%1 exported and verified.\n%2").arg(runId).arg(summary));
    exportFolder_ = folder;
    openFolder_->setVisible(!folder.isEmpty());
    if (opensExportFolder_ && !folder.isEmpty()) {
        QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
    }
}

void RunsPage::showExportFailure(const QString& message) {
    exportStatus_->setText(tr("Export failed: %1").arg(message));
    openFolder_->hide();
}

} // namespace kestrel::widgets
