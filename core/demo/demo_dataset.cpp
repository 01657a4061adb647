#include "demo/demo_dataset.h"

#include "common/error.h"
#include "dataset/importer.h"
#include "demo/demo_part.h"
#include "project/project.h"

#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::demo {

namespace {

constexpr int kSize = 128;

// Brushed metal: noise smeared along one direction under uneven lighting.
cv::Mat surface(cv::RNG& random) {
    cv::Mat noise(kSize, kSize, CV_32F);
    random.fill(noise, cv::RNG::NORMAL, 0.0, 1.0);
    cv::Mat brushed;
    cv::blur(noise, brushed, cv::Size(25, 1));
    cv::Mat image(kSize, kSize, CV_32F);
    const double base = random.uniform(110.0, 150.0);
    const double slope = random.uniform(-0.25, 0.25);
    for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) {
            image.at<float>(y, x) =
                static_cast<float>(base + slope * (x + y) + 18.0 * brushed.at<float>(y, x));
        }
    }
    return image;
}

void scratch(cv::Mat& image, cv::RNG& random) {
    // Starts well inside the part so most of the line stays on it.
    const cv::Point from(random.uniform(30, kSize - 30), random.uniform(30, kSize - 30));
    const double angle = random.uniform(0.0, 2 * CV_PI);
    const double length = random.uniform(30.0, 70.0);
    const cv::Point to(from.x + static_cast<int>(length * std::cos(angle)),
                       from.y + static_cast<int>(length * std::sin(angle)));
    const double shade = (random.uniform(0, 2) == 0 ? -1.0 : 1.0) * random.uniform(55.0, 85.0);
    cv::line(image, from, to, cv::Scalar(image.at<float>(from.y, from.x) + shade),
             random.uniform(1, 3), cv::LINE_AA);
}

void dent(cv::Mat& image, cv::RNG& random) {
    cv::Mat shape = cv::Mat::zeros(kSize, kSize, CV_32F);
    const cv::Point centre(random.uniform(25, kSize - 25), random.uniform(25, kSize - 25));
    const cv::Size axes(random.uniform(6, 16), random.uniform(5, 12));
    cv::ellipse(shape, centre, axes, random.uniform(0.0, 180.0), 0, 360, cv::Scalar(1.0),
                cv::FILLED);
    cv::GaussianBlur(shape, shape, cv::Size(0, 0), 3.0);
    // A dark hollow with a bright rim on the lit side.
    cv::Mat rim;
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, -3, 0, 1, -3);
    cv::warpAffine(shape, rim, shift, shape.size());
    image += 55.0 * rim - 75.0 * shape;
}

void spots(cv::Mat& image, cv::RNG& random) {
    const cv::Point centre(random.uniform(20, kSize - 20), random.uniform(20, kSize - 20));
    const int count = random.uniform(3, 9);
    for (int i = 0; i < count; ++i) {
        const cv::Point at(centre.x + random.uniform(-12, 13), centre.y + random.uniform(-12, 13));
        cv::circle(image, at, random.uniform(1, 4), cv::Scalar(random.uniform(20.0, 60.0)),
                   cv::FILLED, cv::LINE_AA);
    }
}

} // namespace

const std::vector<std::string>& demoClasses() {
    static const std::vector<std::string> classes = {"good", "scratch", "dent", "spots"};
    return classes;
}

cv::Mat renderPart(Defect defect, std::uint64_t seed) {
    cv::RNG surfaceRandom(seed);
    cv::Mat image = surface(surfaceRandom);
    cv::RNG defectRandom(seed ^ 0x9e3779b97f4a7c15ULL);
    switch (defect) {
    case Defect::Scratch:
        scratch(image, defectRandom);
        break;
    case Defect::Dent:
        dent(image, defectRandom);
        break;
    case Defect::Spots:
        spots(image, defectRandom);
        break;
    case Defect::None:
        break;
    }
    cv::Mat pixels;
    image.convertTo(pixels, CV_8U);
    return pixels;
}

std::size_t writeDemoImages(const std::filesystem::path& folder, int perClass, std::uint64_t seed) {
    std::size_t written = 0;
    for (std::size_t kind = 0; kind < demoClasses().size(); ++kind) {
        const std::filesystem::path classFolder = folder / demoClasses()[kind];
        std::filesystem::create_directories(classFolder);
        for (int i = 0; i < perClass; ++i) {
            const std::uint64_t partSeed =
                seed * 1000003 + kind * 10007 + static_cast<std::uint64_t>(i);
            char name[32];
            std::snprintf(name, sizeof name, "part-%04d.png", i);
            const std::filesystem::path file = classFolder / name;
            if (!cv::imwrite(file.string(), renderPart(static_cast<Defect>(kind), partSeed))) {
                throw Error(ErrorKind::Io, "Cannot write " + file.string() + ".");
            }
            ++written;
        }
    }
    return written;
}

std::size_t addDemoData(Project& project) {
    const auto images = project.folder() / "data" / "demo-surfaces";
    writeDemoImages(images, kDemoImagesPerClass);
    return dataset::importSource(project, images, dataset::ImportOptions{}).added;
}

} // namespace kestrel::demo
