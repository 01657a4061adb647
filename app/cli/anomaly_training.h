#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::cli {

// What `train --task anomaly` takes from the command line; unset values keep the defaults.
struct AnomalyTrainRequest {
    std::string folder;
    std::optional<std::string> method;   // patchcore, padim
    std::optional<std::string> backbone; // resnet18, wide_resnet50_2
    std::optional<double> coreset;
    std::optional<int> neighbours;
    std::optional<int> padimChannels;
    std::vector<int> layers;                       // empty: anomaly::featureLayers' choice
    std::optional<std::string> recomputeBatchNorm; // on, off
    std::optional<int> imageSize;
    std::optional<int> batchSize;
    std::optional<int> workers;
    std::optional<int> threads;
    std::optional<std::uint64_t> seed;
    std::string device = "auto";
    std::optional<std::string> initWeights; // a torchvision state_dict
    std::optional<std::string> weights;     // imagenet or scratch
    std::optional<std::int64_t> weightsFromRun;
    std::optional<std::string> goodClass;
    std::optional<double> targetRecall;
    bool json = false;
};

// Fits an anomaly detector on the project's good images, printing progress to stderr and,
// with `json`, one object to stdout. Returns the process exit code.
int runAnomalyTrain(const AnomalyTrainRequest& request);

} // namespace kestrel::cli
