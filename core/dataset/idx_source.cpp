#include "dataset/idx_source.h"

#include "common/atomic_file.h"
#include "common/error.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <zlib.h>

#include <opencv2/imgcodecs.hpp>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801; // unsigned bytes, 1 dimension

struct GzCloser {
    void operator()(gzFile file) const { gzclose(file); }
};

// The whole file, gunzipped when it is gzip (zlib reads plain files unchanged).
std::string readMaybeGzipped(const fs::path& file) {
    std::unique_ptr<gzFile_s, GzCloser> in(gzopen(file.c_str(), "rb"));
    if (!in) {
        throw Error(ErrorKind::Io, "Cannot read " + file.string() + ".");
    }
    std::string bytes;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(in.get(), buffer, sizeof buffer)) > 0) {
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    if (n < 0) {
        throw Error(ErrorKind::Corrupt,
                    "Cannot read " + file.string() + ": the gzip data is damaged or truncated.");
    }
    return bytes;
}

std::uint32_t bigEndian(const std::string& bytes, std::size_t offset) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
    }
    return value;
}

// Written to a temporary name and renamed, so a killed import never leaves a half-written
// PNG under the final name (which a re-import would then keep). No fsync: 70,000 of them
// would slow an import many times over; after a power cut, run the import again.
void writePngAtomically(const fs::path& file, const cv::Mat& image) {
    std::vector<unsigned char> png;
    cv::imencode(".png", image, png);
    writeFileAtomically(file,
                        std::string_view(reinterpret_cast<const char*>(png.data()), png.size()),
                        Durability::RenameOnly);
}

struct IdxPair {
    fs::path images;
    fs::path labels;
};

// prefix -> files, from names such as train-images-idx3-ubyte.gz
std::map<std::string, IdxPair> findPairs(const fs::path& root) {
    std::map<std::string, IdxPair> pairs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        const std::string name = entry.path().filename().string();
        for (const auto& [marker, isImages] :
             {std::pair<const char*, bool>{"-images-idx3-ubyte", true},
              {"-labels-idx1-ubyte", false}}) {
            const auto at = name.find(marker);
            if (at != std::string::npos) {
                IdxPair& pair = pairs[name.substr(0, at)];
                (isImages ? pair.images : pair.labels) = entry.path();
            }
        }
    }
    return pairs;
}

std::optional<std::string> splitForPrefix(const std::string& prefix) {
    if (prefix == "train") {
        return "train";
    }
    if (prefix == "t10k" || prefix == "test") {
        return "test";
    }
    return std::nullopt;
}

} // namespace

std::vector<ImportItem> extractIdx(const fs::path& root, const IdxOptions& options) {
    const auto pairs = findPairs(root);
    if (pairs.empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot import " + root.string() + ": it holds no *-images-idx3-ubyte files.");
    }
    struct Loaded {
        std::string prefix;
        std::string images;
        std::string labels;
        std::uint32_t count, rows, columns;
    };
    std::vector<Loaded> loaded;
    std::size_t total = 0;
    for (const auto& [prefix, pair] : pairs) {
        if (pair.images.empty() || pair.labels.empty()) {
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot import " + root.string() + ": the " + prefix +
                            " images and labels files must come in pairs.");
        }
        Loaded data{prefix, readMaybeGzipped(pair.images), readMaybeGzipped(pair.labels), 0, 0, 0};
        if (data.images.size() < 16 || bigEndian(data.images, 0) != kImagesMagic) {
            throw Error(ErrorKind::Corrupt, pair.images.string() + " is not an idx3 image file.");
        }
        if (data.labels.size() < 8 || bigEndian(data.labels, 0) != kLabelsMagic) {
            throw Error(ErrorKind::Corrupt, pair.labels.string() + " is not an idx1 label file.");
        }
        data.count = bigEndian(data.images, 4);
        data.rows = bigEndian(data.images, 8);
        data.columns = bigEndian(data.images, 12);
        const std::uint64_t pixels = std::uint64_t(data.count) * data.rows * data.columns;
        if (data.images.size() != 16 + pixels || bigEndian(data.labels, 4) != data.count ||
            data.labels.size() != 8 + std::size_t(data.count)) {
            throw Error(ErrorKind::Corrupt, pair.images.string() + " and " + pair.labels.string() +
                                                " disagree on the number of images or are "
                                                "truncated.");
        }
        total += data.count;
        loaded.push_back(std::move(data));
    }

    std::vector<ImportItem> items;
    items.reserve(total);
    for (const Loaded& data : loaded) {
        const fs::path folder = options.outputFolder / data.prefix;
        fs::create_directories(folder);
        const std::size_t imageBytes = std::size_t(data.rows) * data.columns;
        for (std::uint32_t i = 0; i < data.count; ++i) {
            if (options.cancel && options.cancel->load()) {
                return {};
            }
            const unsigned label = static_cast<unsigned char>(data.labels[8 + i]);
            if (!options.classNames.empty() && label >= options.classNames.size()) {
                throw Error(ErrorKind::InvalidArgument,
                            "Label " + std::to_string(label) + " of image " + std::to_string(i) +
                                " in the " + data.prefix + " set has no name: --classes lists " +
                                std::to_string(options.classNames.size()) + " classes.");
            }
            char name[32];
            std::snprintf(name, sizeof name, "%05u.png", i);
            const fs::path file = folder / name;
            if (!fs::exists(file)) {
                const cv::Mat image(static_cast<int>(data.rows), static_cast<int>(data.columns),
                                    CV_8UC1,
                                    const_cast<char*>(data.images.data() + 16 + i * imageBytes));
                writePngAtomically(file, image);
            }
            ImportItem item;
            item.file = file;
            item.label =
                options.classNames.empty() ? std::to_string(label) : options.classNames[label];
            item.split = splitForPrefix(data.prefix);
            items.push_back(std::move(item));
            if (options.progress && (i % 1000 == 0)) {
                options.progress(items.size(), total);
            }
        }
    }
    return items;
}

} // namespace kestrel::dataset
