#include "common/error.h"
#include "train/lr_schedule.h"

#include <cmath>

#include <gtest/gtest.h>

namespace kestrel::train {
namespace {

LrScheduleOptions options(LrScheduleOptions::Kind kind) {
    LrScheduleOptions o;
    o.kind = kind;
    o.baseLr = 0.1;
    return o;
}

TEST(LrScheduleTest, ConstantNeverMoves) {
    const LrSchedule schedule(options(LrScheduleOptions::Kind::Constant), 10, 5);
    EXPECT_DOUBLE_EQ(schedule.at(0), 0.1);
    EXPECT_DOUBLE_EQ(schedule.at(49), 0.1);
}

TEST(LrScheduleTest, StepDropsByGammaEveryStepEpochs) {
    auto o = options(LrScheduleOptions::Kind::Step);
    o.stepEpochs = 2;
    o.gamma = 0.5;
    const LrSchedule schedule(o, 10, 6); // 10 steps per epoch
    EXPECT_DOUBLE_EQ(schedule.at(0), 0.1);
    EXPECT_DOUBLE_EQ(schedule.at(19), 0.1);  // epoch 1
    EXPECT_DOUBLE_EQ(schedule.at(20), 0.05); // epoch 2
    EXPECT_DOUBLE_EQ(schedule.at(45), 0.025);
}

TEST(LrScheduleTest, CosineWarmsUpLinearlyThenFallsToTheFloor) {
    auto o = options(LrScheduleOptions::Kind::Cosine);
    o.warmupEpochs = 1;
    o.finalFraction = 0.0;
    const LrSchedule schedule(o, 10, 5); // 50 steps, 10 of warm-up
    EXPECT_NEAR(schedule.at(0), 0.01, 1e-12);
    EXPECT_NEAR(schedule.at(4), 0.05, 1e-12);
    EXPECT_NEAR(schedule.at(10), 0.1, 1e-12); // peak right after warm-up
    EXPECT_LT(schedule.at(30), schedule.at(20));
    EXPECT_NEAR(schedule.at(49), 0.0, 1e-12);
    // The decay spans steps 10..49: step 29 is 19/39 of the way down the cosine.
    EXPECT_NEAR(schedule.at(29), 0.05 * (1 + std::cos(3.14159265358979 * 19.0 / 39.0)), 1e-9);
}

TEST(LrScheduleTest, OneCycleRisesFromBaseOver25ToBaseThenFallsNearZero) {
    auto o = options(LrScheduleOptions::Kind::OneCycle);
    o.warmupFraction = 0.3;
    const LrSchedule schedule(o, 10, 10); // 100 steps
    EXPECT_NEAR(schedule.at(0), 0.1 / 25, 1e-12);
    double peak = 0;
    std::int64_t peakStep = 0;
    for (std::int64_t step = 0; step < 100; ++step) {
        if (schedule.at(step) > peak) {
            peak = schedule.at(step);
            peakStep = step;
        }
    }
    EXPECT_NEAR(peak, 0.1, 1e-12);
    EXPECT_EQ(peakStep, 29); // as torch's OneCycleLR: the peak at pct_start * total - 1
    EXPECT_NEAR(schedule.at(99), 0.1 / 25 / 1e4, 1e-12);
}

TEST(LrScheduleTest, ARestartRunsTheMainScheduleFirstThenASmallerOneCycle) {
    auto o = options(LrScheduleOptions::Kind::OneCycle);
    o.warmupFraction = 0.3;
    // 12 epochs of 10 steps: the last 2 restart at a tenth of the rate.
    const LrSchedule restarted(o, 10, 12, LrRestart{2, 0.1});
    const LrSchedule main(o, 10, 10);
    for (std::int64_t step = 0; step < 100; ++step) {
        ASSERT_NEAR(restarted.at(step), main.at(step), 1e-15) << "step " << step;
    }
    const LrSchedule second(options(LrScheduleOptions::Kind::OneCycle), 10, 2);
    for (std::int64_t step = 100; step < 120; ++step) {
        ASSERT_NEAR(restarted.at(step), 0.1 * second.at(step - 100), 1e-15) << "step " << step;
    }
    EXPECT_NEAR(restarted.at(100), 0.01 / 25, 1e-15); // starts low again
    EXPECT_GT(restarted.at(105), restarted.at(100));
    EXPECT_LT(restarted.at(119), 1e-6);
    EXPECT_EQ(restarted.stageStart(99), 0);
    EXPECT_EQ(restarted.stageStart(100), 100);
    EXPECT_EQ(main.stageStart(99), 0);

    // The other schedules end where the restart begins, and a restart as long as the run is
    // no restart.
    const LrSchedule cosine(options(LrScheduleOptions::Kind::Cosine), 10, 12, LrRestart{2, 0.1});
    EXPECT_NEAR(cosine.at(99), 0.0, 1e-12);
    const LrSchedule whole(o, 10, 2, LrRestart{2, 0.1});
    EXPECT_NEAR(whole.at(5), second.at(5), 1e-15);
}

TEST(LrScheduleTest, NamesRoundTripAndUnknownNamesAreRefused) {
    for (const char* name : {"constant", "step", "cosine", "onecycle"}) {
        EXPECT_EQ(toString(parseLrScheduleKind(name)), name);
    }
    EXPECT_THROW(parseLrScheduleKind("linear"), Error);
    auto negative = options(LrScheduleOptions::Kind::Constant);
    negative.baseLr = -1;
    EXPECT_THROW(LrSchedule(negative, 10, 1), Error);
}

} // namespace
} // namespace kestrel::train
