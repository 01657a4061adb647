#include "anomaly/anomaly_explain.h"

#include "anomaly/anomaly_model.h"
#include "imaging/decode.h"
#include "models/model_input.h"

#include <c10/core/GradMode.h>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

namespace kestrel::anomaly {

AnomalyExplanation explainImage(AnomalyModel& model, const std::filesystem::path& image) {
    const AnomalyOptions& options = model.options();
    const imaging::ImageSpec spec{options.imageSize, options.imageSize, options.channels,
                                  imaging::ImageSpec::Resize::Stretch};
    const imaging::ConformedFile file = imaging::decodeForSpec(image, spec);
    const cv::Mat& decoded = file.image;
    torch::Tensor pixels = torch::empty({1, spec.channels, spec.height, spec.width}, torch::kFloat);
    imaging::writePlanarFloats(decoded, pixels.data_ptr<float>());

    c10::NoGradGuard noGrad;
    const models::ModelInput input(options.mean, options.std, model.device(), false);
    const AnomalyScores raw = model.score(input(pixels));
    const AnomalyScores normalised = model.normalise(raw);
    const torch::Tensor map = normalised.maps[0].to(torch::kCPU).contiguous();

    AnomalyExplanation explanation;
    explanation.score = normalised.image[0].item<float>();
    explanation.defect = raw.image[0].item<double>() >= model.normalisation().threshold;
    const cv::Mat small(static_cast<int>(map.size(0)), static_cast<int>(map.size(1)), CV_32F,
                        map.data_ptr<float>());
    // The inverse of the stretch: area interpolation when shrinking, bilinear when enlarging.
    const cv::Size size = file.fileSize;
    const bool shrinking = size.width < small.cols || size.height < small.rows;
    cv::resize(small, explanation.map, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    return explanation;
}

} // namespace kestrel::anomaly
