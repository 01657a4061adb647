#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::dataset {

struct CsvRow {
    int line = 0; // 1-based line where the record starts, for error messages
    std::vector<std::string> fields;
};

// Reads an RFC 4180 CSV file: quoted fields (with "" for a quote, and line breaks inside
// quotes), UTF-8 with or without a byte-order mark, CRLF or LF line ends. Blank lines are
// skipped. Throws kestrel::Error naming the file and line of an unterminated quote.
std::vector<CsvRow> readCsv(const std::filesystem::path& file);

} // namespace kestrel::dataset
