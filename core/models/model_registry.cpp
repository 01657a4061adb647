#include "models/model_registry.h"

#include "common/error.h"
#include "models/deeplabv3.h"
#include "models/efficientnet.h"
#include "models/fcos_detector.h"
#include "models/lraspp.h"
#include "models/mobilenet_v3.h"
#include "models/resnet.h"
#include "models/small_cnn.h"
#include "models/unet.h"

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

// Per-pixel models: logits N x classes x H x W.
const std::vector<Entry>& segmentationEntries() {
    static const std::vector<Entry> all = {
        {{"unet",
          "U-Net: 4 levels from 16 to 128 channels, 0.48 M parameters, the fast default for "
          "segmentation",
          128, 32, UNet::kSizeMultiple},
         [](int classes, int channels) {
             return std::make_shared<UNet>(classes, channels);
         }},
        // torchvision's, with its parameter names: its state_dicts load unchanged.
        {{"lraspp_mobilenet_v3_large",
          "LR-ASPP on a dilated MobileNetV3-Large: 3.2 M parameters, coarse (1/8) but fast on "
          "large images",
          512, 64, LRASPP::kSizeMultiple},
         [](int classes, int channels) {
             return std::make_shared<LRASPP>(classes, channels);
         }},
        {{"deeplabv3_mobilenet_v3_large",
          "DeepLabV3 on a dilated MobileNetV3-Large: 11.0 M parameters, coarse (1/16) with wide "
          "context",
          512, 64, DeepLabV3::kSizeMultiple},
         [](int classes, int channels) {
             return std::make_shared<DeepLabV3>(classes, channels);
         }},
    };
    return all;
}

Factory fcos(const FcosDetector::Shape& shape) {
    return [shape](int classes, int channels) {
        return std::make_shared<FcosDetector>(shape, classes, channels);
    };
}

FcosDetector::Shape fcosOnResNet(const std::string& name, ResNet::Depth depth) {
    FcosDetector::Shape shape;
    shape.name = name;
    shape.depth = depth;
    return shape;
}

// ResNet-18 at half width (32-256 channels) under the usual 64-channel heads: on the
// detection bench it trains 2.5 times as fast as fcos_resnet18 on 2 cores. Heads of 32
// channels were faster still but learnt nothing (no box above score 0.01 after 73 epochs).
FcosDetector::Shape smallFcos() {
    FcosDetector::Shape shape = fcosOnResNet("fcos_small", ResNet::Depth::R18);
    shape.backboneWidth = ResNet::kTorchvisionWidth / 2;
    return shape;
}

FcosDetector::Shape fcosOnMobileNet() {
    FcosDetector::Shape shape;
    shape.name = "fcos_mobilenet_v3_large";
    shape.backbone = FcosDetector::Shape::Backbone::MobileNetV3Large;
    return shape;
}

// Detectors: raw outputs N x (classes + 5) x cells (FcosDetector).
const std::vector<Entry>& detectionEntries() {
    static const std::vector<Entry> all = {
        {{"fcos_small",
          "FCOS on a half-width ResNet-18, 4 pyramid levels (strides 4-32): 3.1 M parameters, "
          "no ImageNet weights, the default for detection on a CPU",
          256, 64, FcosDetector::kSizeMultiple},
         fcos(smallFcos())},
        {{"fcos_resnet18",
          "FCOS on ResNet-18, 4 pyramid levels (strides 4-32): 11.5 M parameters, the default "
          "for detection on a GPU",
          256, 64, FcosDetector::kSizeMultiple},
         fcos(fcosOnResNet("fcos_resnet18", ResNet::Depth::R18))},
        {{"fcos_resnet34", "FCOS on ResNet-34: 21.6 M parameters, deeper", 256, 64,
          FcosDetector::kSizeMultiple},
         fcos(fcosOnResNet("fcos_resnet34", ResNet::Depth::R34))},
        {{"fcos_resnet50", "FCOS on ResNet-50: 24.1 M parameters, bottleneck blocks", 320, 64,
          FcosDetector::kSizeMultiple},
         fcos(fcosOnResNet("fcos_resnet50", ResNet::Depth::R50))},
        {{"fcos_mobilenet_v3_large",
          "FCOS on MobileNetV3-Large (its blocks at strides 4-32): 3.4 M parameters, light "
          "on a GPU or for inference",
          320, 64, FcosDetector::kSizeMultiple},
         fcos(fcosOnMobileNet())},
    };
    return all;
}

std::string namesOf(const std::vector<Entry>& list) {
    std::string known;
    for (const auto& candidate : list) {
        known += (known.empty() ? "" : ", ") + candidate.info.name;
    }
    return known;
}

const Entry* findEntry(const std::vector<Entry>& list, const std::string& name) {
    for (const auto& candidate : list) {
        if (candidate.info.name == name) {
            return &candidate;
        }
    }
    return nullptr;
}

// `list`'s entry named `name`; `kind` ("classification ", "segmentation ") names the list
// in the sentence an unknown name gets.
const Entry& entry(const std::vector<Entry>& list, const std::string& name,
                   const std::string& kind) {
    if (const Entry* found = findEntry(list, name)) {
        return *found;
    }
    throw Error(ErrorKind::InvalidArgument, "Unknown " + kind + "model \"" + name + "\"; the " +
                                                kind + "models are: " + namesOf(list) + ".");
}

std::vector<ArchitectureInfo> infosOf(const std::vector<Entry>& list) {
    std::vector<ArchitectureInfo> all;
    for (const auto& candidate : list) {
        all.push_back(candidate.info);
    }
    return all;
}

// `noun` names the kind of model in the sentence a class count below `minimumClasses`
// gets.
ClassifierPtr build(const Entry& found, const ClassifierSpec& spec, const std::string& noun,
                    int minimumClasses = 2) {
    if (spec.classes < minimumClasses) {
        throw Error(ErrorKind::InvalidArgument, "A " + noun + " needs at least " +
                                                    std::to_string(minimumClasses) +
                                                    (minimumClasses == 1 ? " class" : " classes") +
                                                    ", not " + std::to_string(spec.classes) + ".");
    }
    if (spec.inputChannels != 1 && spec.inputChannels != 3) {
        throw Error(ErrorKind::InvalidArgument,
                    "Models take 1 (gray) or 3 (RGB) input channels, not " +
                        std::to_string(spec.inputChannels) + ".");
    }
    ClassifierPtr model = found.create(spec.classes, spec.inputChannels);
    model->setAverageMirrors(spec.averageMirrors);
    return model;
}

} // namespace

const std::vector<ArchitectureInfo>& architectures() {
    static const std::vector<ArchitectureInfo> infos = infosOf(entries());
    return infos;
}

const std::vector<ArchitectureInfo>& segmentationArchitectures() {
    static const std::vector<ArchitectureInfo> infos = infosOf(segmentationEntries());
    return infos;
}

const std::vector<ArchitectureInfo>& detectionArchitectures() {
    static const std::vector<ArchitectureInfo> infos = infosOf(detectionEntries());
    return infos;
}

std::string pretrainedWeightsName(const std::string& name) {
    // Detectors and torchvision's segmenters are named after their head and their backbone,
    // a classification architecture: fcos_resnet18, lraspp_mobilenet_v3_large.
    const auto underscore = name.find('_');
    const bool composite = findEntry(detectionEntries(), name) != nullptr ||
                           findEntry(segmentationEntries(), name) != nullptr;
    if (composite && underscore != std::string::npos &&
        findEntry(entries(), name.substr(underscore + 1)) != nullptr) {
        return name.substr(underscore + 1);
    }
    return name;
}

const ArchitectureInfo& architecture(const std::string& name) {
    for (const auto* list : {&entries(), &segmentationEntries(), &detectionEntries()}) {
        if (const Entry* found = findEntry(*list, name)) {
            return found->info;
        }
    }
    throw Error(ErrorKind::InvalidArgument,
                "Unknown model \"" + name + "\"; the models are: " + namesOf(entries()) + ", " +
                    namesOf(segmentationEntries()) + ", " + namesOf(detectionEntries()) + ".");
}

ClassifierPtr createClassifier(const ClassifierSpec& spec) {
    return build(entry(entries(), spec.architecture, "classification "), spec, "classifier");
}

ClassifierPtr createSegmenter(const ClassifierSpec& spec) {
    return build(entry(segmentationEntries(), spec.architecture, "segmentation "), spec,
                 "segmentation model");
}

ClassifierPtr createDetector(const ClassifierSpec& spec) {
    return build(entry(detectionEntries(), spec.architecture, "detection "), spec, "detector", 1);
}

} // namespace kestrel::models
