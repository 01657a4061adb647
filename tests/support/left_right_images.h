#pragma once

#include "images.h"

#include <filesystem>
#include <random>
#include <string>

#include <opencv2/core.hpp>

namespace kestrel::testing {

// A task a small CNN learns in a few epochs and chance cannot pass: 16x16 gray PNGs whose
// bright half is the left ("left") or the right ("right"), with noise, in train/, val/ and
// test/ folders of class folders: `perClass` train images per class, a quarter of that for
// val and test each.
inline void writeLeftRightImages(const std::filesystem::path& source, int perClass = 48) {
    std::mt19937 random(11);
    std::normal_distribution<double> noise(0.0, 30.0);
    int written = 0;
    for (const std::string split : {"train", "val", "test"}) {
        const int count = split == "train" ? perClass : perClass / 4;
        for (const std::string label : {"left", "right"}) {
            for (int i = 0; i < count; ++i) {
                cv::Mat image(16, 16, CV_8UC1);
                for (int y = 0; y < 16; ++y) {
                    for (int x = 0; x < 16; ++x) {
                        const bool bright = (x < 8) == (label == "left");
                        const double value = (bright ? 170.0 : 85.0) + noise(random);
                        image.at<unsigned char>(y, x) = cv::saturate_cast<unsigned char>(value);
                    }
                }
                writeImage(source / split / label / (std::to_string(written++) + ".png"), image);
            }
        }
    }
}

} // namespace kestrel::testing
