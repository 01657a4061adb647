// The detector's target assignment and loss: hand-placed boxes, hand-computed values, and
// torchvision 0.14's own FCOS loss (through Debian's python3-torchvision) on random batches.
#include "files.h"
#include "imaging/random.h"
#include "process.h"
#include "tasks/detection_losses.h"
#include "tasks/fcos_targets.h"
#include "temp_dir.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/Functions.h>
#include <ATen/TensorOperators.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel::tasks {
namespace {

// A 64 x 64 image's pyramid: 8 x 8 cells of 8 pixels, 4 x 4 of 16, 2 x 2 of 32.
const std::vector<FeatureLevel> kLevels = {{8, 8, 8}, {16, 4, 4}, {32, 2, 2}};

imaging::ClassBox boxAt(int category, double x, double y, double width, double height) {
    return {category, {x, y, width, height}};
}

std::vector<std::int64_t> matchedCells(const FcosTargets& targets, std::int64_t box) {
    std::vector<std::int64_t> cells;
    const auto matched = targets.matched.accessor<std::int64_t, 1>();
    for (std::int64_t cell = 0; cell < matched.size(0); ++cell) {
        if (matched[cell] == box) {
            cells.push_back(cell);
        }
    }
    return cells;
}

TEST(FcosTargetsTest, CellsStandForThePixelsTheyCover) {
    const at::Tensor centres = cellCentres(kLevels);
    ASSERT_EQ(centres.size(0), 64 + 16 + 4);
    EXPECT_FLOAT_EQ(centres[0][0].item<float>(), 4.0f);
    EXPECT_FLOAT_EQ(centres[9][0].item<float>(), 12.0f); // row 1, column 1 of the first level
    EXPECT_FLOAT_EQ(centres[9][1].item<float>(), 12.0f);
    EXPECT_FLOAT_EQ(centres[64][0].item<float>(), 8.0f); // the second level's first cell
    EXPECT_FLOAT_EQ(centres[83][1].item<float>(), 48.0f);
    EXPECT_FLOAT_EQ(cellStrides(kLevels)[70].item<float>(), 16.0f);
}

// A 10-pixel spot at (20, 20): only the first level's cell at (28, 28) has its point inside
// (cells at 20 sit on its edge) and near its centre. A box the size of the image: the cells
// within 12 pixels (1.5 strides) of its centre on the first level, the only level whose range
// (up to 8 strides) its farthest side fits. Where both match, the smaller box wins.
// A scratch 2 pixels tall between two rows of points (y 4 and 12 on the first level) and 40
// wide: torchvision's rule gives it no cell at all, so it could never be learnt. Thin-box
// assignment gives it the first-level cells nearest its middle, whose centreness is measured
// in the box grown to 1.5 strides and stays positive.
TEST(FcosTargetsTest, ThinBoxesGetARowOfCellsAlongTheirMiddle) {
    const std::vector<imaging::ClassBox> scratch = {boxAt(1, 12, 7, 40, 2)};
    EXPECT_TRUE(matchedCells(assignFcosTargets(scratch, kLevels), 0).empty());

    const FcosTargets thin = assignFcosTargets(scratch, kLevels, FcosAssignment{1.5, true});
    const std::vector<std::int64_t> cells = matchedCells(thin, 0);
    // Row 0 (y 4) and row 1 (y 12) are 4 pixels from the middle (y 8), inside the box grown
    // to 12 pixels tall (1.5 strides); x under 12 pixels (1.5 strides, more than a quarter of
    // 40) from 32: columns 3 (x 28) and 4 (x 36).
    EXPECT_EQ(cells, (std::vector<std::int64_t>{3, 4, 11, 12}));
    for (const std::int64_t cell : cells) {
        EXPECT_EQ(thin.category[cell].item<std::int64_t>(), 1);
        // The regression target stays the drawn box.
        EXPECT_FLOAT_EQ(thin.box[cell][1].item<float>(), 7.0f);
        EXPECT_FLOAT_EQ(thin.box[cell][3].item<float>(), 9.0f);
        // The centreness box: the drawn one grown to 12 pixels tall about its middle.
        EXPECT_FLOAT_EQ(thin.centrenessBox[cell][1].item<float>(), 2.0f);
        EXPECT_FLOAT_EQ(thin.centrenessBox[cell][3].item<float>(), 14.0f);
    }
    // A box that already holds points keeps torchvision's cells and more, never fewer.
    const std::vector<imaging::ClassBox> spot = {boxAt(2, 20, 20, 10, 10)};
    const auto plain = matchedCells(assignFcosTargets(spot, kLevels), 0);
    const auto grown = matchedCells(assignFcosTargets(spot, kLevels, FcosAssignment{1.5, true}), 0);
    for (const std::int64_t cell : plain) {
        EXPECT_NE(std::find(grown.begin(), grown.end(), cell), grown.end()) << cell;
    }
}

TEST(FcosTargetsTest, HandPlacedBoxesGoToTheCellsTheRulesGive) {
    const FcosTargets spot = assignFcosTargets({boxAt(2, 20, 20, 10, 10)}, kLevels);
    EXPECT_EQ(matchedCells(spot, 0), std::vector<std::int64_t>({3 * 8 + 3}));
    EXPECT_EQ(spot.category[27].item<std::int64_t>(), 2);
    EXPECT_EQ(spot.category[26].item<std::int64_t>(), -1);
    EXPECT_FLOAT_EQ(spot.box[27][2].item<float>(), 30.0f);

    const FcosTargets whole = assignFcosTargets({boxAt(0, 0, 0, 64, 64)}, kLevels);
    EXPECT_EQ(matchedCells(whole, 0), std::vector<std::int64_t>({27, 28, 35, 36}));

    const FcosTargets both =
        assignFcosTargets({boxAt(0, 0, 0, 64, 64), boxAt(1, 24, 24, 10, 10)}, kLevels);
    EXPECT_EQ(matchedCells(both, 1), std::vector<std::int64_t>({27}));
    EXPECT_EQ(matchedCells(both, 0), std::vector<std::int64_t>({28, 35, 36}));

    const FcosTargets none = assignFcosTargets({}, kLevels);
    EXPECT_EQ(none.matched.max().item<std::int64_t>(), -1);
}

TEST(FcosLossTest, FocalAndGiouLossesHaveTheirDefiningValues) {
    // Logit 0 for a positive: p = 1/2, cross-entropy ln 2, weight (1/2)^2 and alpha 1/4.
    const at::Tensor focal = sigmoidFocalLoss(at::zeros({1}), at::ones({1}));
    EXPECT_NEAR(focal.item<double>(), 0.25 * 0.25 * std::log(2.0), 1e-7);
    // A negative with a very negative logit costs nearly nothing.
    EXPECT_LT(sigmoidFocalLoss(at::full({1}, -8.0), at::zeros({1})).item<double>(), 1e-6);

    const at::Tensor unit = at::tensor({0.0f, 0.0f, 1.0f, 1.0f}).reshape({1, 4});
    EXPECT_NEAR(generalizedIouLoss(unit, unit).item<double>(), 0.0, 1e-6);
    // Apart by a box's width: IoU 0, union 2, enclosing 3, GIoU -1/3.
    const at::Tensor apart = at::tensor({2.0f, 0.0f, 3.0f, 1.0f}).reshape({1, 4});
    EXPECT_NEAR(generalizedIouLoss(unit, apart).item<double>(), 4.0 / 3.0, 1e-6);
}

// Defects as the generated surfaces have them: thin scratches either way, small spots, an
// occasional large crack, some touching the border, and an image without any.
std::vector<imaging::ClassBox> randomDefects(imaging::Random& random, int count) {
    std::vector<imaging::ClassBox> boxes;
    for (int i = 0; i < count; ++i) {
        const int kind = static_cast<int>(imaging::below(random, 3));
        double width = imaging::uniform(random, 3, 12);
        double height = width * imaging::uniform(random, 0.7, 1.4);
        if (kind == 1) {
            width = imaging::uniform(random, 15, 45);
            height = imaging::uniform(random, 1.5, 4);
            if (imaging::chance(random, 0.5)) {
                std::swap(width, height);
            }
        } else if (kind == 2) {
            width = imaging::uniform(random, 20, 64);
            height = imaging::uniform(random, 20, 64);
        }
        const double x = imaging::uniform(random, -4, 64 - width + 4);
        const double y = imaging::uniform(random, -4, 64 - height + 4);
        const double x0 = std::max(0.0, x);
        const double y0 = std::max(0.0, y);
        boxes.push_back(
            boxAt(kind, x0, y0, std::min(64.0, x + width) - x0, std::min(64.0, y + height) - y0));
    }
    return boxes;
}

nlohmann::json flat(const at::Tensor& tensor) {
    const at::Tensor values = tensor.contiguous().reshape({-1}).to(at::kDouble);
    return std::vector<double>(values.data_ptr<double>(),
                               values.data_ptr<double>() + values.numel());
}

// torchvision's FCOS.compute_loss, run on the same batch through fcos_reference.py: the same
// cells matched to the same boxes, and the same three losses.
TEST(FcosLossTest, AgreesWithTorchvisionsFcosLoss) {
    const std::filesystem::path python = KESTREL_REFERENCE_PYTHON;
    if (!std::filesystem::exists(python)) {
        GTEST_SKIP() << python << " is not installed";
    }
    const int classes = 3;
    const at::Tensor centres = cellCentres(kLevels);
    const at::Tensor strides = cellStrides(kLevels);
    const std::int64_t cells = centres.size(0);
    for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        imaging::Random random(seed);
        const std::vector<std::vector<imaging::ClassBox>> images = {
            randomDefects(random, 1 + static_cast<int>(imaging::below(random, 6))),
            seed == 4 ? std::vector<imaging::ClassBox>() : randomDefects(random, 3)};
        at::manual_seed(seed);
        const auto batch = static_cast<std::int64_t>(images.size());
        const at::Tensor logits = at::randn({batch, cells, classes}) * 2;
        const at::Tensor distances = at::rand({batch, cells, 4}) * 3;
        const at::Tensor centreness = at::randn({batch, cells});
        std::vector<FcosTargets> targets;
        for (const auto& boxes : images) {
            targets.push_back(assignFcosTargets(boxes, kLevels));
        }
        const FcosLoss loss = fcosLoss(logits, distances, centreness, targets, centres, strides);

        nlohmann::json spec;
        for (const FeatureLevel& level : kLevels) {
            spec["levels"].push_back(
                {{"stride", level.stride}, {"rows", level.rows}, {"columns", level.columns}});
        }
        spec["classes"] = classes;
        spec["images"] = nlohmann::json::array();
        for (const auto& boxes : images) {
            nlohmann::json image = nlohmann::json::array();
            for (const auto& box : boxes) {
                image.push_back(
                    {{"category", box.category},
                     {"corners", {box.box.x, box.box.y, box.box.right(), box.box.bottom()}}});
            }
            spec["images"].push_back(image);
        }
        spec["class_logits"] = flat(logits);
        spec["box_distances"] = flat(distances);
        spec["centreness_logits"] = flat(centreness);
        kestrel::testing::TempDir dir;
        kestrel::testing::writeBytes(dir / "input.json", spec.dump());
        const auto result = kestrel::testing::runProgram(
            python.string(),
            {(std::filesystem::path(KESTREL_TEST_SOURCE_DIR) / "tests/core/tasks/fcos_reference.py")
                 .string(),
             (dir / "input.json").string()});
        if (result.exitCode == 3) {
            GTEST_SKIP() << result.err;
        }
        ASSERT_EQ(result.exitCode, 0) << result.err;
        const nlohmann::json reference = nlohmann::json::parse(result.out);
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const at::Tensor matched = targets[i].matched;
            const std::vector<std::int64_t> ours(matched.data_ptr<std::int64_t>(),
                                                 matched.data_ptr<std::int64_t>() + cells);
            EXPECT_EQ(ours, reference["matched"][i].get<std::vector<std::int64_t>>())
                << "image " << i;
        }
        EXPECT_NEAR(loss.classification.item<double>(), reference["classification"].get<double>(),
                    1e-5 * std::max(1.0, reference["classification"].get<double>()));
        EXPECT_NEAR(loss.box.item<double>(), reference["box"].get<double>(),
                    1e-5 * std::max(1.0, reference["box"].get<double>()));
        EXPECT_NEAR(loss.centreness.item<double>(), reference["centreness"].get<double>(),
                    1e-5 * std::max(1.0, reference["centreness"].get<double>()));
    }
}

} // namespace
} // namespace kestrel::tasks
