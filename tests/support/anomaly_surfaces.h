#pragma once

#include "images.h"

#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::testing {

// Good parts and defects for anomaly detection, with exact masks: a woven surface (threads
// of varying brightness) at a random phase and a slight rotation, under its own lighting
// gradient and exposure, with sensor noise, so the mean good image is nearly flat and comparing
// an image with it does not tell good parts from defects. A defect is a scratch (a bright
// line), a stain (a dark blob) or a hole (a patch where the weave is missing); its mask is
// every pixel it changed. Scratches and stains stand out pixel by pixel: these prove
// behaviour; bench/make_anomaly_set.py's fainter defects measure.
struct SurfaceImage {
    cv::Mat pixels; // CV_8UC3, BGR
    cv::Mat mask;   // CV_8U, 255 on defect pixels
};

enum class SurfaceDefect { None, Scratch, Stain, Hole };

inline SurfaceImage surfaceImage(std::mt19937& random, int size, SurfaceDefect defect) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double period = size / 6.0;
    const double phaseX = unit(random) * period * 2;
    const double phaseY = unit(random) * period * 2;
    const double angle = (unit(random) - 0.5) * 0.12; // about +-3.5 degrees
    const double gradientAngle = unit(random) * 2 * M_PI;
    const double gradient = 0.15 + 0.25 * unit(random);
    const double exposure = 0.85 + 0.3 * unit(random);
    std::normal_distribution<double> noise(0.0, 6.0);
    cv::Mat surface(size, size, CV_32F);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const double u = (x * std::cos(angle) - y * std::sin(angle)) + phaseX;
            const double v = (x * std::sin(angle) + y * std::cos(angle)) + phaseY;
            const int cellU = static_cast<int>(std::floor(u / period));
            const int cellV = static_cast<int>(std::floor(v / period));
            // A plain weave: horizontal threads on even cells, vertical on odd ones.
            const bool horizontal = ((cellU + cellV) & 1) == 0;
            const double along =
                horizontal ? std::fmod(v, period) / period : std::fmod(u, period) / period;
            const double thread = 0.55 + 0.35 * std::sin(M_PI * std::abs(along));
            const double light = 1.0 + gradient *
                                           ((x - size / 2.0) * std::cos(gradientAngle) +
                                            (y - size / 2.0) * std::sin(gradientAngle)) /
                                           size;
            surface.at<float>(y, x) = static_cast<float>(150.0 * thread * light * exposure);
        }
    }
    SurfaceImage image{cv::Mat(), cv::Mat::zeros(size, size, CV_8U)};
    std::uniform_int_distribution<int> place(size / 5, size - size / 5);
    const cv::Point centre(place(random), place(random));
    switch (defect) {
    case SurfaceDefect::None:
        break;
    case SurfaceDefect::Scratch: {
        const double direction = unit(random) * M_PI;
        const double half = size * (0.15 + 0.1 * unit(random));
        const cv::Point offset(static_cast<int>(half * std::cos(direction)),
                               static_cast<int>(half * std::sin(direction)));
        cv::line(image.mask, centre - offset, centre + offset, 255, std::max(1, size / 24));
        surface.setTo(235.0F, image.mask);
        break;
    }
    case SurfaceDefect::Stain: {
        const int radius = std::max(3, static_cast<int>(size * (0.08 + 0.05 * unit(random))));
        cv::circle(image.mask, centre, radius, 255, cv::FILLED);
        cv::Mat darker = surface * 0.45;
        darker.copyTo(surface, image.mask);
        break;
    }
    case SurfaceDefect::Hole: {
        const int half = std::max(3, static_cast<int>(size * (0.07 + 0.04 * unit(random))));
        const cv::Rect patch(centre.x - half, centre.y - half, 2 * half, 2 * half);
        cv::rectangle(image.mask, patch, 255, cv::FILLED);
        const double flat = cv::mean(surface(patch))[0];
        surface(patch).setTo(flat);
        break;
    }
    }
    cv::Mat noisy(size, size, CV_32F);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            noisy.at<float>(y, x) = static_cast<float>(surface.at<float>(y, x) + noise(random));
        }
    }
    cv::Mat gray;
    noisy.convertTo(gray, CV_8U);
    // A faint colour cast, different per image.
    cv::Mat channels[3] = {gray * (0.9 + 0.1 * unit(random)), gray.clone(),
                           gray * (0.9 + 0.1 * unit(random))};
    cv::merge(channels, 3, image.pixels);
    return image;
}

// An MVTec AD folder under `root`: train/good (`train` images), test/good (`testGood`) and
// test/<scratch|stain|hole> with ground_truth/<kind>/<name>_mask.png (`testDefects` per kind).
inline void writeSurfaceSet(const std::filesystem::path& root, int size, int train, int testGood,
                            int testDefects, unsigned seed) {
    std::mt19937 random(seed);
    const auto name = [](int i) {
        std::string text = std::to_string(i);
        return std::string(3 - std::min<std::size_t>(3, text.size()), '0') + text;
    };
    for (int i = 0; i < train; ++i) {
        writeImage(root / "train" / "good" / (name(i) + ".png"),
                   surfaceImage(random, size, SurfaceDefect::None).pixels);
    }
    for (int i = 0; i < testGood; ++i) {
        writeImage(root / "test" / "good" / (name(i) + ".png"),
                   surfaceImage(random, size, SurfaceDefect::None).pixels);
    }
    const std::pair<const char*, SurfaceDefect> kinds[] = {{"scratch", SurfaceDefect::Scratch},
                                                           {"stain", SurfaceDefect::Stain},
                                                           {"hole", SurfaceDefect::Hole}};
    for (const auto& [kind, defect] : kinds) {
        for (int i = 0; i < testDefects; ++i) {
            const SurfaceImage image = surfaceImage(random, size, defect);
            writeImage(root / "test" / kind / (name(i) + ".png"), image.pixels);
            writeImage(root / "ground_truth" / kind / (name(i) + "_mask.png"), image.mask);
        }
    }
}

} // namespace kestrel::testing
