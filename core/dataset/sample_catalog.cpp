#include "dataset/sample_catalog.h"

#include "project/project.h"
#include "store/project_repository.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_map>

namespace kestrel::dataset {

namespace {

// Counted here rather than in SQL: the rows are in hand, and a join on a grouped subquery
// cost SQLite twice the time of the whole catalog query.
void markDuplicates(std::vector<CatalogSample>& samples) {
    std::unordered_map<std::string_view, int> counts;
    counts.reserve(samples.size());
    for (const CatalogSample& sample : samples) {
        if (!sample.contentHash.empty() && sample.status != "unreadable") {
            ++counts[sample.contentHash];
        }
    }
    for (CatalogSample& sample : samples) {
        sample.duplicate = !sample.contentHash.empty() && sample.status != "unreadable" &&
                           counts[sample.contentHash] > 1;
    }
}

void rankInNaturalOrder(std::vector<CatalogSample>& samples, std::string CatalogSample::*key,
                        std::int32_t CatalogSample::*rank) {
    std::vector<std::int32_t> order(samples.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return naturalCompare(samples[static_cast<std::size_t>(a)].*key,
                              samples[static_cast<std::size_t>(b)].*key) < 0;
    });
    for (std::size_t position = 0; position < order.size(); ++position) {
        samples[static_cast<std::size_t>(order[position])].*rank =
            static_cast<std::int32_t>(position);
    }
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

char folded(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string searchFolded(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), folded);
    return text;
}

int naturalCompare(std::string_view a, std::string_view b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            // Compare the digit runs by value: skip leading zeros, then the longer run is
            // larger, then the first differing digit decides.
            while (i < a.size() && a[i] == '0') {
                ++i;
            }
            while (j < b.size() && b[j] == '0') {
                ++j;
            }
            const std::size_t startA = i;
            const std::size_t startB = j;
            while (i < a.size() && isDigit(a[i])) {
                ++i;
            }
            while (j < b.size() && isDigit(b[j])) {
                ++j;
            }
            const std::size_t lengthA = i - startA;
            const std::size_t lengthB = j - startB;
            if (lengthA != lengthB) {
                return lengthA < lengthB ? -1 : 1;
            }
            if (const int digits = a.substr(startA, lengthA).compare(b.substr(startB, lengthB));
                digits != 0) {
                return digits;
            }
            continue;
        }
        const char ca = folded(a[i]);
        const char cb = folded(b[j]);
        if (ca != cb) {
            return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb) ? -1 : 1;
        }
        ++i;
        ++j;
    }
    if (i < a.size() || j < b.size()) {
        return i < a.size() ? 1 : -1;
    }
    return a.compare(b); // equal but for case or leading zeros: still a fixed order
}

std::string defaultClassColor(std::size_t position) {
    // Distinct, print-safe hues (Tableau 10): readable on light and dark backgrounds.
    static constexpr std::array<const char*, 10> palette = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    return palette[position % palette.size()];
}

std::vector<CatalogClass> loadCatalogClasses(Project& project) {
    std::vector<CatalogClass> classes;
    for (store::ClassWithCount& stored :
         store::SampleRepository(project.database()).classesWithLabelCounts()) {
        CatalogClass entry;
        entry.id = stored.row.id;
        entry.name = std::move(stored.row.name);
        entry.color = std::move(stored.row.color);
        entry.hotkey = stored.row.hotkey;
        entry.count = stored.count;
        entry.shapes = stored.shapes;
        if (entry.color.empty()) {
            entry.color = defaultClassColor(classes.size());
        }
        if (entry.hotkey == 0 && classes.size() < 9) {
            entry.hotkey = static_cast<int>(classes.size()) + 1;
        }
        classes.push_back(std::move(entry));
    }
    return classes;
}

SampleCatalog loadCatalog(Project& project) {
    SampleCatalog catalog;
    catalog.classes = loadCatalogClasses(project);
    catalog.datasetVersion = store::ProjectRepository(project.database()).datasetVersion();
    std::vector<store::SampleRow> rows = store::SampleRepository(project.database()).samples();
    catalog.samples.reserve(rows.size());
    for (store::SampleRow& row : rows) {
        CatalogSample sample;
        sample.id = row.id;
        sample.path = project.absolutePath(row.path).string();
        sample.fileName = std::filesystem::path(sample.path).filename().string();
        sample.searchText = searchFolded(sample.path);
        sample.width = row.width;
        sample.height = row.height;
        sample.channels = row.channels;
        sample.split = std::move(row.split);
        sample.status = std::move(row.status);
        sample.statusReason = std::move(row.statusReason);
        sample.contentHash = std::move(row.contentHash);
        sample.classId = row.classId;
        catalog.samples.push_back(std::move(sample));
    }
    markDuplicates(catalog.samples);
    rankInNaturalOrder(catalog.samples, &CatalogSample::fileName, &CatalogSample::nameOrder);
    rankInNaturalOrder(catalog.samples, &CatalogSample::path, &CatalogSample::pathOrder);
    return catalog;
}

} // namespace kestrel::dataset
