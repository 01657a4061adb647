#include "common/error.h"
#include "tasks/classification_metrics.h"

#include <gtest/gtest.h>

namespace kestrel::tasks {
namespace {

// Three classes, ten samples, worked out by hand:
//            predicted a  b  c
//   true a            3  1  0
//   true b            0  2  1
//   true c            1  0  2
ConfusionMatrix handMatrix() {
    ConfusionMatrix matrix(3);
    matrix.add({0, 0, 0, 0, 1, 1, 1, 2, 2, 2}, {0, 0, 0, 1, 1, 1, 2, 0, 2, 2});
    return matrix;
}

TEST(ConfusionMatrixTest, CountsRowsAsTruthAndColumnsAsPrediction) {
    const ConfusionMatrix matrix = handMatrix();
    EXPECT_EQ(matrix.count(0, 0), 3);
    EXPECT_EQ(matrix.count(0, 1), 1);
    EXPECT_EQ(matrix.count(1, 2), 1);
    EXPECT_EQ(matrix.count(2, 0), 1);
    EXPECT_EQ(matrix.total(), 10);
    EXPECT_EQ(matrix.counts(), (std::vector<std::int64_t>{3, 1, 0, 0, 2, 1, 1, 0, 2}));
}

TEST(ConfusionMatrixTest, AccuracyPrecisionRecallAndF1MatchHandValues) {
    const ConfusionMatrix matrix = handMatrix();
    EXPECT_DOUBLE_EQ(matrix.accuracy(), 7.0 / 10.0);

    const ClassMetrics a = matrix.classMetrics(0); // predicted a: 4, of which 3 right
    EXPECT_DOUBLE_EQ(a.precision, 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(a.recall, 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(a.f1, 0.75);
    EXPECT_EQ(a.support, 4);

    const ClassMetrics b = matrix.classMetrics(1); // predicted b: 3 (2 right), true b: 3
    EXPECT_DOUBLE_EQ(b.precision, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(b.recall, 2.0 / 3.0);

    const ClassMetrics c = matrix.classMetrics(2); // predicted c: 3 (2 right), true c: 3
    EXPECT_DOUBLE_EQ(c.precision, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(c.f1, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(matrix.macroF1(), (0.75 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0);
}

TEST(ConfusionMatrixTest, AClassNeverPredictedHasZeroPrecisionNotNaN) {
    ConfusionMatrix matrix(2);
    matrix.add({0, 1}, {0, 0});
    EXPECT_EQ(matrix.classMetrics(1).precision, 0.0);
    EXPECT_EQ(matrix.classMetrics(1).f1, 0.0);
    EXPECT_EQ(ConfusionMatrix(2).accuracy(), 0.0);
}

TEST(ConfusionMatrixTest, OutOfRangeClassesAreRefused) {
    ConfusionMatrix matrix(2);
    EXPECT_THROW(matrix.add(2, 0), Error);
    EXPECT_THROW(matrix.add(0, -1), Error);
    EXPECT_THROW(matrix.add({0, 1}, {0}), Error);
}

TEST(RocAucTest, MatchesTheMannWhitneyCountByHand) {
    // Positives scored 0.9, 0.4, 0.35; negatives 0.8, 0.3, 0.1. Of the 9 (positive,
    // negative) pairs the positive scores higher in 7 (0.9 beats all 3; 0.4 and 0.35 beat
    // 0.3 and 0.1): AUC = 7 / 9.
    const auto auc =
        rocAuc({0.9, 0.4, 0.35, 0.8, 0.3, 0.1}, {true, true, true, false, false, false});
    ASSERT_TRUE(auc.has_value());
    EXPECT_NEAR(*auc, 7.0 / 9.0, 1e-12);
}

TEST(RocAucTest, TiesCountHalfAndPerfectOrderIsOne) {
    EXPECT_NEAR(*rocAuc({0.5, 0.5}, {true, false}), 0.5, 1e-12);
    EXPECT_NEAR(*rocAuc({0.9, 0.8, 0.2}, {true, true, false}), 1.0, 1e-12);
    EXPECT_FALSE(rocAuc({0.9, 0.8}, {true, true}).has_value());
}

} // namespace
} // namespace kestrel::tasks
