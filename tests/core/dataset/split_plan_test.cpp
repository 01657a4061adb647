#include "dataset/split_plan.h"

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

SplitCounts3 tally(const std::vector<int>& plan, const std::vector<std::string>& strata,
                   const std::string& stratum) {
    SplitCounts3 counts{};
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (strata[i] == stratum) {
            ++counts[static_cast<std::size_t>(plan[i])];
        }
    }
    return counts;
}

TEST(SplitPlanTest, StratifiesEachClassSeventyFifteenFifteen) {
    std::vector<std::string> strata(100, "ok");
    strata.insert(strata.end(), 20, "crack");
    const auto plan = planSplits(strata, {}, SplitRatios{}, 7);
    EXPECT_EQ(tally(plan, strata, "ok"), (SplitCounts3{70, 15, 15}));
    EXPECT_EQ(tally(plan, strata, "crack"), (SplitCounts3{14, 3, 3}));
}

TEST(SplitPlanTest, SameSeedSamePlanOtherSeedOtherPlan) {
    const std::vector<std::string> strata(50, "ok");
    EXPECT_EQ(planSplits(strata, {}, SplitRatios{}, 1), planSplits(strata, {}, SplitRatios{}, 1));
    EXPECT_NE(planSplits(strata, {}, SplitRatios{}, 1), planSplits(strata, {}, SplitRatios{}, 2));
}

TEST(SplitPlanTest, NewSamplesTopUpTheSplitsThatFallShort) {
    // 70 already imported, all in train: the 30 new ones must go to val and test.
    const std::vector<std::string> strata(30, "ok");
    const auto plan = planSplits(strata, {{"ok", {70, 0, 0}}}, SplitRatios{}, 3);
    EXPECT_EQ(tally(plan, strata, "ok"), (SplitCounts3{0, 15, 15}));
}

TEST(SplitPlanTest, TinyClassesStillGetATrainingSample) {
    const std::vector<std::string> strata = {"rare"};
    EXPECT_EQ(planSplits(strata, {}, SplitRatios{}, 3), std::vector<int>{0});
}

} // namespace
} // namespace kestrel::dataset
