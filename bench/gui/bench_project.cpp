#include "bench_project.h"

#include "dataset/importer.h"
#include "project/project.h"
#include "store/sqlite.h"
#include "timing.h"

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <QElapsedTimer>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::bench {

namespace fs = std::filesystem;

namespace {

constexpr int kImageSide = 64;
constexpr const char* kClassNames[kClassCount] = {"ok", "scratch", "dent", "stain"};

// Marks a folder as this benchmark's own, so it never changes labels in someone else's project.
constexpr const char* kMarkerFile = ".kestrel-gui-bench";

// Prints "what: 30% (done/total)" each time another tenth is done.
class TenthsReporter {
public:
    void update(const std::string& what, std::size_t done, std::size_t total) {
        if (what != what_) {
            what_ = what;
            lastTenth_ = -1;
        }
        if (total == 0) {
            return;
        }
        const int tenth = static_cast<int>(done * 10 / total);
        if (tenth != lastTenth_) {
            lastTenth_ = tenth;
            std::fprintf(stderr, "  %s: %d%% (%zu/%zu)\n", what_.c_str(), tenth * 10, done, total);
        }
    }

private:
    std::string what_;
    int lastTenth_ = -1;
};

// Every image differs (the index is written in binary along the first row) so none is
// flagged as a duplicate, and they are small so the grid's cost, not decoding, dominates.
void writeImages(const fs::path& folder, int count) {
    TenthsReporter report;
    for (const char* name : kClassNames) {
        fs::create_directories(folder / name);
    }
    cv::Mat image(kImageSide, kImageSide, CV_8UC1);
    for (int i = 0; i < count; ++i) {
        const int cls = i % kClassCount;
        char fileName[64];
        std::snprintf(fileName, sizeof fileName, "%s_%06d.png", kClassNames[cls], i);
        const fs::path file = folder / kClassNames[cls] / fileName;
        if (!fs::exists(file)) {
            for (int y = 0; y < kImageSide; ++y) {
                for (int x = 0; x < kImageSide; ++x) {
                    image.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(
                        (x * (1 + i % 7) + y * (1 + i / 7 % 5) + i * 13 + cls * 40) & 0xff);
                }
            }
            for (int bit = 0; bit < 32; ++bit) {
                image.at<std::uint8_t>(0, bit) = ((i >> bit) & 1) != 0 ? 255 : 0;
            }
            // Written under a hidden name (the importer skips those) and renamed, so an
            // interrupted build never leaves a truncated image behind.
            const fs::path partial = file.parent_path() / ("." + file.filename().string());
            if (!cv::imwrite(partial.string(), image)) {
                throw std::runtime_error("cannot write " + partial.string());
            }
            fs::rename(partial, file);
        }
        report.update("writing images", static_cast<std::size_t>(i + 1),
                      static_cast<std::size_t>(count));
    }
}

// True when `dir` holds a usable project. An import is one transaction, so a build that was
// cut off leaves a project with no samples: that one is removed and built again.
bool hasProject(const fs::path& dir) {
    const fs::path database = dir / Project::kDatabaseFileName;
    if (!fs::exists(database)) {
        return false;
    }
    if (!fs::exists(dir / kMarkerFile)) {
        throw std::runtime_error(dir.string() +
                                 " holds a project this benchmark did not build; it would change "
                                 "its labels. Give --project an empty or new folder.");
    }
    {
        Project project = Project::open(dir);
        if (project.database().queryInt("SELECT count(*) FROM samples") > 0) {
            return true;
        }
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(database.string() + suffix);
    }
    return false;
}

void buildProject(const fs::path& dir, int count) {
    QElapsedTimer clock;
    clock.start();
    std::fprintf(stderr, "Building a %d-sample project in %s (once; later runs reuse it)\n", count,
                 dir.string().c_str());
    fs::create_directories(dir);
    std::FILE* marker = std::fopen((dir / kMarkerFile).string().c_str(), "w");
    if (!marker) {
        throw std::runtime_error("cannot write in " + dir.string());
    }
    std::fclose(marker);
    const fs::path images = dir / "images";
    writeImages(images, count);

    Project project = Project::create(dir, "GUI benchmark");
    dataset::ImportOptions options;
    options.format = dataset::ImportFormat::ImageFolder;
    TenthsReporter report;
    const dataset::ImportReport result =
        dataset::importSource(project, images, options, [&](const auto& progress) {
            report.update("import " + progress.phase, progress.done, progress.total);
        });
    // A fifth unlabelled, so the "unlabelled" filter and the status counts have work to do.
    project.database().execute("DELETE FROM labels WHERE sample_id % 5 = 0;"
                               "UPDATE project SET dataset_version = dataset_version + 1;");
    std::fprintf(stderr, "Imported %zu samples (%zu unreadable) in %.1f s\n", result.added,
                 result.unreadable.size(), msSince(clock) / 1000.0);
}

} // namespace

void ensureProject(const fs::path& dir, int samples) {
    if (!hasProject(dir)) {
        buildProject(dir, samples);
    }
}

} // namespace kestrel::bench
