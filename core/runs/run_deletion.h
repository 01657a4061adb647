#pragma once

#include <cstdint>

namespace kestrel {
class Project;
}

namespace kestrel::runs {

// Deletes run `runId` from `project`: its rows first (one statement, so the store never
// points at half-deleted files), then its folder under runs/ and every file it exported,
// with their model cards. Throws kestrel::Error (NotFound) for an unknown run and
// (InvalidArgument) for a run a process is training; files that cannot be removed are
// left behind and named in an Error (Io) after the rows are gone.
void deleteRun(Project& project, std::int64_t runId);

} // namespace kestrel::runs
