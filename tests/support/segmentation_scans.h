#pragma once

// For the segmentation tests: a COCO folder of generated inspection images whose per-pixel
// classes are known exactly. Each image is a brushed plate shifted in the frame (a dark
// backdrop shows where it does not reach) under a lighting gradient of its own, with sensor
// noise, a little larger than `size` on each side; about a fifth have no defect, the others
// 1-3 of three classes:
//   1 scratch  a thin line (OpenCV thickness 1 or 2), straight or bent once, brighter or darker
//   2 spot     a small filled disc, darker or brighter
//   3 crack    a jagged dark polyline with a branch
// Defects differ from the plate by 45-75 gray levels and noise is small, so every defect pixel
// stands out: these prove behaviour; bench/make_segmentation_set.py's fainter defects measure.
// A defect's mask is the pixels its drawing covers on the plate; a later defect paints over an
// earlier one in the class-index mask, as Kestrel's class targets do.
//
// Written as make_segmentation_set.py writes its set: images/<name>.png|jpg (some JPEG, some
// gray) and instances_train.json, instances_val.json and instances_test.json (Kestrel's COCO
// import takes the split from the file name), categories 1 scratch, 2 spot, 3 crack, one
// annotation per defect in drawing order with its mask as RLE: uncompressed counts in the
// train and test files, COCO's compressed string in the val file (both forms are read).
#include "annotations/rle.h"
#include "files.h"
#include "images.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::testing {

struct SegmentationDefect {
    int classIndex = 0; // 1 scratch, 2 spot, 3 crack: classNames[classIndex - 1]
    cv::Mat mask;       // CV_8UC1 of the image's size, 255 on every pixel the defect covers
};

struct SegmentationScans {
    std::filesystem::path folder;        // import this (COCO JSON files, images/ beside them)
    std::vector<std::string> classNames; // scratch, spot, crack: class index i is names[i - 1]
    // By image file name ("seg_007.png"): the class index per pixel (CV_8UC1, 0 background),
    // the split it was written to, and its defects in annotation order.
    std::map<std::string, cv::Mat> masks;
    std::map<std::string, std::string> splits;
    std::map<std::string, std::vector<SegmentationDefect>> defects;
};

namespace segmentation_detail {

inline const std::vector<std::string>& classNames() {
    static const std::vector<std::string> names = {"scratch", "spot", "crack"};
    return names;
}

inline double uniform(std::mt19937_64& random, double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(random);
}

inline int uniformInt(std::mt19937_64& random, int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
}

inline cv::Point pointAt(cv::Point2d point) {
    return {static_cast<int>(std::lround(point.x)), static_cast<int>(std::lround(point.y))};
}

// The defect's pixels before they are limited to the plate.
inline cv::Mat drawDefect(std::mt19937_64& random, int classIndex, cv::Point2d centre, int size,
                          cv::Size frame) {
    cv::Mat mask = cv::Mat::zeros(frame, CV_8UC1);
    const double angle = uniform(random, 0, CV_PI);
    switch (classIndex) {
    case 1: { // scratch
        const double half = size * uniform(random, 0.15, 0.3);
        const cv::Point2d along(half * std::cos(angle), half * std::sin(angle));
        const int thickness = uniformInt(random, 1, 2);
        if (uniformInt(random, 0, 1) == 0) {
            cv::line(mask, pointAt(centre - along), pointAt(centre + along), 255, thickness);
        } else { // bent once, a little
            const double bend = half * uniform(random, -0.25, 0.25);
            const cv::Point2d middle =
                centre + cv::Point2d(-bend * std::sin(angle), bend * std::cos(angle));
            const std::vector<cv::Point> path = {pointAt(centre - along), pointAt(middle),
                                                 pointAt(centre + along)};
            cv::polylines(mask, path, false, 255, thickness);
        }
        break;
    }
    case 2: { // spot
        const int radius = uniformInt(random, 1, std::max(2, size / 14));
        cv::circle(mask, pointAt(centre), radius, 255, cv::FILLED);
        break;
    }
    default: { // crack: a jagged walk from the centre, and a branch from one of its corners
        std::vector<cv::Point> trunk = {pointAt(centre)};
        cv::Point2d at = centre;
        double heading = angle * 2;
        const int steps = uniformInt(random, 4, 7);
        for (int i = 0; i < steps; ++i) {
            heading += uniform(random, -0.7, 0.7);
            at += cv::Point2d(3 * std::cos(heading), 3 * std::sin(heading));
            trunk.push_back(pointAt(at));
        }
        cv::polylines(mask, trunk, false, 255, 1);
        std::vector<cv::Point> branch = {trunk[static_cast<std::size_t>(steps / 2)]};
        at = cv::Point2d(branch.front());
        heading += uniformInt(random, 0, 1) ? 1.0 : -1.0;
        for (int i = 0; i < 3; ++i) {
            heading += uniform(random, -0.5, 0.5);
            at += cv::Point2d(3 * std::cos(heading), 3 * std::sin(heading));
            branch.push_back(pointAt(at));
        }
        cv::polylines(mask, branch, false, 255, 1);
        break;
    }
    }
    return mask;
}

struct GeneratedImage {
    cv::Mat pixels; // CV_8UC3 (BGR)
    std::vector<SegmentationDefect> defects;
};

inline GeneratedImage generateImage(std::mt19937_64& random, int size, int defectCount,
                                    int firstClass) {
    const int width = size + uniformInt(random, 0, size / 4);
    const int height = size + uniformInt(random, 0, size / 4);
    const cv::Size frame(width, height);
    // The plate, shifted so that the backdrop shows along some edges.
    const int shift = std::max(2, size / 8);
    const cv::Rect plate = cv::Rect(uniformInt(random, -shift, shift),
                                    uniformInt(random, -shift, shift), width, height) &
                           cv::Rect(0, 0, width, height);
    cv::Mat onPlate = cv::Mat::zeros(frame, CV_8UC1);
    onPlate(plate).setTo(255);

    // Exposure, a lighting gradient at a random angle and brushing streaks along the rows.
    const double exposure = uniform(random, 110, 160);
    const double gradient = uniform(random, 0.1, 0.35);
    const double lightAngle = uniform(random, 0, 2 * CV_PI);
    std::normal_distribution<double> streak(0.0, 4.0);
    std::normal_distribution<double> noise(0.0, 2.5);
    cv::Mat surface(frame, CV_32F, cv::Scalar(40)); // the backdrop
    for (int y = 0; y < height; ++y) {
        const double row = streak(random);
        for (int x = 0; x < width; ++x) {
            if (onPlate.at<std::uint8_t>(y, x)) {
                const double light = 1.0 + gradient *
                                               ((x - width / 2.0) * std::cos(lightAngle) +
                                                (y - height / 2.0) * std::sin(lightAngle)) /
                                               size;
                surface.at<float>(y, x) = static_cast<float>(exposure * light + row);
            }
        }
    }

    GeneratedImage image;
    const int margin = std::max(3, size / 10);
    const cv::Rect places(plate.x + margin, plate.y + margin, plate.width - 2 * margin,
                          plate.height - 2 * margin);
    cv::Mat delta = cv::Mat::zeros(frame, CV_32F);
    while (static_cast<int>(image.defects.size()) < defectCount) {
        const int classIndex =
            image.defects.empty() ? firstClass : uniformInt(random, 1, 3); // 1..3
        const cv::Point2d centre(places.x + uniform(random, 0, places.width),
                                 places.y + uniform(random, 0, places.height));
        cv::Mat mask = drawDefect(random, classIndex, centre, size, frame) & onPlate;
        if (cv::countNonZero(mask) == 0) {
            continue;
        }
        const double contrast = uniform(random, 45, 75);
        const bool darker = classIndex == 3 || uniformInt(random, 0, 1) == 0;
        delta.setTo(darker ? -contrast : contrast, mask); // over any earlier defect
        image.defects.push_back({classIndex, mask});
    }
    cv::Mat gray(frame, CV_8UC1);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            gray.at<std::uint8_t>(y, x) = cv::saturate_cast<std::uint8_t>(
                surface.at<float>(y, x) + delta.at<float>(y, x) + noise(random));
        }
    }
    // A faint colour cast, different per image.
    cv::Mat channels[3] = {gray * uniform(random, 0.93, 1.0), gray.clone(),
                           gray * uniform(random, 0.93, 1.0)};
    cv::merge(channels, 3, image.pixels);
    return image;
}

// One split's COCO JSON, written by hand (the test support has no JSON library of its own).
class CocoFile {
public:
    explicit CocoFile(bool compressedCounts) : compressed_(compressedCounts) {}

    void addImage(int id, const std::string& fileName, cv::Size size) {
        images_ << (images_.tellp() > 0 ? ",\n  " : "") << "{\"id\": " << id
                << ", \"file_name\": \"" << fileName << "\", \"width\": " << size.width
                << ", \"height\": " << size.height << "}";
    }

    void addAnnotation(int id, int imageId, int categoryId, const cv::Mat& mask) {
        const annotations::RleMask rle =
            annotations::encodeMask(mask.data, mask.cols, mask.rows, mask.step[0]);
        std::string counts;
        if (compressed_) {
            // COCO's alphabet (ASCII 48-111) holds a backslash, which JSON escapes.
            counts = "\"";
            for (const char c : annotations::countsToString(rle.counts)) {
                counts += c == '\\' ? "\\\\" : std::string(1, c);
            }
            counts += "\"";
        } else {
            counts = "[";
            for (std::size_t i = 0; i < rle.counts.size(); ++i) {
                counts += (i ? ", " : "") + std::to_string(rle.counts[i]);
            }
            counts += "]";
        }
        std::vector<cv::Point> set;
        cv::findNonZero(mask, set);
        const cv::Rect box = cv::boundingRect(set);
        annotations_ << (annotations_.tellp() > 0 ? ",\n  " : "") << "{\"id\": " << id
                     << ", \"image_id\": " << imageId << ", \"category_id\": " << categoryId
                     << ", \"iscrowd\": 0, \"area\": " << set.size() << ", \"bbox\": [" << box.x
                     << ", " << box.y << ", " << box.width << ", " << box.height
                     << "], \"segmentation\": {\"size\": [" << mask.rows << ", " << mask.cols
                     << "], \"counts\": " << counts << "}}";
    }

    std::string text() const {
        std::string categories;
        const auto& names = classNames();
        for (std::size_t i = 0; i < names.size(); ++i) {
            categories += (i ? ", " : "") + std::string("{\"id\": ") + std::to_string(i + 1) +
                          ", \"name\": \"" + names[i] + "\"}";
        }
        return "{\"images\": [\n  " + images_.str() + "],\n\"annotations\": [\n  " +
               annotations_.str() + "],\n\"categories\": [" + categories + "]}\n";
    }

private:
    bool compressed_;
    std::ostringstream images_;
    std::ostringstream annotations_;
};

} // namespace segmentation_detail

// Writes `images` generated images (6 or more: at least 2 per split) of about `size` px under
// `folder` as a COCO set (see the top of this file): roughly 60 % train, 20 % val, 20 % test
// by a shuffle seeded with `seed`; every fifth image (index 4, 9, ...) has no defect; the
// first defect of the other images cycles through the three classes, so each occurs once
// three images have defects. The same seed writes the same files.
inline SegmentationScans writeSegmentationCoco(const std::filesystem::path& folder, int images,
                                               std::uint64_t seed, int size = 48) {
    namespace detail = segmentation_detail;
    if (images < 6) {
        throw std::invalid_argument("writeSegmentationCoco needs 6 or more images (2 per "
                                    "split), not " +
                                    std::to_string(images));
    }
    if (size < 24) {
        throw std::invalid_argument("writeSegmentationCoco needs a size of 24 px or more");
    }
    std::mt19937_64 random(seed);
    SegmentationScans scans;
    scans.folder = folder;
    scans.classNames = detail::classNames();

    std::vector<int> order(static_cast<std::size_t>(images));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), random);
    const int val = std::max(2, static_cast<int>(std::lround(0.2 * images)));
    const int test = std::max(2, static_cast<int>(std::lround(0.2 * images)));
    std::vector<std::string> splitOf(static_cast<std::size_t>(images));
    for (int rank = 0; rank < images; ++rank) {
        splitOf[static_cast<std::size_t>(order[static_cast<std::size_t>(rank)])] =
            rank < images - val - test ? "train"
            : rank < images - test     ? "val"
                                       : "test";
    }

    std::map<std::string, detail::CocoFile> files;
    for (const char* split : {"train", "val", "test"}) {
        files.emplace(split, detail::CocoFile(std::string(split) == "val"));
    }
    int annotationId = 1;
    int withDefects = 0;
    for (int i = 0; i < images; ++i) {
        const int defectCount = i % 5 == 4 ? 0 : detail::uniformInt(random, 1, 3);
        const int firstClass = withDefects % 3 + 1;
        withDefects += defectCount > 0 ? 1 : 0;
        detail::GeneratedImage image = detail::generateImage(random, size, defectCount, firstClass);

        std::string number = std::to_string(i);
        number.insert(0, number.size() < 3 ? 3 - number.size() : 0, '0');
        const bool jpeg = i % 5 == 3;
        const std::string name = "seg_" + number + (jpeg ? ".jpg" : ".png");
        cv::Mat pixels = image.pixels;
        if (i % 4 == 1) {
            cv::cvtColor(pixels, pixels, cv::COLOR_BGR2GRAY);
        }
        writeImage(folder / "images" / name, pixels,
                   jpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 92} : std::vector<int>{});

        const std::string& split = splitOf[static_cast<std::size_t>(i)];
        detail::CocoFile& file = files.at(split);
        file.addImage(i + 1, name, pixels.size());
        cv::Mat classes = cv::Mat::zeros(pixels.size(), CV_8UC1);
        for (const SegmentationDefect& defect : image.defects) {
            file.addAnnotation(annotationId++, i + 1, defect.classIndex, defect.mask);
            classes.setTo(defect.classIndex, defect.mask);
        }
        scans.masks[name] = classes;
        scans.splits[name] = split;
        scans.defects[name] = std::move(image.defects);
    }
    for (const auto& [split, file] : files) {
        writeBytes(folder / ("instances_" + split + ".json"), file.text());
    }
    return scans;
}

} // namespace kestrel::testing
