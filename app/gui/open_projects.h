#pragma once

#include "project_ref.h"

#include <map>
#include <memory>
#include <string>

namespace kestrel {
class Project;
}

namespace kestrel::app {

// The writer thread's connections: the project open in the window, and any other project a
// job still has to write (an audit that ends after another project was opened, a run's last
// records). Touched only on the writer thread.
class OpenProjects {
public:
    OpenProjects();
    ~OpenProjects();

    // The job's project: the open one when it is that folder, else that folder opened here
    // until the queue drains. Throws kestrel::Error when `project` names none (no project was
    // open when the job was made) or its folder cannot be opened.
    Project& resolve(const ProjectRef& project);

    // The window's project from now on; the previous one closes unless a job holds it.
    void replaceOpen(std::unique_ptr<Project> project, const ProjectRef& ref);
    const ProjectRef& openRef() const { return openRef_; }

    // Closes the other projects: called when the queue is empty.
    void releaseOthers();

private:
    std::unique_ptr<Project> open_;
    ProjectRef openRef_;
    std::map<std::string, std::unique_ptr<Project>> others_; // by normalised folder
};

} // namespace kestrel::app
