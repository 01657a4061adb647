#include "infer/model_metadata.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

namespace kestrel::infer {

std::string toJson(const ModelMetadata& metadata) {
    const nlohmann::json json = {
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
    return json.dump(2);
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
        if (metadata.classes.empty() || metadata.width < 1 || metadata.height < 1 ||
            (metadata.channels != 1 && metadata.channels != 3) ||
            (metadata.resize != "stretch" && metadata.resize != "letterbox")) {
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

} // namespace kestrel::infer
