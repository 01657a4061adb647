#include "review_loader.h"

#include "common/task_kind.h"
#include "common/text.h"
#include "inspection/operating_point.h"
#include "project/project.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"

#include <QObject>

namespace kestrel::app {

namespace {

QString nameOf(const std::vector<std::string>& classes, std::int64_t index) {
    return index >= 0 && index < static_cast<std::int64_t>(classes.size())
               ? QString::fromStdString(classes[static_cast<std::size_t>(index)])
               : QString::number(index);
}

} // namespace

std::shared_ptr<widgets::SampleReview> loadSampleReview(Project& project,
                                                        std::optional<std::int64_t> runId) {
    store::ReviewRepository reviews(project.database());
    auto review = std::make_shared<widgets::SampleReview>();
    if (!runId) {
        runId = reviews.latestReviewedRun();
    }
    if (runId) {
        store::RunRepository runs(project.database());
        auto params = runs.params(*runId);
        auto classes = splitLines(params["classes"]);
        review->runId = *runId;
        review->runTitle = QObject::tr("run #%1").arg(*runId);
        if (runs.get(*runId).task == toString(TaskKind::Anomaly)) {
            // Its predictions are verdicts on the good class, not the project's classes.
            review->anomaly = true;
            review->goodClass = QString::fromStdString(params["good_class"]);
            classes = {"good", "defect"};
        } else if (const std::string task = runs.get(*runId).task;
                   task == toString(TaskKind::Segmentation) ||
                   task == toString(TaskKind::Detection)) {
            // Its predictions are the parts' verdicts, 0 OK and 1 NG (by the defects' area, or
            // by a box scoring the line's score); the good class is the one its data left
            // out (runs/segmentation_data.h, runs/detection_data.h).
            review->segmentation = task == toString(TaskKind::Segmentation);
            review->detection = !review->segmentation;
            std::vector<std::string> names;
            for (const auto& row : store::SampleRepository(project.database()).classes()) {
                names.push_back(row.name);
            }
            if (const auto good = inspection::findGoodClass(names)) {
                review->goodClass = QString::fromStdString(names[*good]);
            }
            classes = {"OK", "NG"};
        }
        for (const auto& record : reviews.samplePredictions(*runId)) {
            widgets::ReviewedSample& sample = review->samples[record.sampleId];
            sample.predicted = nameOf(classes, record.predicted);
            sample.confidence = static_cast<float>(record.confidence);
            sample.loss = static_cast<float>(record.loss);
            sample.margin = static_cast<float>(record.margin);
            if (review->judgesVerdicts()) {
                sample.truthVerdict = nameOf(classes, record.truth);
            }
        }
    }
    if (const auto audit = reviews.latestCompletedAudit()) {
        review->auditTitle = QObject::tr("label audit #%1").arg(audit->id);
        int rank = 0;
        for (const auto& audited : reviews.auditedSamples(audit->id)) { // highest score first
            if (!audited.flagged) {
                continue;
            }
            widgets::ReviewedSample& sample = review->samples[audited.sampleId];
            sample.suggested = nameOf(audit->classes, audited.suggested);
            sample.suggestedProbability = static_cast<float>(audited.suggestedProbability);
            sample.auditRank = ++rank;
        }
    }
    if (review->runTitle.isEmpty() && review->auditTitle.isEmpty()) {
        return nullptr;
    }
    return review;
}

} // namespace kestrel::app
