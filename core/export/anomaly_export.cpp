#include "export/anomaly_export.h"

#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_session.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/path_claim.h"
#include "common/utc_time.h"
#include "common/version.h"
#include "dataset/content_hash.h"
#include "export/anomaly_writers.h"
#include "export/export_steps.h"
#include "export/model_card.h"
#include "infer/predictor.h"
#include "models/model_input.h"
#include "project/project.h"
#include "store/run_repository.h"

#include <ATen/core/grad_mode.h>
#include <ATen/ops/from_blob.h>

namespace kestrel::exporting {

namespace {

constexpr int kBatch = 8;
// Differences are measured in raw units as a share of the raw threshold, so the tolerance
// means the same whatever the normalisation's spread (a few good validation images make it
// narrow, and it would magnify float32 rounding into large normalised differences).
// The image score is held to 100 times the maps' tolerance (1% of the threshold by default):
// the k-NN reweighting picks neighbours by distance, and in a bank of 20,000 features two of
// them are often within float32's rounding of a tie, which LibTorch and the exported graph
// (batch norms folded, other kernels) can break differently. Maps hold to 1e-4 of it.
constexpr double kScoreToleranceFactor = 100;

double shareOfThreshold(double threshold, double low, double high) {
    const double scale = high > low ? high - low : 1.0;
    return scale / std::max(std::abs(threshold), 1e-12);
}

infer::ModelMetadata anomalyMetadata(const anomaly::FittedAnomalyRun& run,
                                     const store::RunRecord& record) {
    const auto& options = run.options;
    const auto& n = run.model->normalisation();
    infer::ModelMetadata metadata;
    metadata.task = TaskKind::Anomaly;
    metadata.classes = {"good", "defect"};
    metadata.width = options.imageSize;
    metadata.height = options.imageSize;
    metadata.channels = options.channels;
    metadata.color = options.channels == 1 ? "gray" : "rgb";
    metadata.mean = options.mean;
    metadata.std = options.std;
    metadata.output = "score";
    metadata.model = options.backbone;
    metadata.run = record.id;
    metadata.datasetVersion = record.datasetVersion.value_or(run.data.datasetVersion);
    metadata.kestrelVersion = kestrelVersion();
    metadata.created = utcNow();
    metadata.goodClass = run.classes.at(run.goodClass);
    metadata.anomaly = infer::ModelMetadata::Anomaly{
        anomaly::toString(options.method), n.threshold, n.imageMin, n.imageMax, n.mapMin, n.mapMax};
    return metadata;
}

// Up to `wanted` images spread over validation then test, preprocessed as documented.
int verificationImages(const anomaly::FittedAnomalyRun& run, const infer::ModelMetadata& metadata,
                       int wanted, std::vector<float>& pixels) {
    std::vector<loader::LoaderSample> samples = run.data.data.validation;
    samples.insert(samples.end(), run.data.data.test.begin(), run.data.data.test.end());
    const std::size_t step = std::max<std::size_t>(1, samples.size() / std::max(1, wanted));
    int count = 0;
    for (std::size_t i = 0; i < samples.size() && count < wanted; i += step) {
        try {
            infer::appendModelInput(samples[i].path, metadata, pixels);
            ++count;
        } catch (const Error&) {
            // A file that went missing since fitting; the others still verify.
        }
    }
    return count;
}

struct Outputs {
    std::vector<float> scores;
    std::vector<float> maps;
};

Outputs referenceOutputs(anomaly::AnomalyModel& model, const infer::ModelMetadata& metadata,
                         std::vector<float>& pixels, int count) {
    const at::NoGradGuard noGrad;
    const models::ModelInput input(metadata.mean, metadata.std, c10::Device(c10::kCPU), false);
    Outputs outputs;
    const int64_t imageFloats = int64_t{metadata.channels} * metadata.height * metadata.width;
    for (int start = 0; start < count; start += kBatch) {
        const int n = std::min(kBatch, count - start);
        const auto images =
            at::from_blob(pixels.data() + start * imageFloats,
                          {n, metadata.channels, metadata.height, metadata.width}, at::kFloat);
        const auto scored = model.normalise(model.score(input(images)));
        const auto scores = scored.image.contiguous();
        const auto maps = scored.maps.contiguous();
        outputs.scores.insert(outputs.scores.end(), scores.data_ptr<float>(),
                              scores.data_ptr<float>() + scores.numel());
        outputs.maps.insert(outputs.maps.end(), maps.data_ptr<float>(),
                            maps.data_ptr<float>() + maps.numel());
    }
    return outputs;
}

Outputs exportedOutputs(infer::ExportedModel& model, const infer::ModelMetadata& metadata,
                        const std::vector<float>& pixels, int count) {
    Outputs outputs;
    const std::size_t imageFloats =
        static_cast<std::size_t>(metadata.channels) * metadata.height * metadata.width;
    for (int start = 0; start < count; start += kBatch) {
        const int n = std::min(kBatch, count - start);
        const auto parts =
            model.runAll(pixels.data() + static_cast<std::size_t>(start) * imageFloats, n);
        if (parts.size() != 2) {
            throw Error(ErrorKind::InvalidArgument, "The exported model gave " +
                                                        std::to_string(parts.size()) +
                                                        " outputs, not a score and a map.");
        }
        outputs.scores.insert(outputs.scores.end(), parts[0].begin(), parts[0].end());
        outputs.maps.insert(outputs.maps.end(), parts[1].begin(), parts[1].end());
    }
    return outputs;
}

} // namespace

std::vector<ExportedFile> exportAnomalyRun(Project& project, const ExportRequest& request) {
    if (request.formats.empty()) {
        throw Error(ErrorKind::InvalidArgument, "No export format was given.");
    }
    if (request.verifySamples < 1 || !(request.tolerance > 0)) {
        throw Error(ErrorKind::InvalidArgument,
                    "Verification needs at least one image and a tolerance above zero.");
    }
    anomaly::FittedAnomalyRun run = anomaly::loadAnomalyRun(project, request.run);
    store::RunRepository runs(project.database());
    const store::RunRecord record = runs.get(request.run);
    const infer::ModelMetadata metadata = anomalyMetadata(run, record);
    const std::string metadataJson = infer::toJson(metadata);

    std::vector<float> pixels;
    const int count = verificationImages(run, metadata, request.verifySamples, pixels);
    if (count == 0) {
        throw Error(ErrorKind::InvalidArgument,
                    project.folder().string() + " has no readable validation or test images to " +
                        "verify run " + std::to_string(request.run) + "'s export on.");
    }
    const Outputs reference = referenceOutputs(*run.model, metadata, pixels, count);
    const auto& n = run.model->normalisation();
    const auto metrics = runs.latestMetrics(request.run);
    const ModelCardRun cardRun{record,
                               runs.params(request.run),
                               run.classes,
                               run.data.fingerprint,
                               run.data.validationSource,
                               run.data.datasetVersion,
                               toString(TaskKind::Anomaly)};
    std::vector<ExportedFile> exported;
    for (const infer::ModelFormat format : request.formats) {
        ExportedFile result;
        result.format = format;
        result.file =
            exportPath(project, request, metadata.model + "-" + metadata.anomaly->method, format);
        std::filesystem::create_directories(std::filesystem::absolute(result.file).parent_path());
        const std::filesystem::path partial = result.file.string() + ".partial";
        // Held until the file is kept or removed: a start meanwhile must not tidy it away.
        const PathClaim claim = PathClaim::file(partial);
        reportProgress(request,
                       "Writing " + infer::toString(format) + " to " + result.file.string());
        try {
            if (format == infer::ModelFormat::Onnx) {
                writeAnomalyOnnx(*run.model, metadata, partial);
            } else {
                writeAnomalyTorchScript(*run.model, metadata, partial);
            }
            if (request.afterWrite) {
                request.afterWrite(partial);
            }
            auto model = openForVerification(format, partial);
            reportProgress(request, "Verifying on " + std::to_string(count) +
                                        " validation and test images with " + model->runtime());
            const Outputs got = exportedOutputs(*model, metadata, pixels, count);
            result.verification =
                compareAnomalyOutputs(reference.scores, got.scores, reference.maps, got.maps, count,
                                      request.tolerance, request.tolerance * kScoreToleranceFactor,
                                      shareOfThreshold(n.threshold, n.imageMin, n.imageMax),
                                      shareOfThreshold(n.threshold, n.mapMin, n.mapMax));
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
                               return modelCardJson(cardRun, metrics, metadataJson, file, hash);
                           });
        exported.push_back(result);
    }
    return exported;
}

} // namespace kestrel::exporting
