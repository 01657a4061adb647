#include "models/model_registry.h"

#include "common/error.h"
#include "models/efficientnet.h"
#include "models/mobilenet_v3.h"
#include "models/resnet.h"
#include "models/small_cnn.h"

#include <functional>

namespace kestrel::models {

namespace {

using Factory = std::function<ClassifierPtr(int classes, int inputChannels)>;

struct Entry {
    ArchitectureInfo info;
    Factory create;
};

Factory resnet(ResNet::Depth depth) {
    return [depth](int classes, int channels) {
        return std::make_shared<ResNet>(depth, classes, channels);
    };
}

Factory mobilenet(MobileNetV3::Size size) {
    return [size](int classes, int channels) {
        return std::make_shared<MobileNetV3>(size, classes, channels);
    };
}

Factory efficientnet(EfficientNet::Variant variant) {
    return [variant](int classes, int channels) {
        return std::make_shared<EfficientNet>(variant, classes, channels);
    };
}

const std::vector<Entry>& entries() {
    static const std::vector<Entry> all = {
        {{"smallcnn", "a fast 5-conv CNN for small images (28-96 px)", 28, 16},
         [](int classes, int channels) {
             return std::make_shared<SmallCnn>(classes, channels);
         }},
        // torchvision's architectures, with its parameter names: its weights load unchanged.
        {{"resnet18", "ResNet-18: 11.7 M parameters, a sturdy baseline", 224, 32},
         resnet(ResNet::Depth::R18)},
        {{"resnet34", "ResNet-34: 21.8 M parameters, deeper ResNet-18", 224, 32},
         resnet(ResNet::Depth::R34)},
        {{"resnet50", "ResNet-50: 25.6 M parameters, bottleneck blocks", 224, 32},
         resnet(ResNet::Depth::R50)},
        {{"wide_resnet50_2", "Wide ResNet-50-2: 68.9 M parameters, the anomaly-detection backbone",
          224, 32},
         resnet(ResNet::Depth::WideR50)},
        {{"mobilenet_v3_small", "MobileNetV3-Small: 2.5 M parameters, fast on CPUs", 224, 32},
         mobilenet(MobileNetV3::Size::Small)},
        {{"mobilenet_v3_large", "MobileNetV3-Large: 5.5 M parameters, fast and accurate", 224, 32},
         mobilenet(MobileNetV3::Size::Large)},
        {{"efficientnet_b0", "EfficientNet-B0: 5.3 M parameters, accurate for its size", 224, 32},
         efficientnet(EfficientNet::Variant::B0)},
        {{"efficientnet_b1", "EfficientNet-B1: 7.8 M parameters, designed for 240 px", 240, 32},
         efficientnet(EfficientNet::Variant::B1)},
        {{"efficientnet_b2", "EfficientNet-B2: 9.1 M parameters, designed for 260 px", 260, 32},
         efficientnet(EfficientNet::Variant::B2)},
        {{"efficientnet_b3", "EfficientNet-B3: 12.2 M parameters, designed for 300 px", 300, 32},
         efficientnet(EfficientNet::Variant::B3)},
    };
    return all;
}

const Entry& entry(const std::string& name) {
    for (const auto& candidate : entries()) {
        if (candidate.info.name == name) {
            return candidate;
        }
    }
    std::string known;
    for (const auto& candidate : entries()) {
        known += (known.empty() ? "" : ", ") + candidate.info.name;
    }
    throw Error(ErrorKind::InvalidArgument,
                "Unknown model \"" + name + "\"; the models are: " + known + ".");
}

} // namespace

const std::vector<ArchitectureInfo>& architectures() {
    static const std::vector<ArchitectureInfo> infos = [] {
        std::vector<ArchitectureInfo> all;
        for (const auto& candidate : entries()) {
            all.push_back(candidate.info);
        }
        return all;
    }();
    return infos;
}

const ArchitectureInfo& architecture(const std::string& name) {
    return entry(name).info;
}

ClassifierPtr createClassifier(const ClassifierSpec& spec) {
    const Entry& found = entry(spec.architecture);
    if (spec.classes < 2) {
        throw Error(ErrorKind::InvalidArgument, "A classifier needs at least 2 classes, not " +
                                                    std::to_string(spec.classes) + ".");
    }
    if (spec.inputChannels != 1 && spec.inputChannels != 3) {
        throw Error(ErrorKind::InvalidArgument,
                    "Models take 1 (gray) or 3 (RGB) input channels, not " +
                        std::to_string(spec.inputChannels) + ".");
    }
    return found.create(spec.classes, spec.inputChannels);
}

} // namespace kestrel::models
