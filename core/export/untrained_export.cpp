#include "export/untrained_export.h"

#include "common/version.h"
#include "export/onnx_writer.h"
#include "export/torchscript_writer.h"
#include "infer/model_metadata.h"
#include "models/layer_graph.h"
#include "models/model_registry.h"

#include <torch/nn/module.h>
#include <torch/utils.h>

namespace kestrel::exporting {

std::vector<std::filesystem::path>
exportUntrainedArchitecture(const std::string& architecture, int size, int channels, int classes,
                            const std::filesystem::path& folder) {
    torch::manual_seed(0);
    auto model = models::createClassifier({architecture, classes, channels});
    model->eval();
    infer::ModelMetadata metadata;
    for (int c = 0; c < classes; ++c) {
        metadata.classes.push_back("class" + std::to_string(c));
    }
    metadata.width = metadata.height = size;
    metadata.channels = channels;
    metadata.color = channels == 1 ? "gray" : "rgb";
    metadata.mean =
        channels == 1 ? std::vector<double>{0.5} : std::vector<double>{0.485, 0.456, 0.406};
    metadata.std =
        channels == 1 ? std::vector<double>{0.5} : std::vector<double>{0.229, 0.224, 0.225};
    metadata.model = architecture;
    metadata.kestrelVersion = kestrelVersion();
    models::LayerGraph graph(*model, {channels, size, size});
    model->appendLayers(graph);
    std::filesystem::create_directories(folder);
    const std::vector<std::filesystem::path> files = {folder / "model.pt", folder / "model.onnx"};
    writeTorchScript(graph, metadata, files[0]);
    writeOnnx(graph, metadata, files[1]);
    return files;
}

} // namespace kestrel::exporting
