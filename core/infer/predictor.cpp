#include "infer/predictor.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "infer/exported_model.h"

#include <algorithm>

namespace kestrel::infer {

void appendModelInput(const std::filesystem::path& image, const ModelMetadata& metadata,
                      std::vector<float>& pixels) {
    const cv::Mat decoded = imaging::decodeImage(image, inputSpec(metadata));
    const std::size_t start = pixels.size();
    pixels.resize(start + decoded.total() * static_cast<std::size_t>(decoded.channels()));
    imaging::writePlanarFloats(decoded, pixels.data() + start);
}

std::vector<ImagePrediction> predictImages(ExportedModel& model,
                                           const std::vector<std::filesystem::path>& images,
                                           int batchSize) {
    const ModelMetadata& metadata = model.metadata();
    const std::size_t classes = metadata.classes.size();
    std::vector<ImagePrediction> predictions(images.size());
    std::vector<std::size_t> batch; // indices into `images` of the decoded ones
    std::vector<float> pixels;
    const auto flush = [&] {
        if (batch.empty()) {
            return;
        }
        const std::vector<float> scores = model.run(pixels.data(), static_cast<int>(batch.size()));
        for (std::size_t row = 0; row < batch.size(); ++row) {
            ImagePrediction& prediction = predictions[batch[row]];
            const auto first = scores.begin() + static_cast<std::ptrdiff_t>(row * classes);
            prediction.scores.assign(first, first + static_cast<std::ptrdiff_t>(classes));
            prediction.predicted = static_cast<int>(
                std::max_element(prediction.scores.begin(), prediction.scores.end()) -
                prediction.scores.begin());
        }
        batch.clear();
        pixels.clear();
    };
    for (std::size_t i = 0; i < images.size(); ++i) {
        predictions[i].image = images[i];
        try {
            appendModelInput(images[i], metadata, pixels);
            batch.push_back(i);
        } catch (const Error& error) {
            predictions[i].error = error.what();
        }
        if (static_cast<int>(batch.size()) >= std::max(1, batchSize)) {
            flush();
        }
    }
    flush();
    return predictions;
}

} // namespace kestrel::infer
