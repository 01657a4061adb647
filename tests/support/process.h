#pragma once

#include "files.h"
#include "temp_dir.h"

#include <string>
#include <sys/wait.h>
#include <vector>

namespace kestrel::testing {

struct ProcessResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

inline std::string shellQuote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) {
        quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Runs a program with arguments, no shell interpretation of them, and captures its exit
// code, stdout and stderr.
inline ProcessResult runProgram(const std::string& program, const std::vector<std::string>& args) {
    TempDir capture;
    std::string command = shellQuote(program);
    for (const std::string& arg : args) {
        command += " " + shellQuote(arg);
    }
    command += " >" + shellQuote((capture / "out").string()) + " 2>" +
               shellQuote((capture / "err").string()) + " </dev/null";
    const int status = std::system(command.c_str());
    ProcessResult result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readBytes(capture / "out");
    result.err = readBytes(capture / "err");
    return result;
}

} // namespace kestrel::testing
