#include "train/best_epoch.h"

#include <gtest/gtest.h>

namespace kestrel::train {
namespace {

CheckpointProgress bestSoFar(double metric, double loss) {
    CheckpointProgress progress;
    progress.bestMetric = metric;
    progress.bestLoss = loss;
    progress.bestEpoch = 3;
    return progress;
}

TEST(BestEpochTest, AHigherAccuracyWinsWhateverItsLoss) {
    const BestEpochRule accuracy{"val_accuracy", true};
    EXPECT_TRUE(improvesOnBest(accuracy, 0.9, 2.0, bestSoFar(0.8, 0.1)));
    EXPECT_FALSE(improvesOnBest(accuracy, 0.7, 0.01, bestSoFar(0.8, 0.1)));
}

TEST(BestEpochTest, ATiedAccuracyWinsOnlyWithALowerValidationLoss) {
    // 27 of 27 validation images right at epoch 4 and again later: the later, lower-loss
    // epoch is the better-fitted model.
    const BestEpochRule accuracy{"val_accuracy", true};
    EXPECT_TRUE(improvesOnBest(accuracy, 1.0, 0.05, bestSoFar(1.0, 0.30)));
    EXPECT_FALSE(improvesOnBest(accuracy, 1.0, 0.30, bestSoFar(1.0, 0.30)));
    EXPECT_FALSE(improvesOnBest(accuracy, 1.0, 0.45, bestSoFar(1.0, 0.30)));
}

TEST(BestEpochTest, MonitoringTheLossATieIsNoImprovement) {
    const BestEpochRule loss{"val_loss", false};
    EXPECT_TRUE(improvesOnBest(loss, 0.2, 0.2, bestSoFar(0.3, 0.3)));
    EXPECT_FALSE(improvesOnBest(loss, 0.3, 0.3, bestSoFar(0.3, 0.3)));
    EXPECT_FALSE(improvesOnBest(loss, 0.4, 0.4, bestSoFar(0.3, 0.3)));
}

TEST(BestEpochTest, TheFirstValidationAlwaysImproves) {
    CheckpointProgress fresh;
    fresh.bestMetric = -INFINITY;
    EXPECT_TRUE(improvesOnBest({"val_macro_f1", true}, 0.0, 5.0, fresh));
    fresh.bestMetric = INFINITY;
    EXPECT_TRUE(improvesOnBest({"val_loss", false}, 9.0, 9.0, fresh));
}

} // namespace
} // namespace kestrel::train
