#pragma once

#include "images.h"

#include <filesystem>
#include <random>
#include <string>

#include <opencv2/core.hpp>

namespace kestrel::testing {

// A task whose evidence sits in one known place, for saliency: gray noise textures where a
// "spot" image carries one bright square (5x5 at 32 px) at a random position and a "clean"
// one has none. The texture never comes near the spot's brightness.
struct SpotImage {
    cv::Mat pixels;     // CV_8UC1
    cv::Point2d centre; // the spot's centre in pixel coordinates; (-1, -1) for none
};

inline SpotImage spotImage(std::mt19937& random, int width, int height, bool withSpot) {
    std::uniform_int_distribution<int> texture(60, 140);
    SpotImage image{cv::Mat(height, width, CV_8UC1), {-1, -1}};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            image.pixels.at<unsigned char>(y, x) = static_cast<unsigned char>(texture(random));
        }
    }
    if (withSpot) {
        // 5x5 at 32 px, scaled with the image, at least 2 px from every edge.
        const int spotWidth = (5 * width + 16) / 32;
        const int spotHeight = (5 * height + 16) / 32;
        std::uniform_int_distribution<int> left(2, width - spotWidth - 2);
        std::uniform_int_distribution<int> top(2, height - spotHeight - 2);
        const cv::Rect spot(left(random), top(random), spotWidth, spotHeight);
        image.pixels(spot).setTo(cv::Scalar(240));
        // Pixel i covers [i, i + 1): the centre of columns x..x+w-1 is x + (w - 1) / 2.
        image.centre = {spot.x + (spot.width - 1) / 2.0, spot.y + (spot.height - 1) / 2.0};
    }
    return image;
}

// 32x32 PNGs in train/, val/ and test/ folders of "clean" and "spot" class folders:
// `perClass` train images per class, a quarter of that for val and test each.
inline void writePlantedSpotImages(const std::filesystem::path& source, int perClass = 40) {
    std::mt19937 random(17);
    int written = 0;
    for (const std::string split : {"train", "val", "test"}) {
        const int count = split == "train" ? perClass : perClass / 4;
        for (const std::string label : {"clean", "spot"}) {
            for (int i = 0; i < count; ++i) {
                const SpotImage image = spotImage(random, 32, 32, label == "spot");
                writeImage(source / split / label / (std::to_string(written++) + ".png"),
                           image.pixels);
            }
        }
    }
}

} // namespace kestrel::testing
