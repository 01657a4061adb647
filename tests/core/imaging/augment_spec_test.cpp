#include "common/error.h"
#include "imaging/augment.h"
#include "imaging/augment_spec.h"

#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace kestrel::imaging {
namespace {

std::string refusal(AugmentOptions& options, const std::string& spec) {
    try {
        applyAugmentSpec(options, spec);
    } catch (const Error& error) {
        return error.what();
    }
    ADD_FAILURE() << spec << " was accepted";
    return "";
}

TEST(AugmentSpecTest, SetsProbabilityAndStrengthAndTurnsAugmentationsOff) {
    AugmentOptions options = AugmentOptions::standard();
    applyAugmentSpec(options, "rotate=0.5:15");
    EXPECT_EQ(options.rotation.probability, 0.5);
    EXPECT_EQ(options.rotation.maxDegrees, 15);
    applyAugmentSpec(options, "crop=0");
    EXPECT_EQ(options.resizedCrop.probability, 0);
    applyAugmentSpec(options, "jitter=1:0.4");
    EXPECT_EQ(options.colorJitter.brightness, 0.4);
    EXPECT_EQ(options.colorJitter.contrast, 0.4);
    applyAugmentSpec(options, "noise=0.3");
    EXPECT_EQ(options.noise.probability, 0.3);
    EXPECT_EQ(options.noise.sigma, AugmentOptions{}.noise.sigma); // strength left as it was
    applyAugmentSpec(options, "vflip=0.25");
    EXPECT_EQ(options.verticalFlip, 0.25);
    applyAugmentSpec(options, "blur=0.2:0.05"); // below the default smallest sigma
    EXPECT_EQ(options.blur.maxSigma, 0.05);
    EXPECT_LE(options.blur.minSigma, options.blur.maxSigma);
}

TEST(AugmentSpecTest, RefusesEachMistakeInASentenceAndChangesNothing) {
    AugmentOptions options = AugmentOptions::standard();
    const AugmentOptions before = options;
    EXPECT_NE(refusal(options, "twirl=0.5").find("crop, shift, hflip"), std::string::npos);
    EXPECT_NE(refusal(options, "rotate").find("NAME=PROBABILITY"), std::string::npos);
    EXPECT_NE(refusal(options, "hflip=often").find("hflip=often"), std::string::npos);
    EXPECT_NE(refusal(options, "hflip=1.5").find("horizontalFlip"), std::string::npos);
    EXPECT_NE(refusal(options, "rotate=0.5:400").find("rotate=0.5:400"), std::string::npos);
    EXPECT_NE(refusal(options, "rot90=0.5:3").find("probability only"), std::string::npos);
    EXPECT_NE(refusal(options, "shift=0.5:").find("strength"), std::string::npos);
    EXPECT_EQ(options.horizontalFlip, before.horizontalFlip);
    EXPECT_EQ(options.rotation.probability, before.rotation.probability);
    EXPECT_EQ(options.rotation.maxDegrees, before.rotation.maxDegrees);
    EXPECT_EQ(options.resizedCrop.probability, before.resizedCrop.probability);
}

// One bright pixel off every symmetry axis lands in a different place for each of the
// eight orientations a flip and a quarter turn reach.
TEST(AugmentSpecTest, AnyOrientationMakesEveryOrientationEquallyLikely) {
    AugmentOptions options;
    allowAnyOrientation(options);
    cv::Mat image = cv::Mat::zeros(16, 16, CV_8UC1);
    image.at<unsigned char>(2, 5) = 255;
    std::map<std::pair<int, int>, int> landed;
    Random random(mixSeed(17, 4));
    constexpr int kDraws = 8000;
    for (int draw = 0; draw < kDraws; ++draw) {
        cv::Point where;
        cv::minMaxLoc(augmentImage(image, options, random), nullptr, nullptr, nullptr, &where);
        ++landed[{where.y, where.x}];
    }
    ASSERT_EQ(landed.size(), 8u);
    for (const auto& [place, count] : landed) {
        SCOPED_TRACE(std::to_string(place.first) + "," + std::to_string(place.second));
        EXPECT_NEAR(static_cast<double>(count) / kDraws, 1.0 / 8, 0.025);
    }
}

} // namespace
} // namespace kestrel::imaging
