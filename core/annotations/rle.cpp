// COCO run-length masks: encoding, the compressed string form, and the raster operations
// (polygon fill, flood fill, outlines) that work on them through OpenCV.
#include "annotations/rle.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

namespace kestrel::annotations {

namespace {

// Each character of the compressed form carries 5 bits of a count: 0x20 says another
// character follows, and in the last character 0x10 is the sign.
constexpr int kBitsPerChar = 5;
constexpr long long kPayload = 0x1f;
constexpr long long kMore = 0x20;
constexpr long long kSign = 0x10;
constexpr char kOffset = 48;
// 7 characters hold 35 bits, enough for any delta of two 32-bit counts.
constexpr int kMaxCharsPerCount = 7;

std::uint64_t pixelCount(int width, int height) {
    return static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
}

void checkSize(int width, int height, const std::string& what) {
    if (width < 0 || height < 0) {
        throw Error(ErrorKind::InvalidArgument, "The mask size in " + what + " is negative (" +
                                                    std::to_string(width) + " x " +
                                                    std::to_string(height) + ").");
    }
}

cv::Mat toMat(const RleMask& mask) {
    std::vector<std::uint8_t> pixels = decodeMask(mask);
    cv::Mat image(mask.height, mask.width, CV_8UC1);
    if (!pixels.empty()) {
        std::copy(pixels.begin(), pixels.end(), image.data);
    }
    return image;
}

RleMask fromMat(const cv::Mat& image) {
    return encodeMask(image.data, image.cols, image.rows, image.step[0]);
}

// Whether b lies on the straight line from a to c (outline vertices are whole numbers).
bool collinear(const Point& a, const Point& b, const Point& c) {
    return (b.x - a.x) * (c.y - a.y) == (b.y - a.y) * (c.x - a.x);
}

} // namespace

RleMask encodeMask(const std::uint8_t* pixels, int width, int height, std::size_t stride) {
    RleMask mask;
    mask.width = std::max(width, 0);
    mask.height = std::max(height, 0);
    bool current = false; // runs start with zeros
    std::uint32_t run = 0;
    for (int x = 0; x < mask.width; ++x) {
        for (int y = 0; y < mask.height; ++y) {
            const bool set = pixels[static_cast<std::size_t>(y) * stride + x] != 0;
            if (set != current) {
                mask.counts.push_back(run);
                run = 0;
                current = set;
            }
            ++run;
        }
    }
    mask.counts.push_back(run);
    return mask;
}

std::vector<std::uint8_t> decodeMask(const RleMask& mask) {
    const std::size_t width = static_cast<std::size_t>(std::max(mask.width, 0));
    const std::size_t height = static_cast<std::size_t>(std::max(mask.height, 0));
    const std::size_t total = width * height;
    std::vector<std::uint8_t> pixels(total, 0);
    std::size_t position = 0; // column-major index
    for (std::size_t i = 0; i < mask.counts.size() && position < total; ++i) {
        const std::size_t end = std::min<std::size_t>(position + mask.counts[i], total);
        if (i % 2 == 1) {
            for (std::size_t p = position; p < end; ++p) {
                pixels[(p % height) * width + p / height] = 255;
            }
        }
        position = end;
    }
    return pixels;
}

std::string countsToString(const std::vector<std::uint32_t>& counts) {
    std::string text;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        // As pycocotools does: from the fourth count on, the delta against two before.
        long long value = counts[i];
        if (i > 2) {
            value -= counts[i - 2];
        }
        bool more = true;
        while (more) {
            long long group = value & kPayload;
            value >>= kBitsPerChar; // arithmetic shift keeps the sign
            more = (group & kSign) ? value != -1 : value != 0;
            if (more) {
                group |= kMore;
            }
            text.push_back(static_cast<char>(group + kOffset));
        }
    }
    return text;
}

RleMask rleFromString(std::string_view counts, int width, int height, const std::string& what) {
    checkSize(width, height, what);
    std::vector<std::uint32_t> decoded;
    std::size_t position = 0;
    while (position < counts.size()) {
        const std::size_t start = position;
        long long value = 0;
        int groups = 0;
        bool more = true;
        while (more) {
            if (position >= counts.size()) {
                throw Error(ErrorKind::InvalidArgument,
                            "The RLE counts in " + what + " end in the middle of count " +
                                std::to_string(decoded.size() + 1) + " (character " +
                                std::to_string(start + 1) + ").");
            }
            const long long group = static_cast<unsigned char>(counts[position]) - kOffset;
            if (group < 0 || group > (kMore | kPayload)) {
                throw Error(ErrorKind::InvalidArgument,
                            "The RLE counts in " + what + " have the character '" +
                                std::string(1, counts[position]) + "' at position " +
                                std::to_string(position + 1) + ", outside COCO's alphabet.");
            }
            if (groups == kMaxCharsPerCount) {
                throw Error(ErrorKind::InvalidArgument,
                            "The RLE counts in " + what + " have count " +
                                std::to_string(decoded.size() + 1) + " (character " +
                                std::to_string(start + 1) + ") too long to be a run length.");
            }
            value |= (group & kPayload) << (kBitsPerChar * groups);
            more = (group & kMore) != 0;
            ++position;
            ++groups;
            if (!more && (group & kSign)) {
                value -= 1LL << (kBitsPerChar * groups); // sign-extend
            }
        }
        if (decoded.size() > 2) {
            value += decoded[decoded.size() - 2];
        }
        if (value < 0 || value > std::numeric_limits<std::uint32_t>::max()) {
            throw Error(ErrorKind::InvalidArgument, "The RLE counts in " + what + " give count " +
                                                        std::to_string(decoded.size() + 1) +
                                                        " (character " + std::to_string(start + 1) +
                                                        ") the impossible run length " +
                                                        std::to_string(value) + ".");
        }
        decoded.push_back(static_cast<std::uint32_t>(value));
    }
    return rleFromCounts(std::move(decoded), width, height, what);
}

RleMask rleFromCounts(std::vector<std::uint32_t> counts, int width, int height,
                      const std::string& what) {
    checkSize(width, height, what);
    std::uint64_t sum = 0;
    for (const std::uint32_t count : counts) {
        sum += count;
    }
    if (sum != pixelCount(width, height)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The RLE counts in " + what + " sum to " + std::to_string(sum) +
                        " pixels, but a " + std::to_string(width) + " x " + std::to_string(height) +
                        " mask has " + std::to_string(pixelCount(width, height)) + ".");
    }
    RleMask mask;
    mask.width = width;
    mask.height = height;
    mask.counts = std::move(counts);
    return mask;
}

std::uint64_t maskArea(const RleMask& mask) {
    std::uint64_t area = 0;
    for (std::size_t i = 1; i < mask.counts.size(); i += 2) {
        area += mask.counts[i];
    }
    return area;
}

Box maskBounds(const RleMask& mask) {
    if (mask.height <= 0) {
        return {};
    }
    const auto height = static_cast<std::uint64_t>(mask.height);
    std::uint64_t left = std::numeric_limits<std::uint64_t>::max(), right = 0;
    std::uint64_t top = std::numeric_limits<std::uint64_t>::max(), bottom = 0;
    std::uint64_t position = 0;
    for (std::size_t i = 0; i < mask.counts.size(); ++i) {
        const std::uint64_t start = position;
        position += mask.counts[i];
        if (i % 2 == 0 || mask.counts[i] == 0) {
            continue;
        }
        const std::uint64_t last = position - 1;
        const std::uint64_t firstColumn = start / height, lastColumn = last / height;
        left = std::min(left, firstColumn);
        right = std::max(right, lastColumn);
        if (firstColumn == lastColumn) {
            top = std::min(top, start % height);
            bottom = std::max(bottom, last % height);
        } else { // it runs past a column's foot into the next column's head
            top = 0;
            bottom = height - 1;
        }
    }
    if (left > right) {
        return {};
    }
    return {static_cast<double>(left), static_cast<double>(top),
            static_cast<double>(right - left + 1), static_cast<double>(bottom - top + 1)};
}

RleMask rasterisePolygon(const std::vector<Point>& points, int width, int height) {
    // A scanline fill rather than cv::fillPoly: fillPoly also fills the pixels its edges pass
    // through (a 5 x 5 square comes out 6 x 6), whereas a pixel here is set exactly when its
    // centre lies inside (even-odd rule, edges half-open: left and top in, right and bottom
    // out), so abutting polygons share no pixels and a square's area is its pixel count.
    const int columns = std::max(width, 0);
    const int rows = std::max(height, 0);
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(columns) * rows, 0);
    const std::size_t n = points.size();
    std::vector<double> crossings;
    for (int y = 0; n >= 3 && y < rows; ++y) {
        const double centre = y + 0.5;
        crossings.clear();
        for (std::size_t i = 0; i < n; ++i) {
            const Point& a = points[i];
            const Point& b = points[(i + 1) % n];
            if ((a.y <= centre) != (b.y <= centre)) {
                crossings.push_back(a.x + (centre - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
        std::sort(crossings.begin(), crossings.end());
        for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
            // Pixel x is in when its centre x + 0.5 lies in [from, to).
            const double first = std::max(0.0, std::ceil(crossings[k] - 0.5));
            const double end = std::min<double>(columns, std::ceil(crossings[k + 1] - 0.5));
            for (auto x = static_cast<int>(first); x < end; ++x) {
                pixels[static_cast<std::size_t>(y) * columns + x] = 255;
            }
        }
    }
    return encodeMask(pixels.data(), columns, rows, static_cast<std::size_t>(columns));
}

RleMask fillRegion(const RleMask& mask, int x, int y) {
    if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) {
        return mask;
    }
    cv::Mat image = toMat(mask);
    if (image.at<std::uint8_t>(y, x) != 0) {
        return mask;
    }
    cv::floodFill(image, cv::Point(x, y), cv::Scalar(255), nullptr, cv::Scalar(0), cv::Scalar(0),
                  4);
    return fromMat(image);
}

std::vector<std::vector<Point>> maskOutlines(const RleMask& mask) {
    std::vector<std::vector<Point>> outlines;
    if (mask.width <= 0 || mask.height <= 0 || maskArea(mask) == 0) {
        return outlines;
    }
    // Traced on the mask doubled in size, the border pixels sit just inside the original
    // pixels' edges: upscaled index u lies on the corner (u + 1) / 2, so a contour through
    // pixel centres becomes one along pixel corners.
    cv::Mat doubled;
    cv::resize(toMat(mask), doubled, cv::Size(mask.width * 2, mask.height * 2), 0, 0,
               cv::INTER_NEAREST);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(doubled, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    for (const auto& contour : contours) {
        std::vector<Point> corners;
        for (const cv::Point& p : contour) {
            const Point corner{static_cast<double>((p.x + 1) / 2),
                               static_cast<double>((p.y + 1) / 2)};
            if (corners.empty() || !(corners.back() == corner)) {
                corners.push_back(corner);
            }
        }
        while (corners.size() > 1 && corners.front() == corners.back()) {
            corners.pop_back();
        }
        // Keep only the turning points.
        std::vector<Point> vertices;
        const std::size_t n = corners.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (!collinear(corners[(i + n - 1) % n], corners[i], corners[(i + 1) % n])) {
                vertices.push_back(corners[i]);
            }
        }
        if (vertices.size() >= 3) {
            outlines.push_back(std::move(vertices));
        }
    }
    return outlines;
}

} // namespace kestrel::annotations
