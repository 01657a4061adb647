#include "review_store_jobs.h"

#include "review_loader.h"

namespace kestrel::app {

void LoadReview::perform(Project& project) {
    result_ = loadSampleReview(project);
}

void RecordLabelAudit::perform(Project& project) {
    *auditId_ = review::recordLabelAudit(project, *plan_, *outcome_);
}

} // namespace kestrel::app
