#include "store_job.h"

#include "open_projects.h"

namespace kestrel::app {

void StoreJob::execute(OpenProjects& projects) {
    perform(projects.resolve(project_));
}

} // namespace kestrel::app
