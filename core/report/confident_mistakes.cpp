#include "report/confident_mistakes.h"

#include "imaging/preview.h"
#include "project/project.h"
#include "report/report_format.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::report {

namespace {

// Thumbnails smaller than this are enlarged by a whole factor (nearest neighbour, so pixels
// stay sharp): a 16 px or 28 px sample is unreadable on paper otherwise.
constexpr int kSmallestShownSide = 96;

struct Candidate {
    std::int64_t sampleId = 0;
    std::string split;
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    double confidence = 0;
};

std::string className(const std::vector<std::string>& classes, std::int64_t index) {
    if (index >= 0 && static_cast<std::size_t>(index) < classes.size()) {
        return classes[static_cast<std::size_t>(index)];
    }
    return "class " + std::to_string(index);
}

std::optional<ReportImage> thumbnail(Project& project, const std::string& storedPath,
                                     const std::string& contentHash, int side,
                                     const std::string& name) {
    const std::filesystem::path file = project.absolutePath(storedPath);
    imaging::PreviewImage preview;
    try {
        preview = imaging::loadThumbnail(file, contentHash, project.cacheFolder(), side);
    } catch (const std::exception&) {
        return std::nullopt; // a missing or damaged image is shown without a picture
    }
    if (preview.width <= 0 || preview.height <= 0) {
        return std::nullopt;
    }
    const cv::Mat wrapped(preview.height, preview.width, preview.channels == 1 ? CV_8UC1 : CV_8UC3,
                          preview.pixels.data());
    cv::Mat image;
    if (preview.channels == 3) {
        cv::cvtColor(wrapped, image, cv::COLOR_RGB2BGR);
    } else {
        image = wrapped.clone();
    }
    const int longest = std::max(image.cols, image.rows);
    if (longest < kSmallestShownSide) {
        const int factor = (kSmallestShownSide + longest - 1) / longest;
        cv::resize(image, image, {}, factor, factor, cv::INTER_NEAREST);
    }
    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(".png", image, bytes)) {
        return std::nullopt;
    }
    return ReportImage{name, std::string(bytes.begin(), bytes.end()), image.cols, image.rows};
}

} // namespace

MistakeSelection confidentMistakes(Project& project, std::int64_t run,
                                   const std::vector<std::string>& classes, bool anomalyScores,
                                   const ReportOptions& options) {
    MistakeSelection selection;
    std::vector<Candidate> wrong;
    std::size_t judged = 0;
    const auto reviewed = store::ReviewRepository(project.database()).samplePredictions(run);
    if (!reviewed.empty()) {
        judged = reviewed.size();
        for (const auto& prediction : reviewed) {
            if (prediction.predicted != prediction.truth) {
                wrong.push_back({prediction.sampleId, prediction.split, prediction.truth,
                                 prediction.predicted, prediction.confidence});
            }
        }
        selection.source = anomalyScores
                               ? "the fitted model's scores of the validation and test images"
                               : "the best checkpoint's predictions for every sample";
    } else {
        const auto validation = store::RunRepository(project.database()).predictions(run, "val");
        judged = validation.size();
        for (const auto& prediction : validation) {
            if (prediction.predicted != prediction.truth) {
                wrong.push_back({prediction.sampleId, "val", prediction.truth, prediction.predicted,
                                 prediction.confidence});
            }
        }
        selection.source = validation.empty() ? "no stored predictions"
                                              : "the validation predictions of epoch " +
                                                    std::to_string(validation.front().epoch + 1);
    }
    if (judged > 0) {
        selection.source += " (" + formatCount(static_cast<std::int64_t>(wrong.size())) +
                            " wrong of " + formatCount(static_cast<std::int64_t>(judged)) + ")";
    }
    // How sure a wrong call was: its probability, or an anomaly score's distance from 0.5.
    const auto sureness = [anomalyScores](const Candidate& candidate) {
        return anomalyScores ? std::abs(candidate.confidence - 0.5) : candidate.confidence;
    };
    // Held-out samples first: a confident mistake there says more than one on train.
    std::sort(wrong.begin(), wrong.end(), [&sureness](const Candidate& a, const Candidate& b) {
        const bool aHeldOut = a.split != "train", bHeldOut = b.split != "train";
        if (aHeldOut != bHeldOut) {
            return aHeldOut;
        }
        if (sureness(a) != sureness(b)) {
            return sureness(a) > sureness(b);
        }
        return a.sampleId < b.sampleId;
    });
    wrong.resize(std::min(wrong.size(), options.mistakes));

    store::SampleRepository samples(project.database());
    for (const Candidate& candidate : wrong) {
        ConfidentMistake mistake;
        mistake.sampleId = candidate.sampleId;
        mistake.split = candidate.split;
        mistake.truth = className(classes, candidate.truth);
        mistake.predicted = className(classes, candidate.predicted);
        mistake.confidence = candidate.confidence;
        if (const auto file = samples.sampleFile(candidate.sampleId)) {
            mistake.path = file->path;
            mistake.thumbnail =
                thumbnail(project, mistake.path, file->contentHash, options.thumbnailSide,
                          "mistake-" + std::to_string(selection.mistakes.size() + 1) + ".png");
        } else {
            mistake.path =
                "sample " + std::to_string(candidate.sampleId) + " (no longer in the project)";
        }
        selection.mistakes.push_back(std::move(mistake));
    }
    return selection;
}

} // namespace kestrel::report
