// An evaluation share survives its trip through the store's bytes exactly, and bytes it
// did not write are refused.
#include "common/error.h"
#include "tasks/evaluation_share_bytes.h"

#include <string>

#include <gtest/gtest.h>

namespace kestrel::tasks {
namespace {

TEST(EvaluationShareBytesTest, AShareComesBackBitForBitAndDamageIsRefused) {
    EvaluationShare share;
    share.lossSum = 0.1 + 0.2;
    share.seen = 3;
    share.predictions = {{4, 1, 0, 0.3f, {1, 2, 3, 4}}, {9, 0, 0, 1.0f / 3.0f, {}}};
    share.positiveScores = {0.7, 1e-300};
    share.areas = {{{1.5, 2.0}, {0.25, 3.0}}, {{}, {}}};
    share.truthBoxes = {{4, 1, {1.0 / 3.0, 2, 3, 4}, true}};
    share.detectedBoxes = {{9, 0, {5, 6, 7, 8.5}, 0.123456789}};
    const std::string bytes = toBytes(share);
    const EvaluationShare back = shareFromBytes(bytes);
    EXPECT_EQ(back.lossSum, share.lossSum);
    EXPECT_EQ(back.seen, 3);
    ASSERT_EQ(back.predictions.size(), 2u);
    EXPECT_EQ(back.predictions[0].sample, 4u);
    EXPECT_EQ(back.predictions[0].pixels, share.predictions[0].pixels);
    EXPECT_EQ(back.predictions[1].confidence, 1.0f / 3.0f);
    EXPECT_EQ(back.positiveScores, share.positiveScores);
    ASSERT_EQ(back.areas.size(), 2u);
    EXPECT_EQ(back.areas[0].predicted, share.areas[0].predicted);
    ASSERT_EQ(back.truthBoxes.size(), 1u);
    EXPECT_EQ(back.truthBoxes[0].box.x, 1.0 / 3.0);
    EXPECT_TRUE(back.truthBoxes[0].crowd);
    ASSERT_EQ(back.detectedBoxes.size(), 1u);
    EXPECT_EQ(back.detectedBoxes[0].score, 0.123456789);
    EXPECT_EQ(toBytes(back), bytes);

    EXPECT_THROW(shareFromBytes(bytes.substr(0, bytes.size() - 1)), Error);
    EXPECT_THROW(shareFromBytes(bytes + "x"), Error);
    EXPECT_THROW(shareFromBytes(""), Error);
}

} // namespace
} // namespace kestrel::tasks
