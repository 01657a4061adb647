#include "anomaly/anomaly_options.h"

#include "common/error.h"
#include "common/task_kind.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kestrel::anomaly {

namespace {

// The shortest text that reads back as `value` (0.1, not 0.10000000000000001).
std::string text(double value) {
    std::string shortest;
    for (int precision = 15; precision <= 17; ++precision) {
        std::ostringstream out;
        out.precision(precision);
        out << value;
        shortest = out.str();
        if (std::stod(shortest) == value) {
            break;
        }
    }
    return shortest;
}

const std::string& get(const std::map<std::string, std::string>& params, const std::string& name) {
    const auto found = params.find(name);
    if (found == params.end()) {
        throw Error(ErrorKind::Corrupt, "The run has no \"" + name + "\" parameter.");
    }
    return found->second;
}

double number(const std::map<std::string, std::string>& params, const std::string& name) {
    const std::string& value = get(params, name);
    try {
        std::size_t used = 0;
        const double parsed = std::stod(value, &used);
        if (used == value.size()) {
            return parsed;
        }
    } catch (const std::logic_error&) {
    }
    throw Error(ErrorKind::Corrupt,
                "The run's \"" + name + "\" parameter is not a number: " + value + ".");
}

std::vector<double> numbers(const std::map<std::string, std::string>& params,
                            const std::string& name) {
    try {
        return nlohmann::json::parse(get(params, name)).get<std::vector<double>>();
    } catch (const nlohmann::json::exception&) {
        throw Error(ErrorKind::Corrupt,
                    "The run's \"" + name +
                        "\" parameter is not a list of numbers: " + get(params, name) + ".");
    }
}

std::string optional(const std::map<std::string, std::string>& params, const std::string& name) {
    const auto found = params.find(name);
    return found == params.end() ? "" : found->second;
}

} // namespace

std::string toString(AnomalyMethod method) {
    return method == AnomalyMethod::PatchCore ? "patchcore" : "padim";
}

AnomalyMethod parseAnomalyMethod(const std::string& name) {
    if (name == "patchcore") {
        return AnomalyMethod::PatchCore;
    }
    if (name == "padim") {
        return AnomalyMethod::Padim;
    }
    throw Error(ErrorKind::InvalidArgument, "Unknown anomaly-detection method \"" + name +
                                                "\"; the methods are: patchcore, padim.");
}

const std::vector<std::string>& anomalyBackbones() {
    static const std::vector<std::string> names = {"resnet18", "wide_resnet50_2"};
    return names;
}

int padimChannels(const AnomalyOptions& options) {
    if (options.padimChannels > 0) {
        return options.padimChannels;
    }
    // anomalib's choices, from the PaDiM paper: 100 of resnet18's 448, 550 of wide's 1792.
    return options.backbone == "resnet18" ? 100 : 550;
}

std::vector<int> featureLayers(const AnomalyOptions& options) {
    if (!options.layers.empty()) {
        return options.layers;
    }
    if (options.method == AnomalyMethod::Padim) {
        return {1, 2, 3};
    }
    const bool pretrained = !options.weights.empty() || options.weightsFromRun != 0;
    return pretrained ? std::vector<int>{2, 3} : std::vector<int>{1, 2};
}

std::int64_t backboneStageChannels(const std::string& backbone, int stage) {
    const std::int64_t width = std::int64_t{64} << (stage - 1);
    return backbone == "resnet18" ? width : width * 4;
}

void validate(const AnomalyOptions& options) {
    const auto& backbones = anomalyBackbones();
    if (std::find(backbones.begin(), backbones.end(), options.backbone) == backbones.end()) {
        throw Error(ErrorKind::InvalidArgument, "Anomaly detection cannot use the backbone \"" +
                                                    options.backbone +
                                                    "\"; it uses resnet18 or wide_resnet50_2.");
    }
    if (options.imageSize < 32 || options.imageSize > 1024) {
        throw Error(ErrorKind::InvalidArgument, "The image size must be 32 to 1024 px, not " +
                                                    std::to_string(options.imageSize) + ".");
    }
    if (options.channels != 1 && options.channels != 3) {
        throw Error(ErrorKind::InvalidArgument, "The channel count must be 1 or 3, not " +
                                                    std::to_string(options.channels) + ".");
    }
    if (!(options.coresetRatio > 0 && options.coresetRatio <= 1)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The coreset ratio must be above 0 and at most 1, not " +
                        text(options.coresetRatio) + ".");
    }
    if (options.neighbours < 1 || options.neighbours > 64) {
        throw Error(ErrorKind::InvalidArgument, "The neighbour count must be 1 to 64, not " +
                                                    std::to_string(options.neighbours) + ".");
    }
    for (std::size_t i = 0; i < options.layers.size(); ++i) {
        const int layer = options.layers[i];
        if (layer < 1 || layer > 4 || (i > 0 && layer <= options.layers[i - 1])) {
            throw Error(ErrorKind::InvalidArgument,
                        "The feature layers must be ascending stages of 1 to 4 (such as 1,2 or "
                        "2,3), not " +
                            nlohmann::json(options.layers).dump() + ".");
        }
    }
    std::int64_t available = 0;
    for (const int layer : featureLayers(options)) {
        available += backboneStageChannels(options.backbone, layer);
    }
    if (options.padimChannels < 0 || options.padimChannels > available) {
        throw Error(ErrorKind::InvalidArgument, "PaDiM keeps 1 to " + std::to_string(available) +
                                                    " channels of " + options.backbone +
                                                    "'s compared layers, not " +
                                                    std::to_string(options.padimChannels) + ".");
    }
    if (options.method == AnomalyMethod::Padim && options.padimChannels == 0 &&
        padimChannels(options) > available) {
        throw Error(ErrorKind::InvalidArgument,
                    "PaDiM keeps " + std::to_string(padimChannels(options)) + " channels, but " +
                        options.backbone + "'s compared layers have " + std::to_string(available) +
                        "; choose more layers or --padim-channels.");
    }
    if (options.targetDefectRecall != 0 &&
        !(options.targetDefectRecall > 0 && options.targetDefectRecall <= 1)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The target defect recall must be above 0 and at most 1, not " +
                        text(options.targetDefectRecall) + ".");
    }
    if (options.batchSize < 1 || options.workers < 1 || options.threads < 0) {
        throw Error(ErrorKind::InvalidArgument,
                    "The batch size and worker count must be at least 1, the threads at least 0.");
    }
}

std::map<std::string, std::string> toParams(const AnomalyOptions& options) {
    return {
        {"task", toString(TaskKind::Anomaly)},
        {"method", toString(options.method)},
        {"model", options.backbone},
        {"image_size", std::to_string(options.imageSize)},
        {"channels", std::to_string(options.channels)},
        {"mean", nlohmann::json(options.mean).dump()},
        {"std", nlohmann::json(options.std).dump()},
        {"coreset_ratio", text(options.coresetRatio)},
        {"neighbours", std::to_string(options.neighbours)},
        {"padim_channels", std::to_string(padimChannels(options))},
        {"layers", nlohmann::json(featureLayers(options)).dump()},
        {"recompute_batch_norm", options.recomputeBatchNorm ? "true" : "false"},
        {"init_weights", options.weights.string()},
        {"weights_from_run", std::to_string(options.weightsFromRun)},
        {"good_class", options.goodClass},
        {"target_defect_recall", text(options.targetDefectRecall)},
        {"device", options.device},
        {"threads", std::to_string(options.threads)},
        {"workers", std::to_string(options.workers)},
        {"batch_size", std::to_string(options.batchSize)},
        {"seed", std::to_string(options.seed)},
    };
}

AnomalyOptions fromParams(const std::map<std::string, std::string>& params) {
    AnomalyOptions options;
    options.method = parseAnomalyMethod(get(params, "method"));
    options.backbone = get(params, "model");
    options.imageSize = static_cast<int>(number(params, "image_size"));
    options.channels = static_cast<int>(number(params, "channels"));
    options.mean = numbers(params, "mean");
    options.std = numbers(params, "std");
    options.coresetRatio = number(params, "coreset_ratio");
    options.neighbours = static_cast<int>(number(params, "neighbours"));
    options.padimChannels = static_cast<int>(number(params, "padim_channels"));
    if (params.count("layers") != 0) {
        for (const double layer : numbers(params, "layers")) {
            options.layers.push_back(static_cast<int>(layer));
        }
    } else {
        // Runs from before the choice was recorded compared anomalib's layers.
        options.layers = options.method == AnomalyMethod::Padim ? std::vector<int>{1, 2, 3}
                                                                : std::vector<int>{2, 3};
    }
    options.recomputeBatchNorm = get(params, "recompute_batch_norm") == "true";
    options.weights = optional(params, "init_weights");
    options.weightsFromRun = static_cast<std::int64_t>(number(params, "weights_from_run"));
    options.goodClass = optional(params, "good_class");
    options.targetDefectRecall = number(params, "target_defect_recall");
    options.device = get(params, "device");
    options.threads = static_cast<int>(number(params, "threads"));
    options.workers = static_cast<int>(number(params, "workers"));
    options.batchSize = static_cast<int>(number(params, "batch_size"));
    options.seed = static_cast<std::uint64_t>(std::stoull(get(params, "seed")));
    validate(options);
    return options;
}

} // namespace kestrel::anomaly
