#pragma once

#include "inspection/operating_point.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::inspection {

// A segmentation model's verdict on a part: NG when some defect class covers more than its
// minimum area. Quality rules are written in areas ("reject a spot larger than 1 mm²"), which
// only a mask answers.

// Each defect class's area on one image, in the image file's pixels (index 0 is background
// and is never a defect).
struct ImageAreas {
    std::vector<double> truth;
    std::vector<double> predicted;
};

// The rule: per class (by index, 0 unused), the largest area in image pixels a part may show
// and still pass. Built from the user's settings by areaRule().
struct AreaRule {
    std::vector<double> minimumPixels;
    double pixelSizeMm = 0; // mm per pixel side, 0 when not given: areas stay in pixels
};

// One class's minimum area as given: in pixels, or in mm² ("0.5mm2") with a pixel size.
struct MinimumArea {
    std::string className; // empty: every class without one of its own
    double value = 0;
    bool squareMillimetres = false;
};

// The default minimum: regions of fewer pixels than this are taken as noise.
inline constexpr double kDefaultMinimumAreaPixels = 10;

// Parses "20", "scratch=20" or "spot=0.5mm2"; throws kestrel::Error naming the text.
MinimumArea parseMinimumArea(const std::string& text);
// "20" or "scratch=0.5mm2": what parseMinimumArea reads back.
std::string toString(const MinimumArea& area);
// A list, "10, scratch=0.5mm2" (commas or spaces between): parseMinimumArea for each; none
// for empty text.
std::vector<MinimumArea> parseMinimumAreas(const std::string& text);
// "10, scratch=0.5mm2": what parseMinimumAreas reads back.
std::string toString(const std::vector<MinimumArea>& areas);

// The rule for `classes` (index 0 background) from the given minimums; a class named by none
// gets the unnamed one, else kDefaultMinimumAreaPixels. Throws kestrel::Error for a class
// that is not in `classes`, or an area in mm² without a positive pixel size.
AreaRule areaRule(const std::vector<std::string>& classes, const std::vector<MinimumArea>& given,
                  double pixelSizeMm);

// Whether `areas` (one image's, by class) breaks the rule: NG.
bool isDefective(const std::vector<double>& areas, const AreaRule& rule);

// The verdicts on a set of images against the truth's (truth NG when any defect pixel is
// drawn: a drawn defect is a defect whatever its size).
InspectionRates verdictRates(const std::vector<ImageAreas>& images, const AreaRule& rule);

} // namespace kestrel::inspection
