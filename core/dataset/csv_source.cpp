#include "common/error.h"
#include "common/text.h"
#include "dataset/csv_table.h"
#include "dataset/import_source.h"

#include <algorithm>
#include <map>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

struct Columns {
    std::size_t path = 0;
    std::size_t label = 0;
    std::optional<std::size_t> split;
};

Columns findColumns(const fs::path& file, const CsvRow& header) {
    std::optional<std::size_t> path;
    std::optional<std::size_t> label;
    Columns columns;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = lowerCase(trimmed(header.fields[i]));
        if (name == "path") {
            path = i;
        } else if (name == "label") {
            label = i;
        } else if (name == "split") {
            columns.split = i;
        }
    }
    if (!path || !label) {
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + ", line " + std::to_string(header.line) +
                        ": the header must name the columns path and label (and optionally "
                        "split).");
    }
    columns.path = *path;
    columns.label = *label;
    return columns;
}

} // namespace

std::vector<ImportItem> scanCsv(const fs::path& csvFile) {
    const std::vector<CsvRow> rows = readCsv(csvFile);
    if (rows.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    csvFile.string() + " is empty; it needs a header of path,label[,split].");
    }
    const Columns columns = findColumns(csvFile, rows.front());
    const fs::path base = fs::absolute(csvFile).parent_path();

    std::vector<ImportItem> items;
    std::map<std::string, int> lineOfFile;
    for (auto row = rows.begin() + 1; row != rows.end(); ++row) {
        const auto fail = [&](const std::string& what) {
            throw Error(ErrorKind::InvalidArgument,
                        csvFile.string() + ", line " + std::to_string(row->line) + ": " + what);
        };
        const std::size_t needed =
            std::max({columns.path, columns.label, columns.split.value_or(0)});
        if (row->fields.size() <= needed) {
            fail("expected " + std::to_string(rows.front().fields.size()) + " fields but found " +
                 std::to_string(row->fields.size()) + ".");
        }
        const std::string path = trimmed(row->fields[columns.path]);
        const std::string label = trimmed(row->fields[columns.label]);
        if (path.empty()) {
            fail("the path is empty.");
        }
        ImportItem item;
        item.file = fs::path(path).is_absolute() ? fs::path(path) : base / path;
        std::error_code ec;
        if (!fs::is_regular_file(item.file, ec)) {
            fail("the file " + item.file.string() + " does not exist.");
        }
        const auto [earlier, isNew] =
            lineOfFile.emplace(item.file.lexically_normal().string(), row->line);
        if (!isNew) {
            fail(path + " is already listed on line " + std::to_string(earlier->second) + ".");
        }
        if (!label.empty()) {
            item.label = label;
        }
        if (columns.split) {
            const std::string split = trimmed(row->fields[*columns.split]);
            if (!split.empty()) {
                item.split = splitForFolderName(split);
                if (!item.split) {
                    fail("the split \"" + split + "\" is not train, val or test.");
                }
            }
        }
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace kestrel::dataset
