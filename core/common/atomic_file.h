#pragma once

#include <filesystem>
#include <string_view>

namespace kestrel {

// Writes `bytes` to `file` so that `file` always holds either its old content or all of the
// new: the bytes go to `file`.partial, are fsynced, and the partial file is renamed over
// `file` (then the folder is fsynced so the rename itself survives a power cut). A killed
// process leaves at most a stale .partial file beside an intact `file`.
// Throws kestrel::Error (Io) naming the file.
//
// Durability::RenameOnly skips the fsyncs: still never a torn file under the final name after
// a killed process, but a power cut may lose the write. For bulk writes of rebuildable files.
enum class Durability { Fsync, RenameOnly };
void writeFileAtomically(const std::filesystem::path& file, std::string_view bytes,
                         Durability durability = Durability::Fsync);

} // namespace kestrel
