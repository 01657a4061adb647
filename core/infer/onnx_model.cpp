#include "infer/onnx_model.h"

#include "common/error.h"

#include <array>
#include <fstream>
#include <onnx/onnx_pb.h>

#include <opencv2/core/version.hpp>
#include <opencv2/dnn/dnn.hpp>

namespace kestrel::infer {

struct OnnxModel::State {
    cv::dnn::Net net;
};

std::string readOnnxMetadata(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    onnx::ModelProto model;
    if (!in || !model.ParseFromIstream(&in)) {
        throw Error(ErrorKind::InvalidArgument, file.string() + " is not an ONNX model.");
    }
    for (const auto& property : model.metadata_props()) {
        if (property.key() == kMetadataKey) {
            return property.value();
        }
    }
    return {};
}

OnnxModel::OnnxModel(const std::filesystem::path& file) : state_(std::make_unique<State>()) {
    const std::string metadata = readOnnxMetadata(file);
    if (metadata.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + " has no metadata.json: it was not exported by Kestrel.");
    }
    metadata_ = metadataFromJson(metadata, file.string());
    try {
        state_->net = cv::dnn::readNetFromONNX(file.string());
    } catch (const cv::Exception& error) {
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + " could not be loaded by OpenCV DNN: " + error.msg);
    }
    state_->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    state_->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

OnnxModel::~OnnxModel() = default;

std::string OnnxModel::runtime() const {
    return std::string("OpenCV DNN ") + CV_VERSION;
}

std::vector<float> OnnxModel::run(const float* images, int count) {
    return runAll(images, count).front();
}

std::vector<std::vector<float>> OnnxModel::runAll(const float* images, int count) {
    // One image at a time: OpenCV 4.6 fails on squeeze-excitation's broadcasts once the batch
    // holds more than one image (and the exported file is fine: onnx's checker, LibTorch and
    // single images agree).
    const std::array<int, 4> shape = {1, metadata_.channels, metadata_.height, metadata_.width};
    const std::size_t imageFloats = static_cast<std::size_t>(metadata_.channels) *
                                    static_cast<std::size_t>(metadata_.height) *
                                    static_cast<std::size_t>(metadata_.width);
    const auto names = outputNames(metadata_);
    const std::vector<cv::String> outputs(names.begin(), names.end());
    std::vector<std::vector<float>> result(names.size());
    for (int i = 0; i < count; ++i) {
        // OpenCV only reads the blob; Mat has no const-data constructor.
        const cv::Mat blob(4, shape.data(), CV_32F,
                           const_cast<float*>(images + static_cast<std::size_t>(i) * imageFloats));
        std::vector<cv::Mat> values;
        try {
            state_->net.setInput(blob);
            state_->net.forward(values, outputs);
        } catch (const cv::Exception& error) {
            throw Error(ErrorKind::InvalidArgument,
                        "The ONNX model failed in OpenCV DNN: " + error.msg);
        }
        for (std::size_t o = 0; o < values.size() && o < result.size(); ++o) {
            const cv::Mat output = values[o].isContinuous() ? values[o] : values[o].clone();
            const auto* data = output.ptr<float>();
            result[o].insert(result[o].end(), data, data + output.total());
        }
    }
    return result;
}

} // namespace kestrel::infer
