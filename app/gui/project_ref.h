#pragma once

#include <cstdint>
#include <filesystem>

namespace kestrel::app {

// Which project a store job or a task belongs to, captured when it is made: the folder (what
// the writer opens it by) and the serial of that opening (what the window compares against the
// project it shows). A plain value, so the GUI thread can hold one without owning a connection.
struct ProjectRef {
    std::filesystem::path folder; // empty: no project was open
    std::uint64_t serial = 0;     // 1 for the first project opened in this process, and so on

    bool isOpen() const { return !folder.empty(); }
    // The same folder, whichever opening of it.
    bool sameFolder(const ProjectRef& other) const {
        return folder.lexically_normal() == other.folder.lexically_normal();
    }
    friend bool operator==(const ProjectRef& a, const ProjectRef& b) {
        return a.serial == b.serial && a.sameFolder(b);
    }
    friend bool operator!=(const ProjectRef& a, const ProjectRef& b) { return !(a == b); }
};

} // namespace kestrel::app
