#pragma once

#include "project_ref.h"
#include "runs/run_store_writer.h"

#include <exception>
#include <memory>
#include <mutex>

namespace kestrel::app {

class StoreWriter;

// A training run's records sent to the window's StoreWriter as RecordRunEvents jobs for the
// run's own project, so labelling during a run and the run's metrics never contend for the
// database, and a run's last records land in its project even when the window has opened
// another. Used from the run's task thread only (flush() blocks it, never the GUI's).
class ProjectRunWriter : public runs::RunStoreWriter {
public:
    ProjectRunWriter(StoreWriter& writer, ProjectRef project);
    ~ProjectRunWriter() override; // waits for the records posted so far
    ProjectRunWriter(const ProjectRunWriter&) = delete;
    ProjectRunWriter& operator=(const ProjectRunWriter&) = delete;

    void post(Task task) override;
    void flush() override;

private:
    struct FirstError {
        std::mutex mutex;
        std::exception_ptr error;
    };

    StoreWriter& writer_;
    ProjectRef project_;
    std::shared_ptr<FirstError> firstError_ = std::make_shared<FirstError>();
};

} // namespace kestrel::app
