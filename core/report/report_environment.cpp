#include "report/report_environment.h"

#include "common/build_info.h"
#include "common/text.h"

#include <fstream>
#include <sys/utsname.h>

namespace kestrel::report {

namespace {

std::string operatingSystem() {
    utsname names{};
    if (uname(&names) != 0) {
        return {};
    }
    return std::string(names.sysname) + " " + names.release + " (" + names.machine + ")";
}

// "model name" on x86; other architectures name it differently or not at all.
std::string cpuModel() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        const auto colon = line.find(':');
        if (colon != std::string::npos && trimmed(line.substr(0, colon)) == "model name") {
            return trimmed(line.substr(colon + 1));
        }
    }
    return {};
}

} // namespace

std::vector<std::pair<std::string, std::string>> machineEnvironment() {
    std::vector<std::pair<std::string, std::string>> facts;
    if (const std::string os = operatingSystem(); !os.empty()) {
        facts.emplace_back("Operating system", os);
    }
    if (const std::string cpu = cpuModel(); !cpu.empty()) {
        facts.emplace_back("CPU", cpu);
    }
    for (const auto& [library, version] : libraryVersions()) {
        facts.emplace_back(library, version);
    }
    return facts;
}

} // namespace kestrel::report
