#include "common/error.h"
#include "common/text.h"
#include "dataset/annotation_sources.h"
#include "dataset/image_probe.h"
#include "dataset/import_source.h"
#include "dataset/source_files.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace kestrel::dataset {

namespace fs = std::filesystem;

namespace {

void requireFolder(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        throw Error(ErrorKind::NotFound,
                    "Cannot import " + root.string() + ": " +
                        (fs::exists(root, ec) ? "it is not a folder." : "it does not exist."));
    }
}

// Image files below `folder` (recursively), skipping hidden entries, sorted.
std::vector<fs::path> imagesBelow(const fs::path& folder) {
    return filesBelow(folder, [](const fs::path& file) { return hasImageExtension(file); });
}

// Visible subfolders of `folder`, sorted.
std::vector<fs::path> subfolders(const fs::path& folder) {
    std::vector<fs::path> result;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!isHidden(entry.path()) && entry.is_directory(ec)) {
            result.push_back(entry.path());
        }
    }
    std::sort(result.begin(), result.end());
    return result;
}

// True when every visible top-level folder names a split (train/, val/, test/ ...).
bool hasSplitFolders(const fs::path& root) {
    const auto folders = subfolders(root);
    return !folders.empty() && std::all_of(folders.begin(), folders.end(), [](const fs::path& f) {
        return splitForFolderName(f.filename().string()).has_value();
    });
}

void addClassFolders(const fs::path& root, const std::optional<std::string>& split,
                     std::vector<ImportItem>& items) {
    for (const fs::path& classFolder : subfolders(root)) {
        for (fs::path& file : imagesBelow(classFolder)) {
            ImportItem item;
            item.file = std::move(file);
            item.label = classFolder.filename().string();
            item.split = split;
            items.push_back(std::move(item));
        }
    }
}

bool containsIdxFiles(const fs::path& root) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        if (entry.path().filename().string().find("-images-idx3-ubyte") != std::string::npos) {
            return true;
        }
    }
    return false;
}

// COCO or labelme, by the keys near the start of the folder's first JSON file: a COCO file
// can be hundreds of megabytes, so it is not parsed just to name its format.
std::optional<ImportFormat> sniffJsonFolder(const fs::path& folder) {
    // labelme keeps its JSON beside the images, which may sit in subfolders.
    const std::vector<fs::path> jsonFiles = filesBelow(folder, [](const fs::path& file) {
        return lowerCase(file.extension().string()) == ".json";
    });
    if (jsonFiles.empty()) {
        return std::nullopt;
    }
    std::ifstream in(jsonFiles.front(), std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find("\"shapes\"") != std::string::npos &&
        head.find("\"imagePath\"") != std::string::npos) {
        return ImportFormat::Labelme;
    }
    if (head.find("\"images\"") != std::string::npos) {
        return ImportFormat::Coco;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> splitForFolderName(const std::string& name) {
    const std::string lower = lowerCase(name);
    if (lower == "train") {
        return "train";
    }
    if (lower == "val" || lower == "valid" || lower == "validation") {
        return "val";
    }
    if (lower == "test") {
        return "test";
    }
    return std::nullopt;
}

ImportFormat detectFormat(const fs::path& source) {
    std::error_code ec;
    if (fs::is_regular_file(source, ec)) {
        const std::string extension = lowerCase(source.extension().string());
        if (extension == ".csv") {
            return ImportFormat::Csv;
        }
        if (extension == ".json") {
            return ImportFormat::Coco;
        }
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot import " + source.string() +
                        ": a single file must be a CSV of path,label[,split] or a COCO JSON file.");
    }
    requireFolder(source);
    if (containsIdxFiles(source)) {
        return ImportFormat::Idx;
    }
    if (fs::is_directory(source / "train" / "good", ec) && fs::is_directory(source / "test", ec)) {
        return ImportFormat::MvTec;
    }
    if (fs::is_directory(source / "Annotations", ec) &&
        fs::is_directory(source / "JPEGImages", ec)) {
        return ImportFormat::Voc;
    }
    if (isYoloFolder(source)) {
        return ImportFormat::Yolo;
    }
    if (const auto annotated = sniffJsonFolder(source)) {
        return *annotated;
    }
    if (hasSplitFolders(source)) {
        return ImportFormat::ImageFolder;
    }
    for (const fs::path& folder : subfolders(source)) {
        if (!imagesBelow(folder).empty()) {
            return ImportFormat::ImageFolder;
        }
    }
    return ImportFormat::Folder;
}

std::vector<ImportItem> scanImageFolder(const fs::path& root) {
    requireFolder(root);
    std::vector<ImportItem> items;
    if (hasSplitFolders(root)) {
        for (const fs::path& splitFolder : subfolders(root)) {
            addClassFolders(splitFolder, splitForFolderName(splitFolder.filename().string()),
                            items);
        }
    } else {
        addClassFolders(root, std::nullopt, items);
    }
    return items;
}

std::vector<ImportItem> scanPlainFolder(const fs::path& root) {
    requireFolder(root);
    std::vector<ImportItem> items;
    for (fs::path& file : imagesBelow(root)) {
        ImportItem item;
        item.file = std::move(file);
        items.push_back(std::move(item));
    }
    return items;
}

std::vector<ImportItem> scanMvTec(const fs::path& root) {
    requireFolder(root);
    std::vector<ImportItem> items;
    addClassFolders(root / "train", std::string("train"), items);
    addClassFolders(root / "test", std::string("test"), items);

    // ground_truth/<defect>/<name>_mask.png belongs to test/<defect>/<name>.<ext> (or, in
    // exports of projects whose training images have regions, train/<defect>/<name>.<ext>).
    std::map<fs::path, std::vector<fs::path>> masksByImage;
    const fs::path truth = root / "ground_truth";
    std::error_code ec;
    if (fs::is_directory(truth, ec)) {
        for (const fs::path& defect : subfolders(truth)) {
            for (const fs::path& mask : imagesBelow(defect)) {
                std::string stem = mask.stem().string();
                const std::string suffix = "_mask";
                if (stem.size() > suffix.size() &&
                    stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
                    stem.resize(stem.size() - suffix.size());
                }
                masksByImage[root / "test" / defect.filename() / stem].push_back(mask);
            }
        }
    }
    for (ImportItem& item : items) {
        const fs::path defect = item.file.parent_path().filename();
        auto found = masksByImage.find(root / "test" / defect / item.file.stem());
        if (found != masksByImage.end() && item.split == "train") {
            // A test image of the same name takes the mask when there is one.
            const bool testHasIt = fs::exists(root / "test" / defect / item.file.filename(), ec);
            if (testHasIt) {
                continue;
            }
        }
        if (found != masksByImage.end()) {
            item.masks = found->second;
        }
    }
    return items;
}

} // namespace kestrel::dataset
