// Hand-written rather than a library: Debian's libcsv does not report line numbers, and
// every error here must name the line at fault.
#include "dataset/csv_table.h"

#include "common/error.h"

#include <fstream>
#include <iterator>

namespace kestrel::dataset {

namespace {

bool isBlank(const CsvRow& row) {
    return row.fields.size() == 1 && row.fields[0].empty();
}

} // namespace

std::vector<CsvRow> readCsv(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::NotFound, "Cannot read " + file.string() + ".");
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

    std::vector<CsvRow> rows;
    std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    int line = 1;
    CsvRow row{line, {std::string()}};
    bool quoted = false;
    int quoteLine = 0;
    const auto endRow = [&] {
        if (!isBlank(row)) {
            rows.push_back(std::move(row));
        }
        row = CsvRow{line, {std::string()}};
    };
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                row.fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                line += (c == '\n');
                row.fields.back() += c;
            }
        } else if (c == '"' && row.fields.back().empty()) {
            quoted = true;
            quoteLine = line;
        } else if (c == ',') {
            row.fields.emplace_back();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            ++line;
            endRow();
        } else {
            row.fields.back() += c;
        }
    }
    if (quoted) {
        throw Error(ErrorKind::InvalidArgument, file.string() + ", line " +
                                                    std::to_string(quoteLine) +
                                                    ": a quoted field is never closed.");
    }
    endRow();
    return rows;
}

} // namespace kestrel::dataset
