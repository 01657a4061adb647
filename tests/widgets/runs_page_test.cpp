// The runs page asks for a selected run's curves and matrix again when the run has moved on
// since they were read; else a run selected as it started keeps its empty charts.
#include "runs_page.h"
#include "runs_view.h"

#include <memory>
#include <vector>

#include <QTest>

using kestrel::widgets::RunRow;
using kestrel::widgets::RunsPage;
using Ids = std::vector<std::int64_t>;

namespace {

RunRow runningRun(std::int64_t id, std::int64_t epochsDone) {
    RunRow run;
    run.id = id;
    run.status = "running";
    run.task = "classification";
    run.model = "smallcnn";
    run.createdAt = "2026-12-05T09:00:00.000Z";
    run.epochsDone = epochsDone;
    run.epochs = 4;
    return run;
}

} // namespace

class RunsPageTest : public QObject {
    Q_OBJECT

    std::unique_ptr<RunsPage> page_;
    std::vector<Ids> wanted_;

private slots:
    void init() {
        page_ = std::make_unique<RunsPage>();
        page_->resize(1200, 700);
        wanted_.clear();
        connect(page_.get(), &RunsPage::runsWanted, this,
                [this](const Ids& ids) { wanted_.push_back(ids); });
    }

    void cleanup() { page_.reset(); }

    void aRunSelectedAsItStartedIsReadAgainAsItMovesOn() {
        // The first list selects the newest run, which had no epoch yet.
        page_->setRuns({runningRun(1, 0)});
        QCOMPARE(page_->runs()->selectedRuns(), Ids{1});
        QCOMPARE(wanted_, std::vector<Ids>{Ids{1}});

        page_->setRuns({runningRun(1, 1)}); // an epoch ended
        QCOMPARE(wanted_.size(), std::size_t{2});

        RunRow completed = runningRun(1, 4);
        completed.status = "completed";
        page_->setRuns({completed});
        QCOMPARE(wanted_.size(), std::size_t{3});
        QCOMPARE(wanted_.back(), Ids{1});

        // A refresh that changes nothing the figures show (a note) reads nothing again.
        completed.notes = "good enough";
        page_->setRuns({completed});
        QCOMPARE(wanted_.size(), std::size_t{3});
    }

    void anotherRunMovingOnLeavesTheSelectedOneAlone() {
        RunRow done = runningRun(1, 4);
        done.status = "completed";
        page_->setRuns({done, runningRun(2, 0)});
        page_->runs()->selectRuns({1});
        const std::size_t before = wanted_.size();
        page_->setRuns({done, runningRun(2, 1)});
        QCOMPARE(wanted_.size(), before);
    }
};

QTEST_MAIN(RunsPageTest)
#include "runs_page_test.moc"
