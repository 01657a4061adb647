#pragma once

// Looking into what a dataset scan found, for the format tests.
#include "dataset/annotation_sources.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kestrel::testing {

// The item of the image called `fileName`; throws when the scan has none.
inline const dataset::ImportItem& itemNamed(const dataset::AnnotatedScan& scan,
                                            const std::string& fileName) {
    const auto it =
        std::find_if(scan.items.begin(), scan.items.end(),
                     [&](const dataset::ImportItem& i) { return i.file.filename() == fileName; });
    if (it == scan.items.end()) {
        throw std::runtime_error("no item " + fileName);
    }
    return *it;
}

// Whether a problem sentence holds both `a` and `b` (the file and the place, say).
inline bool anyProblemHas(const dataset::AnnotatedScan& scan, const std::string& a,
                          const std::string& b = "") {
    return std::any_of(scan.problems.begin(), scan.problems.end(), [&](const std::string& p) {
        return p.find(a) != std::string::npos && p.find(b) != std::string::npos;
    });
}

} // namespace kestrel::testing
