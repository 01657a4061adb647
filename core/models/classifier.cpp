#include "models/classifier.h"

#include "models/layer_graph.h"

#include <torch/torch.h>

namespace kestrel::models {

namespace {

// The image itself, then mirrored left-right, top-bottom and both: the dims each flips.
const std::vector<std::vector<int64_t>>& mirrors() {
    static const std::vector<std::vector<int64_t>> all = {{}, {3}, {2}, {2, 3}};
    return all;
}

} // namespace

torch::Tensor Classifier::forward(torch::Tensor images) {
    if (!averageMirrors_ || is_training()) {
        return classify(features(images));
    }
    // One pass over the four views in one batch: a conv over 4N images runs faster than
    // four over N, and eval-mode batch norm treats each image alone.
    std::vector<torch::Tensor> views;
    for (const auto& dims : mirrors()) {
        views.push_back(dims.empty() ? images : images.flip(dims));
    }
    const std::vector<torch::Tensor> logits =
        classify(features(torch::cat(views))).chunk(static_cast<int64_t>(views.size()));
    torch::Tensor sum;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const torch::Tensor back = mirrors()[i].empty() ? logits[i] : logits[i].flip(mirrors()[i]);
        sum = sum.defined() ? sum + back : back;
    }
    return sum / static_cast<double>(logits.size());
}

int passesPerImage(bool averageMirrors) {
    return averageMirrors ? static_cast<int>(mirrors().size()) : 1;
}

int appendForward(const Classifier& model, LayerGraph& graph) {
    if (!model.averageMirrors()) {
        return model.appendLayers(graph);
    }
    LayerGraph body(model, graph.shape(LayerGraph::kInput));
    model.appendLayers(body);
    int sum = -1;
    for (const auto& dims : mirrors()) {
        int view = LayerGraph::kInput;
        for (const int64_t axis : dims) {
            view = graph.flip(axis, view);
        }
        int logits = graph.appendCopy(body, view);
        for (const int64_t axis : dims) {
            logits = graph.flip(axis, logits);
        }
        sum = sum < 0 ? logits : graph.add(sum, logits);
    }
    return graph.scale(1.0 / static_cast<double>(mirrors().size()), sum);
}

} // namespace kestrel::models
