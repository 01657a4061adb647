#include "infer/batched_inference.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/exported_model.h"
#include "infer/model_metadata.h"

#include <algorithm>

namespace kestrel::infer {

imaging::ImageSpec inputSpec(const ModelMetadata& metadata) {
    imaging::ImageSpec spec;
    spec.width = metadata.width;
    spec.height = metadata.height;
    spec.channels = metadata.channels;
    // ModelMetadata's reader refuses other names.
    spec.resize = imaging::resizeFromName(metadata.resize).value_or(spec.resize);
    return spec;
}

void runInBatches(ExportedModel& model, const std::vector<std::filesystem::path>& images,
                  int batchSize, std::size_t outputSize, const std::string& expected,
                  const ImageOutput& finish, std::vector<std::string>& errors) {
    const imaging::ImageSpec spec = inputSpec(model.metadata());
    const std::size_t inputSize =
        static_cast<std::size_t>(spec.channels) * spec.width * spec.height;
    errors.assign(images.size(), {});
    std::vector<std::size_t> batch;
    std::vector<cv::Size> sizes;
    std::vector<float> pixels;
    const auto flush = [&] {
        if (batch.empty()) {
            return;
        }
        const std::vector<float> outputs = model.run(pixels.data(), static_cast<int>(batch.size()));
        if (outputs.size() != batch.size() * outputSize) {
            throw Error(ErrorKind::InvalidArgument,
                        "The model gave " + std::to_string(outputs.size()) +
                            " values for a batch of " + std::to_string(batch.size()) +
                            " images, not the " + expected + " its metadata describes.");
        }
        for (std::size_t row = 0; row < batch.size(); ++row) {
            finish(batch[row], outputs.data() + row * outputSize, sizes[row]);
        }
        batch.clear();
        sizes.clear();
        pixels.clear();
    };
    for (std::size_t i = 0; i < images.size(); ++i) {
        try {
            const imaging::ConformedFile decoded = imaging::decodeForSpec(images[i], spec);
            pixels.resize(pixels.size() + inputSize);
            imaging::writePlanarFloats(decoded.image, pixels.data() + pixels.size() - inputSize);
            sizes.push_back(decoded.fileSize);
            batch.push_back(i);
        } catch (const Error& error) {
            errors[i] = error.what();
        }
        if (static_cast<int>(batch.size()) >= std::max(1, batchSize)) {
            flush();
        }
    }
    flush();
}

} // namespace kestrel::infer
