#include "dataset/mask_files.h"

#include "annotations/rle.h"
#include "common/error.h"
#include "project/project.h"

#include <opencv2/imgcodecs.hpp>

namespace kestrel::dataset {

annotations::RleMask readMaskFile(const std::filesystem::path& file) {
    const cv::Mat mask = cv::imread(file.string(), cv::IMREAD_GRAYSCALE);
    if (mask.empty()) {
        throw Error(ErrorKind::NotFound, "The mask file " + file.string() + " cannot be read.");
    }
    return annotations::encodeMask(mask.data, mask.cols, mask.rows, mask.step);
}

void readMaskFiles(const Project& project, std::vector<annotations::Shape>& shapes,
                   std::vector<std::string>& problems) {
    for (annotations::Shape& shape : shapes) {
        if (shape.kind != annotations::ShapeKind::Mask || shape.maskFile.empty()) {
            continue;
        }
        try {
            shape.mask = readMaskFile(project.absolutePath(shape.maskFile));
            shape.maskFile.clear();
        } catch (const Error& error) {
            problems.push_back(error.what());
        }
    }
}

} // namespace kestrel::dataset
