#include "review/confident_learning.h"

#include "common/error.h"

#include <algorithm>
#include <limits>
#include <string>

namespace kestrel::review {

namespace {

void checkInput(const std::vector<std::vector<float>>& probabilities,
                const std::vector<std::int64_t>& given, int classes) {
    if (classes < 2) {
        throw Error(ErrorKind::InvalidArgument,
                    "Ranking label issues needs at least 2 classes, not " +
                        std::to_string(classes) + ".");
    }
    if (probabilities.size() != given.size()) {
        throw Error(ErrorKind::InvalidArgument,
                    "There are " + std::to_string(probabilities.size()) +
                        " rows of probabilities for " + std::to_string(given.size()) +
                        " given labels; they must be one per sample.");
    }
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (given[i] < 0 || given[i] >= classes) {
            throw Error(ErrorKind::InvalidArgument,
                        "Sample " + std::to_string(i) + " has label " + std::to_string(given[i]) +
                            ", outside the " + std::to_string(classes) + " classes.");
        }
        const std::size_t width = probabilities[i].size();
        if (width != 0 && width != static_cast<std::size_t>(classes)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Sample " + std::to_string(i) + " has " + std::to_string(width) +
                            " probabilities for " + std::to_string(classes) + " classes.");
        }
    }
}

// t_j: the mean p_j over the samples labelled j. A class nobody is labelled with gets no
// threshold a probability can reach (cleanlab's NaN), so it is never suggested by it.
std::vector<double> classThresholds(const std::vector<std::vector<float>>& probabilities,
                                    const std::vector<std::int64_t>& given, std::size_t classes) {
    std::vector<double> sums(classes, 0.0);
    std::vector<std::size_t> counts(classes, 0);
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (probabilities[i].empty()) {
            continue;
        }
        const auto label = static_cast<std::size_t>(given[i]);
        sums[label] += static_cast<double>(probabilities[i][label]);
        ++counts[label];
    }
    std::vector<double> thresholds(classes, std::numeric_limits<double>::infinity());
    for (std::size_t j = 0; j < classes; ++j) {
        if (counts[j] > 0) {
            thresholds[j] = sums[j] / static_cast<double>(counts[j]);
        }
    }
    return thresholds;
}

std::size_t suggestedClass(const std::vector<float>& p, const std::vector<double>& thresholds) {
    std::size_t best = p.size();
    for (std::size_t j = 0; j < p.size(); ++j) {
        if (static_cast<double>(p[j]) >= thresholds[j] && (best == p.size() || p[j] > p[best])) {
            best = j;
        }
    }
    if (best == p.size()) {
        best = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    }
    return best;
}

} // namespace

std::vector<LabelIssue> rankLabelIssues(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<std::int64_t>& given, int classes) {
    checkInput(probabilities, given, classes);
    const std::vector<double> thresholds =
        classThresholds(probabilities, given, static_cast<std::size_t>(classes));

    std::vector<LabelIssue> issues;
    issues.reserve(given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
        const std::vector<float>& p = probabilities[i];
        if (p.empty()) {
            continue;
        }
        LabelIssue issue;
        issue.index = i;
        issue.given = given[i];
        issue.givenProbability = p[static_cast<std::size_t>(given[i])];
        const std::size_t suggested = suggestedClass(p, thresholds);
        issue.flagged = static_cast<std::int64_t>(suggested) != given[i];
        issue.suggested = static_cast<std::int64_t>(suggested);
        issue.suggestedProbability = p[suggested];
        issue.score = issue.flagged ? issue.suggestedProbability - issue.givenProbability
                                    : -1.0f - issue.givenProbability;
        issues.push_back(issue);
    }
    // Within each group this is "score descending" (see LabelIssue::score); the flag comes
    // first only to settle the one tie the scores allow, -1.
    std::stable_sort(issues.begin(), issues.end(), [](const LabelIssue& a, const LabelIssue& b) {
        return a.flagged != b.flagged ? a.flagged : a.score > b.score;
    });
    return issues;
}

} // namespace kestrel::review
