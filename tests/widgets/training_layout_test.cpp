// The Training tab's two pages at the size a 1280x800 window leaves them: nothing clipped.
// Plots must not stack over each other's axis titles, buttons must show their whole text, a
// status must fit its column, and the operating point's sentences must stay inside the panel.
#include "confusion_data.h"
#include "confusion_panel.h"
#include "inspection_data.h"
#include "operating_point_panel.h"
#include "run_row.h"
#include "runs_page.h"
#include "runs_table_model.h"
#include "runs_view.h"
#include "training_charts.h"
#include "training_live_view.h"

#include <vector>

#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <qcustomplot.h>

using namespace kestrel::widgets;

namespace {

ConfusionData fourClasses() {
    ConfusionData data;
    data.classes = {"dent", "good", "scratch", "spots"};
    data.counts = {7, 0, 2, 0, 7, 0, 2, 0, 8, 0, 1, 0, 7, 0, 2, 0};
    data.caption = "Run #1, validation, epoch 2: accuracy 0.222 (8 of 36 samples right)";
    return data;
}

InspectionData someScores() {
    InspectionData data;
    data.goodClass = "good";
    for (int i = 0; i < 36; ++i) {
        data.validation.push_back({(i % 7) / 7.0, i % 4 != 1});
        data.test.push_back({(i % 5) / 5.0, i % 4 != 1});
    }
    return data;
}

// `inner` lies wholly inside `outer`'s rectangle (both mapped to `outer`).
bool inside(const QWidget* inner, const QWidget* outer) {
    const QRect rect(inner->mapTo(outer, QPoint(0, 0)), inner->size());
    return outer->rect().contains(rect);
}

void checkPlotsApart(const TrainingCharts* charts) {
    const char* names[] = {"Loss", "Accuracy", "Learning rate", "Images per second"};
    std::vector<QRect> rects;
    for (const char* name : names) {
        const QCustomPlot* plot = charts->plot(name);
        QVERIFY2(plot->height() >= plot->minimumHeight(), name);
        QVERIFY2(inside(plot, charts), name);
        rects.emplace_back(plot->mapTo(charts, QPoint(0, 0)), plot->size());
    }
    for (std::size_t a = 0; a < rects.size(); ++a) {
        for (std::size_t b = a + 1; b < rects.size(); ++b) {
            QVERIFY2(!rects[a].intersects(rects[b]), "two plots overlap");
        }
    }
}

RunRow runningRun() {
    RunRow run;
    run.id = 1;
    run.status = "running";
    run.task = "classification";
    run.model = "smallcnn";
    run.createdAt = "2026-12-05T09:00:00.000Z";
    run.epochsDone = 1;
    run.epochs = 2;
    return run;
}

} // namespace

class TrainingLayoutTest : public QObject {
    Q_OBJECT

private slots:
    // 1280x800 leaves the live view about 850x690 beside the form.
    void theLiveViewKeepsPlotsApartAndTheOperatingPointWhole() {
        TrainingLiveView view;
        view.resize(850, 690);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.confusion()->setMatrix(fourClasses());
        view.confusion()->setOperatingPoint(someScores());
        QCoreApplication::processEvents();
        checkPlotsApart(view.charts());
        const auto* rates = view.confusion()->findChild<QLabel*>("operatingRates");
        QVERIFY(rates && !rates->text().isEmpty());
        QVERIFY2(inside(rates, view.confusion()), "the operating point's sentences are cut");
        QVERIFY(rates->height() >= rates->heightForWidth(rates->width()));
    }

    // The runs page beside the form at 1280x800: about 850x690, shared with the charts.
    void theRunsPageKeepsButtonsWholeAndTheStatusInItsColumn() {
        RunsPage page;
        page.resize(850, 690);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        RunRow run = runningRun();
        page.setRuns({run});
        run.status = "completed"; // longer than "Running": the column must grow
        run.epochsDone = 2;
        page.setRuns({run});
        QCoreApplication::processEvents();

        for (const char* name :
             {"resumeRun", "exportRun", "continueRun", "reportRun", "deleteRuns"}) {
            const auto* button = page.findChild<QPushButton*>(name);
            QVERIFY2(button && button->isVisible(), name);
            QVERIFY2(button->width() >= button->sizeHint().width(), name);
            QVERIFY2(inside(button, page.runs()), name);
        }
        const auto* table = page.findChild<QTableView*>("runsTable");
        const QString status =
            table->model()->index(0, RunsTableModel::StatusColumn).data().toString();
        QCOMPARE(status, QString("Completed"));
        QVERIFY(table->columnWidth(RunsTableModel::StatusColumn) >=
                table->fontMetrics().horizontalAdvance(status) + 24); // text and its icon
        checkPlotsApart(page.charts());
    }
};

QTEST_MAIN(TrainingLayoutTest)
#include "training_layout_test.moc"
