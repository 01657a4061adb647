#include "infer/model_metadata.h"

#include "common/error.h"
#include "imaging/image_spec.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kestrel::infer {

std::string toJson(const ModelMetadata& metadata) {
    nlohmann::json json = {
        {"format_version", 1},
        {"task", toString(metadata.task)},
        {"classes", metadata.classes},
        {"input",
         {{"width", metadata.width},
          {"height", metadata.height},
          {"channels", metadata.channels},
          {"color", metadata.color},
          {"range", {0.0, 1.0}},
          {"dtype", "float32"},
          {"layout", "NCHW"},
          {"resize", metadata.resize},
          {"interpolation", "area when shrinking, bilinear when enlarging"}}},
        {"normalization",
         {{"mean", metadata.mean}, {"std", metadata.std}, {"applied", "inside the model"}}},
        {"output", metadata.output},
        {"model", metadata.model},
        {"run", metadata.run},
        {"dataset_version", metadata.datasetVersion},
        {"kestrel_version", metadata.kestrelVersion},
        {"created", metadata.created}};
    if (metadata.ngThreshold) {
        json["operating_point"] = {{"good_class", metadata.goodClass},
                                   {"threshold", *metadata.ngThreshold},
                                   {"target_defect_recall", metadata.targetDefectRecall},
                                   {"rule", "NG when 1 - P(good_class) >= threshold"}};
    }
    if (metadata.anomaly) {
        const auto& a = *metadata.anomaly;
        json["anomaly"] = {
            {"method", a.method},
            {"outputs", {"score", "map"}},
            {"score_threshold", 0.5},
            {"rule", "defect when score >= 0.5; map pixels >= 0.5 are anomalous"},
            {"raw_threshold", a.rawThreshold},
            {"normalization",
             {{"image_min", a.imageMin},
              {"image_max", a.imageMax},
              {"map_min", a.mapMin},
              {"map_max", a.mapMax},
              {"formula", "clamp((raw - raw_threshold) / (max - min) + 0.5, 0, 1)"}}}};
    }
    if (metadata.detection) {
        const auto& d = *metadata.detection;
        json["detection"] = {
            {"decoding", "FCOS"},
            {"layout", "N x (classes + 5) x cells: class logits, left/top/right/bottom distances "
                       "in strides, centreness logit"},
            {"strides", d.strides},
            {"cells", "per stride s a ceil(height / s) x ceil(width / s) grid, row-major, cell "
                      "(x, y) at ((x + 0.5) s, (y + 0.5) s)"},
            {"score", "sqrt(sigmoid(class logit) * sigmoid(centreness logit))"},
            {"score_threshold", d.scoreThreshold},
            {"line_score", d.lineScore},
            {"nms_iou", d.nmsIou},
            {"candidates_per_level", d.candidatesPerLevel},
            {"max_detections", d.maxDetections},
            {"rule", "NG when a box scores line_score or more"}};
    }
    if (metadata.segmentation) {
        nlohmann::json minimum = nlohmann::json::object();
        for (std::size_t c = 1; c < metadata.classes.size(); ++c) {
            minimum[metadata.classes[c]] = c < metadata.segmentation->minimumAreaPixels.size()
                                               ? metadata.segmentation->minimumAreaPixels[c]
                                               : 0.0;
        }
        json["segmentation"] = {
            {"background_class", 0},
            {"minimum_area_pixels", minimum},
            {"pixel_size_mm", metadata.segmentation->pixelSizeMm},
            {"rule", "NG when a class covers more than its minimum area, in the image's pixels"},
            {"passes", metadata.segmentation->passes}};
        if (metadata.segmentation->passes > 1) {
            json["segmentation"]["passes_rule"] =
                "inside the model: the mean of the class logits over the image and its "
                "left-right, top-bottom and both-ways mirror images, each mirrored back";
        }
    }
    return json.dump(2);
}

std::vector<std::string> outputNames(const ModelMetadata& metadata) {
    if (metadata.anomaly) {
        return {"score", "map"};
    }
    return {metadata.output};
}

std::string anomalyVerdict(float score) {
    return score >= 0.5F ? "defect" : "good";
}

ModelMetadata metadataFromJson(const std::string& text, const std::string& source) {
    const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        throw Error(ErrorKind::InvalidArgument,
                    source + " has a metadata.json that is not a JSON object.");
    }
    const auto require = [&](const nlohmann::json& object, const char* key) {
        if (!object.is_object() || !object.contains(key)) {
            throw Error(ErrorKind::InvalidArgument,
                        source + " has no \"" + key + "\" in its metadata.json.");
        }
        return object.at(key);
    };
    try {
        ModelMetadata metadata;
        // Models exported before tasks existed say neither: they were all classifiers.
        metadata.task =
            parseTaskKind(json.value("task", "classification"), source + "'s metadata.json");
        metadata.output = json.value("output", "probabilities");
        metadata.classes = require(json, "classes").get<std::vector<std::string>>();
        const auto input = require(json, "input");
        metadata.width = require(input, "width").get<int>();
        metadata.height = require(input, "height").get<int>();
        metadata.channels = require(input, "channels").get<int>();
        metadata.color = require(input, "color").get<std::string>();
        metadata.resize = require(input, "resize").get<std::string>();
        const auto normalization = require(json, "normalization");
        metadata.mean = require(normalization, "mean").get<std::vector<double>>();
        metadata.std = require(normalization, "std").get<std::vector<double>>();
        metadata.model = json.value("model", "");
        metadata.run = json.value("run", std::int64_t{0});
        metadata.datasetVersion = json.value("dataset_version", std::int64_t{0});
        metadata.kestrelVersion = json.value("kestrel_version", "");
        metadata.created = json.value("created", "");
        if (json.contains("operating_point")) {
            const auto point = json.at("operating_point");
            metadata.goodClass = require(point, "good_class").get<std::string>();
            metadata.ngThreshold = require(point, "threshold").get<double>();
            metadata.targetDefectRecall = point.value("target_defect_recall", 0.0);
            if (std::find(metadata.classes.begin(), metadata.classes.end(), metadata.goodClass) ==
                metadata.classes.end()) {
                throw Error(ErrorKind::InvalidArgument,
                            source + "'s metadata.json names the good class \"" +
                                metadata.goodClass + "\", which is not one of its classes.");
            }
        }
        if (metadata.task == TaskKind::Anomaly) {
            const auto anomaly = require(json, "anomaly");
            const auto scaling = require(anomaly, "normalization");
            metadata.anomaly =
                ModelMetadata::Anomaly{require(anomaly, "method").get<std::string>(),
                                       require(anomaly, "raw_threshold").get<double>(),
                                       require(scaling, "image_min").get<double>(),
                                       require(scaling, "image_max").get<double>(),
                                       require(scaling, "map_min").get<double>(),
                                       require(scaling, "map_max").get<double>()};
        }
        if (metadata.task == TaskKind::Segmentation) {
            const auto segmentation = require(json, "segmentation");
            const auto minimum = require(segmentation, "minimum_area_pixels");
            ModelMetadata::Segmentation rule;
            rule.pixelSizeMm = segmentation.value("pixel_size_mm", 0.0);
            rule.passes = segmentation.value("passes", 1);
            rule.minimumAreaPixels.assign(metadata.classes.size(), 0.0);
            for (std::size_t c = 1; c < metadata.classes.size(); ++c) {
                rule.minimumAreaPixels[c] =
                    require(minimum, metadata.classes[c].c_str()).get<double>();
            }
            metadata.segmentation = rule;
        }
        if (metadata.task == TaskKind::Detection) {
            const auto detection = require(json, "detection");
            ModelMetadata::Detection d;
            d.strides = require(detection, "strides").get<std::vector<int>>();
            d.scoreThreshold = require(detection, "score_threshold").get<double>();
            d.lineScore = require(detection, "line_score").get<double>();
            d.nmsIou = require(detection, "nms_iou").get<double>();
            d.candidatesPerLevel = require(detection, "candidates_per_level").get<int>();
            d.maxDetections = require(detection, "max_detections").get<int>();
            if (d.strides.empty() ||
                std::any_of(d.strides.begin(), d.strides.end(), [](int s) { return s < 1; })) {
                throw Error(ErrorKind::InvalidArgument,
                            source + "'s metadata.json has detection strides out of range.");
            }
            metadata.detection = d;
        }
        if (metadata.classes.empty() || metadata.width < 1 || metadata.height < 1 ||
            (metadata.channels != 1 && metadata.channels != 3) ||
            !imaging::resizeFromName(metadata.resize)) {
            throw Error(ErrorKind::InvalidArgument,
                        source + " has metadata.json values out of range (classes, input size, "
                                 "channels or resize).");
        }
        return metadata;
    } catch (const nlohmann::json::exception& error) {
        throw Error(ErrorKind::InvalidArgument,
                    source + " has a malformed metadata.json: " + error.what() + ".");
    }
}

std::string lineVerdict(const ModelMetadata& metadata, const std::vector<float>& probabilities) {
    if (!metadata.ngThreshold) {
        return {};
    }
    const auto good =
        std::find(metadata.classes.begin(), metadata.classes.end(), metadata.goodClass) -
        metadata.classes.begin();
    if (static_cast<std::size_t>(good) >= probabilities.size()) {
        return {};
    }
    const double notGood = 1.0 - probabilities[static_cast<std::size_t>(good)];
    return notGood >= *metadata.ngThreshold ? "NG" : "OK";
}

} // namespace kestrel::infer
