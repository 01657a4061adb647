#include "project/project.h"

#include "common/error.h"
#include "common/version.h"
#include "project/leftovers.h"
#include "store/project_database.h"
#include "store/project_repository.h"

#include <mutex>
#include <set>
#include <system_error>
#include <utility>

namespace kestrel {

namespace fs = std::filesystem;

namespace {

// Leftovers are tidied at a program's start, not at every open: the window's task threads
// open the project again for each job, and need not walk exports/ each time.
void removeLeftoversOncePerProcess(const Project& project) {
    static std::mutex mutex;
    static std::set<fs::path> tidied;
    {
        const std::lock_guard lock(mutex);
        if (!tidied.insert(project.folder()).second) {
            return;
        }
    }
    removeLeftovers(project.exportsFolder(), project.cacheFolder());
}

// An absolute path without "." / ".." parts or a trailing slash, for messages and names.
fs::path normalised(const fs::path& path) {
    std::error_code ec;
    fs::path result = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) {
        result = fs::absolute(path).lexically_normal();
    }
    if (result.filename().empty() && result.has_parent_path()) {
        result = result.parent_path();
    }
    return result;
}

void createFolder(const fs::path& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        throw Error(ErrorKind::Io,
                    "Cannot create the folder " + folder.string() + ": " + ec.message() + ".");
    }
}

} // namespace

Project::Project(fs::path folder, store::Database database)
    : folder_(std::move(folder)), database_(std::move(database)) {}

void Project::ensureLayout() const {
    for (const fs::path& sub : {runsFolder(), exportsFolder(), cacheFolder()}) {
        createFolder(sub);
    }
}

std::string Project::storedPath(const fs::path& file) const {
    const fs::path normal = fs::absolute(file).lexically_normal();
    const fs::path relative = normal.lexically_relative(folder_);
    if (!relative.empty() && *relative.begin() != "..") {
        return relative.generic_string();
    }
    return normal.generic_string();
}

fs::path Project::absolutePath(const std::string& stored) const {
    const fs::path path(stored);
    return path.is_absolute() ? path : (folder_ / path).lexically_normal();
}

Project Project::create(const fs::path& folder, const std::string& name) {
    const fs::path root = normalised(folder);
    std::error_code ec;
    if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
        throw Error(ErrorKind::AlreadyExists, "Cannot create a project at " + root.string() +
                                                  ": it is a file, not a folder.");
    }
    if (fs::exists(root / kDatabaseFileName, ec)) {
        throw Error(ErrorKind::AlreadyExists,
                    root.string() + " already holds a Kestrel project; open it instead.");
    }
    createFolder(root);
    Project project(
        root, store::openProjectDatabase(root / kDatabaseFileName, store::OpenIntent::CreateNew));
    store::ProjectRepository(project.database_)
        .ensureRow(name.empty() ? root.filename().string() : name, kestrelVersion());
    project.ensureLayout();
    return project;
}

Project Project::open(const fs::path& folder) {
    fs::path root = normalised(folder);
    std::error_code ec;
    if (root.filename() == kDatabaseFileName && fs::is_regular_file(root, ec)) {
        root = root.parent_path();
    }
    if (!fs::exists(root, ec)) {
        throw Error(ErrorKind::NotFound,
                    "Cannot open " + root.string() + ": the folder does not exist.");
    }
    if (!fs::is_directory(root, ec)) {
        throw Error(ErrorKind::NotAProject,
                    "Cannot open " + root.string() + ": it is a file, not a project folder.");
    }
    if (!fs::exists(root / kDatabaseFileName, ec)) {
        throw Error(ErrorKind::NotAProject, root.string() +
                                                " is not a Kestrel project: it has no " +
                                                kDatabaseFileName + " file.");
    }
    Project project(root, store::openProjectDatabase(root / kDatabaseFileName,
                                                     store::OpenIntent::OpenExisting));
    // A create that was killed after the schema but before the project row self-heals here.
    store::ProjectRepository(project.database_)
        .ensureRow(root.filename().string(), kestrelVersion());
    project.ensureLayout();
    removeLeftoversOncePerProcess(project);
    return project;
}

} // namespace kestrel
