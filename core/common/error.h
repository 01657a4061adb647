#pragma once

#include <stdexcept>
#include <string>

namespace kestrel {

// What went wrong, for callers that react differently (the CLI maps all of them to exit
// code 1; tests and the GUI tell them apart).
enum class ErrorKind {
    NotFound,        // a file or folder that should exist does not
    AlreadyExists,   // creating something that is already there
    NotAProject,     // a folder or file that is not a Kestrel project
    SchemaTooNew,    // written by a newer Kestrel; left untouched
    Corrupt,         // the project file is damaged or not a database
    Io,              // the operating system refused a read or write
    Database,        // any other SQLite failure
    InvalidArgument, // a value given by the user is out of range or malformed
};

// Every user-facing failure in core is one of these. what() is one plain sentence that
// names the file or value at fault, ready to show to a person as it is.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace kestrel
