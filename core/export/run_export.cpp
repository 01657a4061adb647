#include "export/run_export.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/path_claim.h"
#include "common/utc_time.h"
#include "common/version.h"
#include "dataset/content_hash.h"
#include "export/anomaly_export.h"
#include "export/export_steps.h"
#include "export/model_card.h"
#include "export/onnx_writer.h"
#include "export/torchscript_writer.h"
#include "infer/detection_predictor.h"
#include "infer/predictor.h"
#include "models/layer_graph.h"
#include "models/model_input.h"
#include "project/project.h"
#include "runs/trained_run.h"
#include "store/run_repository.h"
#include "tasks/task.h"

#include <ATen/core/grad_mode.h>
#include <ATen/ops/from_blob.h>

namespace kestrel::exporting {

namespace {

constexpr int kBatch = 32;

infer::ModelMetadata metadataFor(const runs::TrainedRun& run) {
    infer::ModelMetadata metadata = runs::modelMetadata(run);
    metadata.kestrelVersion = kestrelVersion();
    metadata.created = utcNow();
    return metadata;
}

// Up to `wanted` validation images, spread over the split, in the documented preprocessing,
// and their paths. Unreadable ones are skipped.
int verificationImages(const runs::TrainedRun& run, const infer::ModelMetadata& metadata,
                       int wanted, std::vector<float>& pixels, std::vector<std::string>& paths) {
    const auto& samples = run.data.data.validation;
    const std::size_t step = std::max<std::size_t>(1, samples.size() / std::max(1, wanted));
    int count = 0;
    for (std::size_t i = 0; i < samples.size() && count < wanted; i += step) {
        try {
            infer::appendModelInput(samples[i].path, metadata, pixels);
            paths.push_back(samples[i].path);
            ++count;
        } catch (const Error&) {
            // A file that went missing since training; the others still verify.
        }
    }
    return count;
}

// The trained model's outputs through its task's head (for classification, probabilities):
// LibTorch eager, the trainer's own normalisation.
std::vector<float> referenceProbabilities(const runs::TrainedRun& run,
                                          const infer::ModelMetadata& metadata,
                                          std::vector<float>& pixels, int count) {
    const at::NoGradGuard noGrad;
    const models::ModelInput input(run.options.mean, run.options.std, c10::Device(c10::kCPU),
                                   false);
    const tasks::Task& task = tasks::taskFor(run.options.task);
    std::vector<float> result;
    const int64_t imageFloats = int64_t{metadata.channels} * metadata.height * metadata.width;
    for (int start = 0; start < count; start += kBatch) {
        const int n = std::min(kBatch, count - start);
        const auto images =
            at::from_blob(pixels.data() + start * imageFloats,
                          {n, metadata.channels, metadata.height, metadata.width}, at::kFloat);
        const auto probabilities = task.applyHead(run.model->forward(input(images))).contiguous();
        result.insert(result.end(), probabilities.data_ptr<float>(),
                      probabilities.data_ptr<float>() + probabilities.numel());
    }
    return result;
}

std::vector<float> exportedProbabilities(infer::ExportedModel& model,
                                         const infer::ModelMetadata& metadata,
                                         const std::vector<float>& pixels, int count) {
    std::vector<float> result;
    const std::size_t imageFloats =
        static_cast<std::size_t>(metadata.channels) * metadata.height * metadata.width;
    for (int start = 0; start < count; start += kBatch) {
        const int n = std::min(kBatch, count - start);
        const auto part =
            model.run(pixels.data() + static_cast<std::size_t>(start) * imageFloats, n);
        result.insert(result.end(), part.begin(), part.end());
    }
    return result;
}

} // namespace

std::filesystem::path exportPath(const Project& project, const ExportRequest& request,
                                 const std::string& model, infer::ModelFormat format) {
    const char* extension = format == infer::ModelFormat::Onnx ? ".onnx" : ".pt";
    if (request.output.empty()) {
        return project.exportsFolder() /
               ("run-" + std::to_string(request.run) + "-" + model + extension);
    }
    if (request.formats.size() > 1) {
        return std::filesystem::path(request.output).replace_extension(extension);
    }
    return request.output;
}

std::vector<ExportedFile> exportRun(Project& project, const ExportRequest& request) {
    if (request.formats.empty()) {
        throw Error(ErrorKind::InvalidArgument, "No export format was given.");
    }
    if (request.verifySamples < 1 || !(request.tolerance > 0)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Verification needs at least one image and a tolerance above zero.");
    }
    if (store::RunRepository(project.database()).get(request.run).task ==
        toString(TaskKind::Anomaly)) {
        return exportAnomalyRun(project, request);
    }
    const runs::TrainedRun run = runs::loadTrainedRun(project, request.run);
    const infer::ModelMetadata metadata = metadataFor(run);
    const std::string metadataJson = infer::toJson(metadata);

    std::vector<float> pixels;
    std::vector<std::string> paths;
    const int count = verificationImages(run, metadata, request.verifySamples, pixels, paths);
    if (count == 0) {
        throw Error(ErrorKind::InvalidArgument,
                    project.folder().string() + " has no readable validation images to verify " +
                        "run " + std::to_string(request.run) + "'s export on.");
    }
    const std::vector<float> reference = referenceProbabilities(run, metadata, pixels, count);

    models::LayerGraph graph(*run.model, {metadata.channels, metadata.height, metadata.width});
    models::appendForward(*run.model, graph);

    store::RunRepository runs(project.database());
    const auto metrics = runs.latestMetrics(request.run);
    std::vector<ExportedFile> exported;
    for (const infer::ModelFormat format : request.formats) {
        ExportedFile result;
        result.format = format;
        result.file = exportPath(project, request, metadata.model, format);
        std::filesystem::create_directories(std::filesystem::absolute(result.file).parent_path());
        const std::filesystem::path partial = result.file.string() + ".partial";
        // Held until the file is kept or removed: a start meanwhile must not tidy it away.
        const PathClaim claim = PathClaim::file(partial);
        reportProgress(request,
                       "Writing " + infer::toString(format) + " to " + result.file.string());
        if (format == infer::ModelFormat::Onnx) {
            writeOnnx(graph, metadata, partial);
        } else {
            writeTorchScript(graph, metadata, partial);
        }
        if (request.afterWrite) {
            request.afterWrite(partial);
        }
        try {
            auto model = openForVerification(format, partial);
            reportProgress(request, "Verifying on " + std::to_string(count) +
                                        " validation images with " + model->runtime());
            const auto probabilities = exportedProbabilities(*model, metadata, pixels, count);
            const auto classes = static_cast<int>(metadata.classes.size());
            // Segmentation models answer per pixel: N x K x H x W.
            const models::ValueShape& output = graph.shape(graph.output());
            result.verification =
                metadata.detection
                    ? compareDetections(reference, probabilities, count, classes,
                                        metadata.detection->strides, metadata.width,
                                        metadata.height, infer::decodingOf(*metadata.detection),
                                        request.tolerance, paths)
                : output.spatial()
                    ? comparePixelProbabilities(
                          reference, probabilities, count, classes, static_cast<int>(output.height),
                          static_cast<int>(output.width), request.tolerance, paths)
                    : compareProbabilities(reference, probabilities, count, classes,
                                           request.tolerance);
            result.verification.format = infer::toString(format);
            result.verification.runtime = model->runtime();
        } catch (const Error& error) {
            std::filesystem::remove(partial);
            throw Error(error.kind(),
                        "The " + infer::toString(format) +
                            " export could not be verified, so it was not kept: " + error.what());
        }
        keepVerifiedExport(project, request, result, partial,
                           [&](const ExportedFile& file, const std::string& hash) {
                               return modelCardJson(run, metrics, metadataJson, file, hash);
                           });
        exported.push_back(result);
    }
    return exported;
}

} // namespace kestrel::exporting
