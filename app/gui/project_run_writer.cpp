#include "project_run_writer.h"

#include "store/run_repository.h"
#include "store_writer.h"
#include "training_store_jobs.h"

#include <utility>

namespace kestrel::app {

ProjectRunWriter::ProjectRunWriter(StoreWriter& writer, ProjectRef project)
    : writer_(writer), project_(std::move(project)) {}

ProjectRunWriter::~ProjectRunWriter() {
    writer_.waitUntilDrained();
}

void ProjectRunWriter::post(Task task) {
    // The first failure is kept for flush(), as core's own writer does.
    writer_.submit(std::make_unique<RecordRunEvents>(
        project_, [firstError = firstError_, task = std::move(task)](store::RunRepository& runs) {
            try {
                task(runs);
            } catch (...) {
                std::lock_guard lock(firstError->mutex);
                if (!firstError->error) {
                    firstError->error = std::current_exception();
                }
                throw;
            }
        }));
}

void ProjectRunWriter::flush() {
    writer_.waitUntilDrained();
    std::lock_guard lock(firstError_->mutex);
    if (firstError_->error) {
        std::rethrow_exception(std::exchange(firstError_->error, nullptr));
    }
}

} // namespace kestrel::app
