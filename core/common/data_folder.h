#pragma once

#include <filesystem>
#include <string>

namespace kestrel {

// A folder of Kestrel's in the user's data folder, shared by every project: `$<variable>`
// when set, else $XDG_DATA_HOME/kestrel/<name>, else ~/.local/share/kestrel/<name>
// (the weights store: KESTREL_WEIGHTS_DIR, "weights"; the log: KESTREL_LOG_DIR, "logs").
std::filesystem::path userDataFolder(const char* variable, const std::string& name);

} // namespace kestrel
