// writeMvTec: <split>/<folder>/<fileName> (train or test only) and one ground-truth mask PNG
// per sample with shapes, 255 wherever any of its shapes is.
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/dataset_writers.h"
#include "dataset/export_files.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::dataset {

namespace fs = std::filesystem;
using annotations::ShapeKind;

namespace {

// The folder a sample goes in: its label, else its first shape's class, else "good"; path
// separators would make a class name into nested folders, so they become '_'.
std::string folderOf(const ExportSample& sample) {
    std::string name = sample.label;
    if (name.empty() && !sample.shapes.empty()) {
        name = sample.shapes.front().className;
    }
    if (name.empty()) {
        name = "good";
    }
    std::replace_if(
        name.begin(), name.end(), [](char c) { return c == '/' || c == '\\'; }, '_');
    return name;
}

void orInto(cv::Mat& target, const std::vector<std::uint8_t>& pixels) {
    const cv::Mat source(target.rows, target.cols, CV_8UC1,
                         const_cast<std::uint8_t*>(pixels.data()));
    cv::bitwise_or(target, source, target);
}

// The sample's shapes drawn as 255 on 0; a mask of another size than the image is left out
// and noted.
cv::Mat groundTruth(const ExportSample& sample, ExportReport& report) {
    cv::Mat mask = cv::Mat::zeros(sample.height, sample.width, CV_8UC1);
    for (const annotations::LabelledShape& labelled : sample.shapes) {
        const annotations::Shape& shape = labelled.shape;
        switch (shape.kind) {
        case ShapeKind::Box: {
            const auto clampX = [&](double x) {
                return std::clamp(static_cast<int>(std::lround(x)), 0, sample.width);
            };
            const auto clampY = [&](double y) {
                return std::clamp(static_cast<int>(std::lround(y)), 0, sample.height);
            };
            const int left = clampX(shape.box.x), right = clampX(shape.box.right());
            const int top = clampY(shape.box.y), bottom = clampY(shape.box.bottom());
            if (right > left && bottom > top) {
                mask(cv::Rect(left, top, right - left, bottom - top)).setTo(255);
            }
            ++report.boxes;
            break;
        }
        case ShapeKind::Polygon:
            orInto(mask, annotations::decodeMask(annotations::rasterisePolygon(
                             shape.points, sample.width, sample.height)));
            ++report.polygons;
            break;
        case ShapeKind::Mask:
            if (shape.mask.width != sample.width || shape.mask.height != sample.height) {
                report.notes.push_back("A " + labelled.className + " mask on " + sample.fileName +
                                       " is " + std::to_string(shape.mask.width) + "x" +
                                       std::to_string(shape.mask.height) + " while the image is " +
                                       std::to_string(sample.width) + "x" +
                                       std::to_string(sample.height) + "; it is left out.");
                break;
            }
            orInto(mask, annotations::decodeMask(shape.mask));
            ++report.masks;
            break;
        }
    }
    return mask;
}

std::string samplesMovedNote(std::size_t count, const std::string& what) {
    return std::to_string(count) + (count == 1 ? " sample " : " samples ") + what +
           (count == 1 ? " was" : " were") + " written to test/, as MVTec has only train and test.";
}

} // namespace

ExportReport writeMvTec(const ExportDataset& dataset, const fs::path& folder) {
    ExportReport report;
    createFolder(folder);
    // MVTec's layout is recognised by train/good and test/, so both exist even when empty.
    createFolder(folder / "train" / "good");
    createFolder(folder / "test");
    std::map<fs::path, std::string> maskOwners; // mask file -> the image it belongs to
    std::size_t fromVal = 0, unsplit = 0;
    for (const ExportSample& sample : dataset.samples) {
        const std::string split = sample.split == "train" ? "train" : "test";
        fromVal += sample.split == "val" ? 1 : 0;
        unsplit += sample.split.empty() ? 1 : 0;
        const std::string classFolder = folderOf(sample);
        copyExportedImage(sample.file, folder / split / classFolder / sample.fileName);
        ++report.images;
        if (sample.shapes.empty()) {
            continue;
        }
        if (sample.width <= 0 || sample.height <= 0) {
            throw Error(ErrorKind::InvalidArgument, "Cannot draw the ground-truth mask of " +
                                                        sample.fileName +
                                                        " for MVTec: its size is unknown.");
        }
        const fs::path maskFile = folder / "ground_truth" / classFolder /
                                  (fs::path(sample.fileName).stem().string() + "_mask.png");
        if (const auto [owner, added] = maskOwners.emplace(maskFile, sample.fileName); !added) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot export " + sample.fileName + " and " + owner->second +
                            " to MVTec: both would have the mask " + maskFile.string() + ".");
        }
        const cv::Mat mask = groundTruth(sample, report);
        createFolder(maskFile.parent_path());
        bool written = false;
        try {
            written = cv::imwrite(maskFile.string(), mask);
        } catch (const cv::Exception& e) {
            throw Error(ErrorKind::Io, "Cannot write " + maskFile.string() + ": " + e.what());
        }
        if (!written) {
            throw Error(ErrorKind::Io, "Cannot write " + maskFile.string() + ".");
        }
    }
    if (fromVal > 0) {
        report.notes.push_back(samplesMovedNote(fromVal, "from the val split"));
    }
    if (unsplit > 0) {
        report.notes.push_back(samplesMovedNote(unsplit, "without a split"));
    }
    return report;
}

} // namespace kestrel::dataset
