// Confident learning on probability tables written by hand, where the thresholds, the
// suggestion and the ranking can be worked out on paper.
#include "common/error.h"
#include "review/confident_learning.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace kestrel::review {
namespace {

const LabelIssue& issueOf(const std::vector<LabelIssue>& issues, std::size_t index) {
    for (const auto& issue : issues) {
        if (issue.index == index) {
            return issue;
        }
    }
    throw std::runtime_error("no issue for sample " + std::to_string(index));
}

std::vector<std::size_t> order(const std::vector<LabelIssue>& issues) {
    std::vector<std::size_t> indices;
    for (const auto& issue : issues) {
        indices.push_back(issue.index);
    }
    return indices;
}

TEST(ConfidentLearningTest, FlagsTheSampleTheOtherClassClaimsAndSuggestsThatClass) {
    // Thresholds: t0 = (0.9 + 0.8 + 0.1) / 3 = 0.6, t1 = (0.85 + 0.7 + 0.9) / 3 = 0.817,
    // t2 = (0.6 + 0.8) / 2 = 0.7.
    const std::vector<std::vector<float>> p = {
        {0.9f, 0.05f, 0.05f}, {0.8f, 0.1f, 0.1f},   {0.1f, 0.8f, 0.1f}, {0.1f, 0.85f, 0.05f},
        {0.2f, 0.7f, 0.1f},   {0.05f, 0.9f, 0.05f}, {0.3f, 0.1f, 0.6f}, {0.1f, 0.1f, 0.8f}};
    const std::vector<std::int64_t> given = {0, 0, 0, 1, 1, 1, 2, 2};
    const auto issues = rankLabelIssues(p, given, 3);
    ASSERT_EQ(issues.size(), 8u);

    // Sample 2 reaches no threshold (0.8 < t1), so the most probable class stands in.
    const LabelIssue& wrong = issues.front();
    EXPECT_EQ(wrong.index, 2u);
    EXPECT_TRUE(wrong.flagged);
    EXPECT_EQ(wrong.given, 0);
    EXPECT_EQ(wrong.suggested, 1);
    EXPECT_FLOAT_EQ(wrong.givenProbability, 0.1f);
    EXPECT_FLOAT_EQ(wrong.suggestedProbability, 0.8f);
    EXPECT_FLOAT_EQ(wrong.score, 0.7f);

    for (std::size_t i = 1; i < issues.size(); ++i) {
        EXPECT_FALSE(issues[i].flagged) << issues[i].index;
        EXPECT_EQ(issues[i].suggested, issues[i].given) << issues[i].index;
    }
    // The rest from the least likely given label up: 0.6 (6), 0.7 (4), 0.8 (1, 7), ...
    EXPECT_EQ(order(issues), (std::vector<std::size_t>{2, 6, 4, 1, 7, 3, 0, 5}));
}

TEST(ConfidentLearningTest, PerClassThresholdsFlagWhatTheArgmaxWouldKeep) {
    // The model is shy of class 1 (t1 = (0.45 + 0.5 + 0.31) / 3 = 0.42) and sure of class 0
    // (t0 = (0.9 + 0.95 + 0.56) / 3 = 0.803): sample 2's 0.44 for class 1 is confident for
    // that class, its 0.56 for class 0 is not.
    const std::vector<std::vector<float>> p = {{0.9f, 0.1f},   {0.95f, 0.05f}, {0.56f, 0.44f},
                                               {0.55f, 0.45f}, {0.5f, 0.5f},   {0.69f, 0.31f}};
    const std::vector<std::int64_t> given = {0, 0, 0, 1, 1, 1};
    const auto issues = rankLabelIssues(p, given, 2);

    const LabelIssue& shy = issueOf(issues, 2);
    EXPECT_TRUE(shy.flagged);
    EXPECT_EQ(shy.suggested, 1);
    EXPECT_NEAR(shy.score, 0.44f - 0.56f, 1e-6);
    // Class 1's own samples reach t1 except sample 5 (0.31): with no class confident, the
    // most probable (class 0) is suggested.
    EXPECT_FALSE(issueOf(issues, 3).flagged);
    EXPECT_FALSE(issueOf(issues, 4).flagged);
    const LabelIssue& below = issueOf(issues, 5);
    EXPECT_TRUE(below.flagged);
    EXPECT_EQ(below.suggested, 0);
    EXPECT_NEAR(below.score, 0.69f - 0.31f, 1e-6);
    // Flagged first, by score (0.38 before -0.12), then the others by p(given).
    EXPECT_EQ(order(issues), (std::vector<std::size_t>{5, 2, 3, 4, 0, 1}));
}

TEST(ConfidentLearningTest, AmongConfidentClassesTheMostProbableIsSuggested) {
    const std::vector<std::vector<float>> p = {
        {0.5f, 0.3f, 0.2f}, {0.5f, 0.3f, 0.2f}, {0.2f, 0.3f, 0.5f}, {0.6f, 0.2f, 0.2f}};
    const std::vector<std::int64_t> given = {2, 0, 1, 2};
    // t0 = 0.5 (sample 1), t1 = 0.3 (sample 2), t2 = (0.2 + 0.2) / 2 = 0.2: sample 0 reaches
    // all three and gets the most probable of them.
    const auto issues = rankLabelIssues(p, given, 3);
    EXPECT_EQ(issueOf(issues, 0).suggested, 0);
    EXPECT_TRUE(issueOf(issues, 0).flagged);
    EXPECT_EQ(issueOf(issues, 3).suggested, 0);
    EXPECT_FALSE(issueOf(issues, 1).flagged);
    // Sample 2 reaches t1 and t2: 0.5 for class 2 wins over its own 0.3.
    EXPECT_EQ(issueOf(issues, 2).suggested, 2);
}

TEST(ConfidentLearningTest, EveryFlaggedSampleScoresAboveEveryOther) {
    // t0 = (0.99 + 0.98 + 0.1) / 3 = 0.69, t1 = (0.99 + 0.7 + 0.98 + 0.4) / 4 = 0.7675:
    // sample 2 is flagged with a score of 0.8, sample 6 with one of 0.2.
    const std::vector<std::vector<float>> p = {{0.99f, 0.01f}, {0.98f, 0.02f}, {0.1f, 0.9f},
                                               {0.01f, 0.99f}, {0.3f, 0.7f},   {0.02f, 0.98f},
                                               {0.6f, 0.4f}};
    const std::vector<std::int64_t> given = {0, 0, 0, 1, 1, 1, 1};
    const auto issues = rankLabelIssues(p, given, 2);
    EXPECT_EQ(order(issues), (std::vector<std::size_t>{2, 6, 4, 1, 5, 0, 3}));
    float lowestFlagged = 2;
    float highestOther = -3;
    for (const auto& issue : issues) {
        if (issue.flagged) {
            lowestFlagged = std::min(lowestFlagged, issue.score);
        } else {
            highestOther = std::max(highestOther, issue.score);
        }
    }
    EXPECT_FLOAT_EQ(lowestFlagged, 0.6f - 0.4f);
    EXPECT_LT(highestOther, lowestFlagged);
    for (std::size_t i = 1; i < issues.size(); ++i) {
        EXPECT_GE(issues[i - 1].score, issues[i].score) << "the store sorts by score alone";
    }
}

TEST(ConfidentLearningTest, UnreadableSamplesAreLeftOutAndDoNotMoveTheThresholds) {
    // Without sample 1, t1 = (0.45 + 0.8) / 2 = 0.625 and sample 2 reaches no threshold, so
    // its most probable class, 0, is suggested. Sample 1 counted as zeros would lower t1 to
    // 0.417, and sample 2's 0.45 would keep its label.
    const std::vector<std::vector<float>> p = {{0.9f, 0.1f}, {}, {0.55f, 0.45f}, {0.2f, 0.8f}};
    const std::vector<std::int64_t> given = {0, 1, 1, 1};
    const auto issues = rankLabelIssues(p, given, 2);
    EXPECT_EQ(order(issues), (std::vector<std::size_t>{2, 3, 0}));
    EXPECT_TRUE(issueOf(issues, 2).flagged);
    EXPECT_EQ(issueOf(issues, 2).suggested, 0);
}

TEST(ConfidentLearningTest, MismatchedInputIsRefusedWithASentence) {
    try {
        rankLabelIssues({{0.5f, 0.5f}}, {0, 1}, 2);
        FAIL() << "sizes differ";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "There are 1 rows of probabilities for 2 given labels; they "
                                   "must be one per sample.");
    }
    EXPECT_THROW(rankLabelIssues({{0.5f, 0.5f}}, {2}, 2), Error);
    EXPECT_THROW(rankLabelIssues({{0.2f, 0.3f, 0.5f}}, {0}, 2), Error);
    EXPECT_THROW(rankLabelIssues({{1.0f}}, {0}, 1), Error);
    EXPECT_TRUE(rankLabelIssues({}, {}, 2).empty());
}

} // namespace
} // namespace kestrel::review
