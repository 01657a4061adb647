// The review's scoring after a run: every image once, told as it goes, and a stop that leaves
// no half review behind.
#include "review/run_predictions.h"
#include "runs/run_store_writer.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "training_fixture.h"

#include <atomic>
#include <cstddef>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel::review {
namespace {

TEST(RunPredictionsTest, ScoringTellsItsProgressAndAStopKeepsNoPartialReview) {
    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 24);
    train::TrainOptions options = testing::tinyTrainOptions(1);
    // Scoring batches hold at least 64 images: the training split (48 of 72) takes one, so a
    // stop heard there ends the scoring before the other splits.
    auto session = runs::TrainingSession::create(project, options);
    const train::TrainingData& data = session->data().data;
    const std::size_t total = data.train.size() + data.validation.size() + data.test.size();
    ASSERT_EQ(data.train.size(), 48u);
    ASSERT_EQ(total, 72u);
    const std::int64_t run = session->runId();
    {
        train::NullObserver none;
        runs::ThreadedRunStoreWriter writer(project.database());
        ASSERT_EQ(session->run(none, &writer).status, train::TrainingFinished::Status::Completed);

        // Stop pressed while the first batch is scored.
        std::atomic<bool> stop{false};
        ReviewScoring stopped;
        stopped.stop = &stop;
        stopped.progress = [&stop](std::size_t, std::size_t) {
            stop = true;
        };
        EXPECT_FALSE(recordRunPredictions(*session, writer, stopped));
    }
    {
        Project reopened = Project::open(project.folder());
        EXPECT_TRUE(store::ReviewRepository(reopened.database()).samplePredictions(run).empty());
        EXPECT_EQ(store::RunRepository(reopened.database()).params(run).at("review_error"),
                  kReviewScoringStopped);
    }
    std::vector<std::pair<std::size_t, std::size_t>> told;
    {
        runs::ThreadedRunStoreWriter writer(project.database());
        ReviewScoring scoring;
        scoring.progress = [&told](std::size_t scored, std::size_t of) {
            told.emplace_back(scored, of);
        };
        recordRunPredictions(*session, writer, scoring);
    }
    // One report per split (each fits one scoring batch), counting on across the splits.
    ASSERT_EQ(told.size(), 3u);
    EXPECT_EQ(told[0], std::make_pair(data.train.size(), total));
    EXPECT_EQ(told[1], std::make_pair(data.train.size() + data.validation.size(), total));
    EXPECT_EQ(told[2], std::make_pair(total, total));
    EXPECT_EQ(store::ReviewRepository(project.database()).samplePredictions(run).size(), total);
}

} // namespace
} // namespace kestrel::review
