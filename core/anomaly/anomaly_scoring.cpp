#include "anomaly/anomaly_scoring.h"

#include "common/error.h"
#include "inspection/anomaly_metrics.h"
#include "inspection/operating_point.h"
#include "models/model_input.h"
#include "project/project.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <cmath>
#include <future>

#include <c10/core/GradMode.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::anomaly {

loader::LoaderOptions loaderOptions(const AnomalyOptions& options) {
    loader::LoaderOptions loader;
    loader.spec = {options.imageSize, options.imageSize, options.channels,
                   imaging::ImageSpec::Resize::Stretch};
    loader.batchSize = options.batchSize;
    loader.workers = options.workers;
    loader.shuffle = false;
    loader.augment = false;
    loader.seed = options.seed;
    return loader;
}

std::map<std::int64_t, cv::Mat>
loadMasks(Project& project, const std::vector<loader::LoaderSample>& samples, int size) {
    std::map<std::int64_t, std::vector<std::string>> files;
    for (const auto& [sample, path] : store::SampleRepository(project.database()).maskFiles()) {
        files[sample].push_back(path);
    }
    std::map<std::int64_t, cv::Mat> masks;
    for (const auto& sample : samples) {
        const auto found = files.find(sample.sampleId);
        if (found == files.end()) {
            continue;
        }
        cv::Mat combined = cv::Mat::zeros(size, size, CV_8U);
        for (const auto& stored : found->second) {
            const auto file = project.absolutePath(stored);
            const cv::Mat mask = cv::imread(file.string(), cv::IMREAD_GRAYSCALE);
            if (mask.empty()) {
                throw Error(ErrorKind::Io, "The mask " + file.string() + " cannot be read.");
            }
            cv::Mat resized;
            cv::resize(mask, resized, {size, size}, 0, 0, cv::INTER_NEAREST);
            combined |= (resized > 0);
        }
        masks[sample.sampleId] = combined;
    }
    return masks;
}

Scored scoreSamples(AnomalyModel& model, const std::vector<loader::LoaderSample>& samples,
                    std::size_t goodClass, const std::atomic<bool>* stop,
                    const FitProgressCallback& progress, const char* stage) {
    Scored scored;
    if (samples.empty()) {
        return scored;
    }
    const auto& options = model.options();
    loader::BatchLoader loader(samples, loaderOptions(options));
    const models::ModelInput input(options.mean, options.std, model.device(), false);
    c10::NoGradGuard noGrad;
    loader.startEpoch(0);
    std::int64_t done = 0;
    const auto total = static_cast<std::int64_t>(loader.batchesPerEpoch());
    while (auto batch = loader.next()) {
        if (stop != nullptr && stop->load()) {
            throw FitCancelled{};
        }
        const AnomalyScores raw = model.score(input(batch->images));
        const auto image = raw.image.cpu().contiguous();
        const auto maps = raw.maps.cpu().contiguous();
        for (std::size_t row = 0; row < batch->indices.size(); ++row) {
            const auto& sample = samples[batch->indices[row]];
            scored.scores.push_back(image[static_cast<std::int64_t>(row)].item<float>());
            scored.defect.push_back(static_cast<std::size_t>(sample.label) != goodClass);
            scored.sampleIds.push_back(sample.sampleId);
            const auto map = maps[static_cast<std::int64_t>(row)];
            scored.maps.push_back(cv::Mat(static_cast<int>(map.size(0)),
                                          static_cast<int>(map.size(1)), CV_32F, map.data_ptr())
                                      .clone());
        }
        if (progress) {
            progress({stage, ++done, total});
        }
    }
    if (loader.failureCount() > 0) {
        throw Error(ErrorKind::Io, loader.failures().front().reason);
    }
    return scored;
}

// The split's figures at `threshold` (raw), named "<split>_...".
std::map<std::string, double> splitMetrics(const Scored& scored,
                                           const std::map<std::int64_t, cv::Mat>& masks,
                                           double threshold, const std::string& split) {
    std::map<std::string, double> metrics;
    if (scored.scores.empty()) {
        return metrics;
    }
    const bool both = std::count(scored.defect.begin(), scored.defect.end(), 1) > 0 &&
                      std::count(scored.defect.begin(), scored.defect.end(), 0) > 0;
    if (both) {
        metrics[split + "_image_auroc"] = inspection::areaUnderRoc(scored.scores, scored.defect);
    }
    const auto counts = inspection::countsAt(scored.scores, scored.defect, threshold);
    metrics[split + "_f1"] = counts.f1();
    metrics[split + "_escape_rate"] = counts.escapeRate();
    metrics[split + "_false_reject_rate"] = counts.falseRejectRate();
    metrics[split + "_accuracy"] =
        static_cast<double>(counts.truePositives + counts.trueNegatives) /
        static_cast<double>(scored.scores.size());
    // Pixel figures over the images whose truth is known pixel by pixel: defects with masks,
    // and good parts (all background).
    std::vector<cv::Mat> maps;
    std::vector<cv::Mat> truths;
    bool anyMask = false;
    for (std::size_t i = 0; i < scored.scores.size(); ++i) {
        const auto mask = masks.find(scored.sampleIds[i]);
        if (mask != masks.end()) {
            truths.push_back(mask->second);
            anyMask = true;
        } else if (scored.defect[i] == 0) {
            truths.push_back(cv::Mat::zeros(scored.maps[i].size(), CV_8U));
        } else {
            continue;
        }
        maps.push_back(scored.maps[i]);
    }
    if (anyMask) {
        std::vector<float> pixels;
        std::vector<std::uint8_t> truth;
        for (std::size_t i = 0; i < maps.size(); ++i) {
            pixels.insert(pixels.end(), maps[i].begin<float>(), maps[i].end<float>());
            for (auto it = truths[i].begin<std::uint8_t>(); it != truths[i].end<std::uint8_t>();
                 ++it) {
                truth.push_back(*it != 0);
            }
        }
        // Each sorts millions of pixel scores: side by side on two threads.
        auto pro = std::async(std::launch::async, [&maps, &truths] {
            return inspection::perRegionOverlap(maps, truths);
        });
        metrics[split + "_pixel_auroc"] = inspection::areaUnderRoc(pixels, truth);
        metrics[split + "_pro"] = pro.get();
    }
    return metrics;
}

double chooseThreshold(const Scored& validation, double targetDefectRecall) {
    double threshold = inspection::bestF1Threshold(validation.scores, validation.defect);
    if (targetDefectRecall > 0) {
        std::vector<inspection::InspectionScore> scores;
        for (std::size_t i = 0; i < validation.scores.size(); ++i) {
            scores.push_back({validation.scores[i], validation.defect[i] != 0});
        }
        if (const auto point = inspection::chooseOperatingPoint(scores, targetDefectRecall)) {
            threshold = point->threshold;
        }
    }
    return threshold;
}

ScoreNormalisation normalisationFor(const Scored& validation, double threshold) {
    ScoreNormalisation normalisation{threshold, 0, 1, 0, 1};
    if (!validation.scores.empty()) {
        const auto [low, high] =
            std::minmax_element(validation.scores.begin(), validation.scores.end());
        normalisation.imageMin = *low;
        normalisation.imageMax = *high;
        double mapLow = INFINITY;
        double mapHigh = -INFINITY;
        for (const auto& map : validation.maps) {
            double lo = 0;
            double hi = 0;
            cv::minMaxLoc(map, &lo, &hi);
            mapLow = std::min(mapLow, lo);
            mapHigh = std::max(mapHigh, hi);
        }
        normalisation.mapMin = mapLow;
        normalisation.mapMax = mapHigh;
        // anomalib's range, widened to at least twice the threshold's height above the
        // lowest score: without defects in validation the range is the good parts' alone,
        // and every score a little past it would saturate at 0 or 1.
        normalisation.imageMax =
            std::max(normalisation.imageMax, 2 * threshold - normalisation.imageMin);
        normalisation.mapMax = std::max(normalisation.mapMax, 2 * threshold - normalisation.mapMin);
    }
    return normalisation;
}

} // namespace kestrel::anomaly
