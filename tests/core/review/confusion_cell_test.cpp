// The samples behind a confusion cell: a classifier's by truth and prediction, a segmentation
// run's images by their pixels in the cell.
#include "review/confusion_cell.h"
#include "store/run_repository.h"

#include <gtest/gtest.h>

namespace kestrel::review {
namespace {

using Found = std::vector<std::pair<std::int64_t, float>>;

TEST(ConfusionCell, AClassifiersCellListsItsSamplesWithTheirConfidence) {
    const std::vector<store::StoredPrediction> predictions = {{11, 3, 0, 1, 0.75, {}},
                                                              {12, 3, 0, 0, 0.9, {}},
                                                              {13, 3, 0, 1, 0.5, {}},
                                                              {14, 3, 1, 0, 0.6, {}}};
    const CellSamples found = cellSamples(predictions, 0, 1);
    EXPECT_FALSE(found.pixelCounts);
    EXPECT_EQ(found.samples, (Found{{11, 0.75f}, {13, 0.5f}}));
    EXPECT_TRUE(cellSamples(predictions, 1, 1).samples.empty());
}

TEST(ConfusionCell, ASegmentationCellListsTheImagesWithSuchPixelsByTheirCount) {
    // Two classes (background, scratch); cells truth-major: bg->bg, bg->scratch,
    // scratch->bg, scratch->scratch. The images' verdicts (truth, predicted) do not matter.
    const std::vector<store::StoredPrediction> predictions = {
        {21, 5, 1, 1, 0.9, {1000, 0, 12, 30}}, // misses 12 scratch pixels
        {22, 5, 0, 1, 0.8, {1030, 12, 0, 0}},  // a false alarm of 12 pixels
        {23, 5, 1, 1, 0.7, {990, 3, 7, 42}}};
    const CellSamples missed = cellSamples(predictions, 1, 0);
    EXPECT_TRUE(missed.pixelCounts);
    EXPECT_EQ(missed.samples, (Found{{21, 12.0f}, {23, 7.0f}}));
    EXPECT_EQ(cellSamples(predictions, 0, 1).samples, (Found{{22, 12.0f}, {23, 3.0f}}));
    EXPECT_EQ(cellSamples(predictions, 1, 1).samples, (Found{{21, 30.0f}, {23, 42.0f}}));
    // A class the matrix does not have lists nothing rather than reading past it.
    EXPECT_TRUE(cellSamples(predictions, 2, 0).samples.empty());
    EXPECT_TRUE(cellSamples(predictions, 0, -1).samples.empty());
}

} // namespace
} // namespace kestrel::review
