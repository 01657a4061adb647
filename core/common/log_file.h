#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

namespace kestrel::logging {

// Where the log lives: $KESTREL_LOG_DIR, else $XDG_DATA_HOME/kestrel/logs, else
// ~/.local/share/kestrel/logs (beside the weights store).
std::filesystem::path defaultLogFolder();

// Opens this process's log, <folder>/kestrel.log, shared by every Kestrel process of the user
// (the window and the CLI append to it; each line names its program and process). Past
// `rotateBytes` the file becomes kestrel.log.1 (the older ones .2 and .3; the oldest goes).
// Never throws: a log that cannot be written is skipped, and nothing else fails for it.
void openLog(const std::string& program, const std::filesystem::path& folder = defaultLogFolder(),
             std::int64_t rotateBytes = 1 << 20);
// The open log file; empty when none is open.
std::filesystem::path logFile();
// Also writes every line to `echo` (kestrel-cli --verbose: stderr); nullptr stops.
void setEcho(std::ostream* echo);

// One line: "2026-12-05T09:44:19Z kestrel-cli[1234] <message>". Thread-safe; one write per
// line, so the lines of several processes never interleave.
void write(std::string_view message);

} // namespace kestrel::logging
