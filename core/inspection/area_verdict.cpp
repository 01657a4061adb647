#include "inspection/area_verdict.h"

#include "common/error.h"
#include "common/text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace kestrel::inspection {

namespace {

Error badArea(const std::string& text, const std::string& why) {
    return Error(ErrorKind::InvalidArgument, "Minimum area \"" + text + "\" " + why);
}

} // namespace

MinimumArea parseMinimumArea(const std::string& text) {
    MinimumArea area;
    std::string number = text;
    if (const auto equals = text.find('='); equals != std::string::npos) {
        area.className = text.substr(0, equals);
        number = text.substr(equals + 1);
        if (area.className.empty()) {
            throw badArea(text, "names no class before \"=\"; write CLASS=AREA or AREA.");
        }
    }
    if (number.size() > 3 && number.compare(number.size() - 3, 3, "mm2") == 0) {
        area.squareMillimetres = true;
        number.resize(number.size() - 3);
    } else if (number.size() > 2 && number.compare(number.size() - 2, 2, "px") == 0) {
        number.resize(number.size() - 2);
    }
    char* end = nullptr;
    area.value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(area.value) ||
        area.value < 0) {
        throw badArea(text, "is not an area: write pixels (20) or square millimetres (0.5mm2), "
                            "optionally after CLASS=.");
    }
    return area;
}

std::string toString(const MinimumArea& area) {
    return (area.className.empty() ? "" : area.className + "=") + shortNumber(area.value) +
           (area.squareMillimetres ? "mm2" : "");
}

std::vector<MinimumArea> parseMinimumAreas(const std::string& text) {
    std::vector<MinimumArea> areas;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find_first_of(", ", start), text.size());
        if (end > start) {
            areas.push_back(parseMinimumArea(text.substr(start, end - start)));
        }
        start = end + 1;
    }
    return areas;
}

std::string toString(const std::vector<MinimumArea>& areas) {
    std::string text;
    for (const auto& area : areas) {
        text += (text.empty() ? "" : ", ") + toString(area);
    }
    return text;
}

AreaRule areaRule(const std::vector<std::string>& classes, const std::vector<MinimumArea>& given,
                  double pixelSizeMm) {
    if (pixelSizeMm < 0 || !std::isfinite(pixelSizeMm)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Pixel size " + std::to_string(pixelSizeMm) + " mm is not a positive length.");
    }
    AreaRule rule;
    rule.pixelSizeMm = pixelSizeMm;
    const auto toPixels = [&](const MinimumArea& area) {
        if (!area.squareMillimetres) {
            return area.value;
        }
        if (pixelSizeMm <= 0) {
            throw badArea(toString(area), "is in mm², which needs the pixel size in mm "
                                          "(--pixel-size, or the window's Pixel size).");
        }
        return area.value / (pixelSizeMm * pixelSizeMm);
    };
    double fallback = kDefaultMinimumAreaPixels;
    for (const auto& area : given) {
        if (area.className.empty()) {
            fallback = toPixels(area);
        }
    }
    rule.minimumPixels.assign(classes.size(), fallback);
    for (const auto& area : given) {
        if (area.className.empty()) {
            continue;
        }
        bool found = false;
        for (std::size_t c = 1; c < classes.size(); ++c) {
            if (classes[c] == area.className) {
                rule.minimumPixels[c] = toPixels(area);
                found = true;
            }
        }
        if (!found) {
            std::string known;
            for (std::size_t c = 1; c < classes.size(); ++c) {
                known += (known.empty() ? "" : ", ") + classes[c];
            }
            throw badArea(toString(area), "names a class the model does not segment; its classes "
                                          "are: " +
                                              known + ".");
        }
    }
    return rule;
}

bool isDefective(const std::vector<double>& areas, const AreaRule& rule) {
    for (std::size_t c = 1; c < areas.size(); ++c) {
        const double minimum =
            c < rule.minimumPixels.size() ? rule.minimumPixels[c] : kDefaultMinimumAreaPixels;
        if (areas[c] > minimum) {
            return true;
        }
    }
    return false;
}

InspectionRates verdictRates(const std::vector<ImageAreas>& images, const AreaRule& rule) {
    InspectionRates rates;
    for (const auto& image : images) {
        bool drawn = false;
        for (std::size_t c = 1; c < image.truth.size(); ++c) {
            drawn = drawn || image.truth[c] > 0;
        }
        const bool rejected = isDefective(image.predicted, rule);
        if (drawn) {
            ++rates.defects;
            rates.escapes += rejected ? 0 : 1;
        } else {
            ++rates.goods;
            rates.falseRejects += rejected ? 1 : 0;
        }
    }
    return rates;
}

} // namespace kestrel::inspection
