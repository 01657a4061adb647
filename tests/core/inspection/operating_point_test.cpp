#include "common/error.h"
#include "inspection/operating_point.h"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

namespace kestrel::inspection {
namespace {

// Good parts score low, defects high, with one shy defect (0.30) among the good ones.
std::vector<InspectionScore> shyDefectScores() {
    return {{0.02, false}, {0.10, false}, {0.35, false}, {0.50, false},
            {0.30, true},  {0.80, true},  {0.95, true},  {0.99, true}};
}

TEST(OperatingPoint, CatchesEveryDefectWithTheThresholdInTheMiddleOfTheGapBelowThem) {
    const auto scores = shyDefectScores();
    const auto point = chooseOperatingPoint(scores, 0.995);
    ASSERT_TRUE(point);
    // The shy defect (0.30) must be caught; the next score below it is a good part's 0.10.
    EXPECT_DOUBLE_EQ(point->threshold, 0.20);
    EXPECT_EQ(point->rates.defects, 4);
    EXPECT_EQ(point->rates.escapes, 0);
    EXPECT_EQ(point->rates.goods, 4);
    EXPECT_EQ(point->rates.falseRejects, 2); // 0.35 and 0.50
    EXPECT_DOUBLE_EQ(point->rates.falseRejectRate(), 0.5);
}

TEST(OperatingPoint, ALowerTargetLetsTheShyDefectEscapeAndRejectsFewerGoodParts) {
    const auto scores = shyDefectScores();
    const auto point = chooseOperatingPoint(scores, 0.75);
    ASSERT_TRUE(point);
    EXPECT_DOUBLE_EQ(point->threshold, 0.65); // between 0.80 and the good part's 0.50
    EXPECT_EQ(point->rates.escapes, 1);
    EXPECT_DOUBLE_EQ(point->rates.escapeRate(), 0.25);
    EXPECT_EQ(point->rates.falseRejects, 0);
}

TEST(OperatingPoint, ReachesTheTargetOnManyScoresWithoutRoundingUp) {
    // 200 defects at 99.5%: 199 must be caught, not 200.
    std::mt19937 random(7);
    std::uniform_real_distribution<double> high(0.5, 1.0);
    std::uniform_real_distribution<double> low(0.0, 0.6);
    std::vector<InspectionScore> scores;
    for (int i = 0; i < 200; ++i) {
        scores.push_back({high(random), true});
        scores.push_back({low(random), false});
    }
    scores.push_back({0.0001, true}); // the one defect the model missed
    const auto point = chooseOperatingPoint(scores, 0.995);
    ASSERT_TRUE(point);
    EXPECT_EQ(point->rates.defects, 201);
    EXPECT_LE(point->rates.escapes, 1);
    EXPECT_GE(1.0 - point->rates.escapeRate(), 0.995);
    EXPECT_GT(point->threshold, 0.0001);
    EXPECT_LT(point->rates.falseRejectRate(), 0.5);
    // Raising it to the next score above it misses the target.
    double next = 1.0;
    for (const auto& score : scores) {
        if (score.notGood > point->threshold) {
            next = std::min(next, score.notGood);
        }
    }
    const auto stricter = ratesAt(scores, next + 1e-12);
    EXPECT_LT(1.0 - stricter.escapeRate(), 0.995);
}

TEST(OperatingPoint, NeedsBothGoodPartsAndDefects) {
    EXPECT_FALSE(chooseOperatingPoint({{0.1, false}, {0.2, false}}, 0.995));
    EXPECT_FALSE(chooseOperatingPoint({{0.9, true}}, 0.995));
    EXPECT_FALSE(chooseOperatingPoint({}, 0.995));
}

TEST(OperatingPoint, RefusesATargetOutsideZeroToOne) {
    EXPECT_THROW(chooseOperatingPoint({{0.1, false}, {0.9, true}}, 0.0), Error);
    EXPECT_THROW(chooseOperatingPoint({{0.1, false}, {0.9, true}}, 99.5), Error);
}

TEST(GoodClass, FindsTheUsualNamesOrTheOneGiven) {
    EXPECT_EQ(findGoodClass({"dent", "Good", "scratch"}), 1u);
    EXPECT_EQ(findGoodClass({"ok", "scratch", "spot"}), 0u);
    EXPECT_FALSE(findGoodClass({"cat", "dog"}));
    EXPECT_EQ(findGoodClass({"cat", "dog"}, "DOG"), 1u);
    try {
        findGoodClass({"cat", "dog"}, "pass");
        FAIL() << "a good class that is not a class must be refused";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "The good class \"pass\" is not one of the project's classes (cat, dog).");
    }
}

} // namespace
} // namespace kestrel::inspection
