#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kestrel::report {

// The machine making the report, as (name, value) pairs: the operating system (uname), the
// CPU model (/proc/cpuinfo) and the versions of Kestrel and its libraries. A fact that cannot
// be read is left out.
std::vector<std::pair<std::string, std::string>> machineEnvironment();

} // namespace kestrel::report
