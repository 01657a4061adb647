#pragma once

// The review controller's store jobs: what the browser reviews, and an audit's result.
#include "review/label_audit.h"
#include "sample_review.h"
#include "store_job.h"

#include <cstdint>
#include <memory>
#include <utility>

namespace kestrel::app {

// The newest run's predictions and the newest audit's suggestions (loadSampleReview()).
class LoadReview final : public StoreQuery<std::shared_ptr<const widgets::SampleReview>> {
public:
    using StoreQuery::StoreQuery;
    const char* name() const override { return "loading the review"; }

protected:
    void perform(Project& project) override;
};

// A label audit's outcome, written in one transaction into the project the audit was planned
// on (its ProjectRef), whichever project the window shows by then. `auditId` is set when done.
class RecordLabelAudit final : public StoreJob {
public:
    RecordLabelAudit(ProjectRef project, std::shared_ptr<const review::LabelAuditPlan> plan,
                     std::shared_ptr<const review::LabelAuditOutcome> outcome,
                     std::shared_ptr<std::int64_t> auditId)
        : StoreJob(std::move(project)), plan_(std::move(plan)), outcome_(std::move(outcome)),
          auditId_(std::move(auditId)) {}
    const char* name() const override { return "recording a label audit"; }

protected:
    void perform(Project& project) override;

private:
    std::shared_ptr<const review::LabelAuditPlan> plan_;
    std::shared_ptr<const review::LabelAuditOutcome> outcome_;
    std::shared_ptr<std::int64_t> auditId_;
};

} // namespace kestrel::app
