// Segmentation's line verdict: NG when a defect class covers more than its minimum area, given
// in pixels or mm².
#include "common/error.h"
#include "inspection/area_verdict.h"

#include <gtest/gtest.h>

namespace kestrel::inspection {
namespace {

const std::vector<std::string> kClasses = {"background", "scratch", "spot"};

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return {};
}

TEST(AreaVerdict, ParsesPixelsSquareMillimetresAndClassNames) {
    const MinimumArea plain = parseMinimumArea("20");
    EXPECT_TRUE(plain.className.empty());
    EXPECT_DOUBLE_EQ(plain.value, 20);
    EXPECT_FALSE(plain.squareMillimetres);
    const MinimumArea named = parseMinimumArea("spot=0.5mm2");
    EXPECT_EQ(named.className, "spot");
    EXPECT_DOUBLE_EQ(named.value, 0.5);
    EXPECT_TRUE(named.squareMillimetres);
    EXPECT_DOUBLE_EQ(parseMinimumArea("scratch=12px").value, 12);
    EXPECT_EQ(toString(named), "spot=0.5mm2");
    EXPECT_EQ(toString(parseMinimumArea(toString(plain))).size(), 2u);
    for (const char* bad : {"", "=4", "spot=", "spot=-1", "ten", "4 px", "spot=2mm"}) {
        const std::string message = errorOf([&] { parseMinimumArea(bad); });
        EXPECT_NE(message.find(std::string("\"") + bad + "\""), std::string::npos) << bad;
    }
}

// The window's field and the run's parameters hold a list; older runs stored it with spaces.
TEST(AreaVerdict, ListsReadCommasOrSpacesAndReadBackWhatTheyWrite) {
    const std::vector<MinimumArea> areas = parseMinimumAreas(" 10,scratch=0.5mm2  spot=12px ,");
    ASSERT_EQ(areas.size(), 3u);
    EXPECT_TRUE(areas[0].className.empty());
    EXPECT_DOUBLE_EQ(areas[0].value, 10);
    EXPECT_EQ(areas[1].className, "scratch");
    EXPECT_TRUE(areas[1].squareMillimetres);
    EXPECT_EQ(areas[2].className, "spot");
    EXPECT_DOUBLE_EQ(areas[2].value, 12);
    EXPECT_EQ(toString(areas), "10, scratch=0.5mm2, spot=12");
    EXPECT_EQ(toString(parseMinimumAreas(toString(areas))), toString(areas));
    EXPECT_EQ(toString(parseMinimumAreas("10 scratch=0.5mm2")), "10, scratch=0.5mm2");
    EXPECT_TRUE(parseMinimumAreas("  , ").empty());
    const std::string message = errorOf([] { parseMinimumAreas("10, spot=big"); });
    EXPECT_NE(message.find("\"spot=big\""), std::string::npos) << message;
}

TEST(AreaVerdict, RuleGivesEachClassItsOwnOrTheSharedMinimum) {
    const AreaRule defaults = areaRule(kClasses, {}, 0);
    EXPECT_EQ(defaults.minimumPixels, std::vector<double>(3, kDefaultMinimumAreaPixels));
    // 0.02 mm pixels: 0.5 mm² is 1250 pixels.
    const AreaRule rule =
        areaRule(kClasses, {parseMinimumArea("4"), parseMinimumArea("spot=0.5mm2")}, 0.02);
    EXPECT_DOUBLE_EQ(rule.minimumPixels[1], 4);
    EXPECT_NEAR(rule.minimumPixels[2], 1250, 1e-9);
    EXPECT_NE(
        errorOf([] { areaRule(kClasses, {parseMinimumArea("dent=3")}, 0); }).find("scratch, spot"),
        std::string::npos);
    EXPECT_NE(
        errorOf([] { areaRule(kClasses, {parseMinimumArea("1mm2")}, 0); }).find("--pixel-size"),
        std::string::npos);
}

TEST(AreaVerdict, CountsEscapesAndFalseRejectsAgainstTheDrawnTruth) {
    AreaRule rule;
    rule.minimumPixels = {0, 10, 100};
    EXPECT_FALSE(isDefective({5000, 10, 100}, rule)); // at the minimum still passes
    EXPECT_TRUE(isDefective({5000, 10.5, 0}, rule));
    EXPECT_TRUE(isDefective({5000, 0, 101}, rule));
    const std::vector<ImageAreas> images = {
        {{100, 3, 0}, {100, 50, 0}},  // a small drawn scratch, found: NG as NG
        {{100, 0, 40}, {100, 0, 40}}, // a drawn spot under its minimum: escapes
        {{100, 0, 0}, {100, 0, 0}},   // clean, passed
        {{100, 0, 0}, {100, 20, 0}},  // clean, a false scratch: rejected
        {{100, 0, 0}, {100, 0, 99}},  // clean, noise under the spot minimum: passed
    };
    const InspectionRates rates = verdictRates(images, rule);
    EXPECT_EQ(rates.defects, 2);
    EXPECT_EQ(rates.goods, 3);
    EXPECT_EQ(rates.escapes, 1);
    EXPECT_EQ(rates.falseRejects, 1);
    EXPECT_DOUBLE_EQ(rates.escapeRate(), 0.5);
    EXPECT_DOUBLE_EQ(rates.falseRejectRate(), 1.0 / 3);
}

} // namespace
} // namespace kestrel::inspection
