#include "runs/trained_run.h"

namespace kestrel::runs {

infer::ModelMetadata modelMetadata(const TrainedRun& run) {
    infer::ModelMetadata metadata;
    metadata.classes = run.data.data.classes;
    metadata.width = run.options.imageSize;
    metadata.height = run.options.imageSize;
    metadata.channels = run.options.channels;
    metadata.color = run.options.channels == 1 ? "gray" : "rgb";
    metadata.resize = "stretch"; // what the loader does for training and evaluation
    metadata.mean = run.options.mean;
    metadata.std = run.options.std;
    metadata.model = run.options.model;
    metadata.run = run.record.id;
    metadata.datasetVersion = run.record.datasetVersion.value_or(run.data.datasetVersion);
    return metadata;
}

} // namespace kestrel::runs
