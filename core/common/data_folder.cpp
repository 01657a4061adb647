#include "common/data_folder.h"

#include <cstdlib>

namespace kestrel {

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

} // namespace

std::filesystem::path userDataFolder(const char* variable, const std::string& name) {
    if (const std::string own = environment(variable); !own.empty()) {
        return own;
    }
    if (const std::string data = environment("XDG_DATA_HOME"); !data.empty()) {
        return std::filesystem::path(data) / "kestrel" / name;
    }
    return std::filesystem::path(environment("HOME")) / ".local" / "share" / "kestrel" / name;
}

} // namespace kestrel
