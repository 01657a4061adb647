#include "sample_model.h"

#include "thumbnail_source.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include <QLocale>

namespace kestrel::widgets {

using dataset::CatalogSample;

namespace {

// Beyond this many changed rows one repaint of everything is cheaper than a signal a row.
constexpr std::size_t kManyChanges = 200;

// "True scratch, predicted background (run #3, validation) — 42 pixels"
QString subsetScoreTip(const SampleSubset& subset, double score) {
    switch (subset.kind) {
    case SampleSubset::Scores::AnomalyScore:
        return SampleModel::tr("%1 — anomaly score %2").arg(subset.title).arg(score, 0, 'f', 2);
    case SampleSubset::Scores::PixelCount: {
        const qint64 pixels = qRound64(score);
        return pixels == 1 ? SampleModel::tr("%1 — 1 pixel").arg(subset.title)
                           : SampleModel::tr("%1 — %2 pixels")
                                 .arg(subset.title, QLocale().toString(pixels));
    }
    case SampleSubset::Scores::BoxCount: {
        const qint64 boxes = qRound64(score);
        return boxes == 1
                   ? SampleModel::tr("%1 — 1 box").arg(subset.title)
                   : SampleModel::tr("%1 — %2 boxes").arg(subset.title, QLocale().toString(boxes));
    }
    case SampleSubset::Scores::Confidence:
        break;
    }
    return SampleModel::tr("%1 — confidence %2%").arg(subset.title).arg(score * 100.0, 0, 'f', 1);
}

} // namespace

SampleModel::SampleModel(QObject* parent) : QAbstractTableModel(parent) {}

void SampleModel::setThumbnailSource(ThumbnailSource* source) {
    if (thumbnails_) {
        disconnect(thumbnails_, nullptr, this, nullptr);
    }
    thumbnails_ = source;
    if (source) {
        connect(source, &ThumbnailSource::thumbnailReady, this, &SampleModel::thumbnailArrived);
    }
}

void SampleModel::setCatalog(dataset::SampleCatalog catalog) {
    beginResetModel();
    samples_ = std::move(catalog.samples);
    classes_ = std::move(catalog.classes);
    // The catalog comes ordered by id, so lookups are a binary search: no hash map of
    // 100,000 entries to build on the GUI thread.
    if (!std::is_sorted(
            samples_.begin(), samples_.end(),
            [](const CatalogSample& a, const CatalogSample& b) { return a.id < b.id; })) {
        std::sort(samples_.begin(), samples_.end(),
                  [](const CatalogSample& a, const CatalogSample& b) { return a.id < b.id; });
    }
    filter_ = {};
    shapeKinds_.clear(); // the new catalog's kinds follow (setShapeKinds)
    outlines_.clear();
    outlinesAsked_.clear();
    searchKey_.clear();
    splitWanted_.reset();
    sortColumn_ = -1;
    rebuildRows();
    recount();
    endResetModel();
}

void SampleModel::setClasses(const std::vector<dataset::CatalogClass>& classes) {
    const bool looksChanged =
        classes.size() != classes_.size() ||
        !std::equal(classes.begin(), classes.end(), classes_.begin(),
                    [](const dataset::CatalogClass& a, const dataset::CatalogClass& b) {
                        return a.id == b.id && a.name == b.name && a.color == b.color &&
                               a.hotkey == b.hotkey;
                    });
    classes_ = classes; // counts change with every label; only the looks need a repaint
    if (looksChanged) {
        repaintAll();
    }
}

void SampleModel::repaintAll() {
    // Not dataChanged over every row: Qt 6.4's views then compute a rectangle per cell of
    // the range (600,000 for 100,000 samples, ~40 ms). A layout change repaints everything
    // for the price of one relayout.
    emit layoutAboutToBeChanged();
    emit layoutChanged();
}

template <typename Change, typename Update>
void SampleModel::applyChanges(const std::vector<Change>& changes, Update update) {
    const bool many = changes.size() > kManyChanges;
    for (const Change& change : changes) {
        const std::ptrdiff_t index = indexOf(change.sampleId);
        if (index >= 0) {
            update(samples_[static_cast<std::size_t>(index)], change);
            if (!many) {
                rowChanged(static_cast<std::size_t>(index));
            }
        }
    }
    if (many) {
        repaintAll();
    }
}

void SampleModel::applyLabels(const std::vector<dataset::LabelChange>& changes) {
    applyChanges(changes, [this](CatalogSample& sample, const dataset::LabelChange& change) {
        if (sample.status != "unreadable") { // unreadable files count apart (SampleTally)
            counts_.labelled += (change.classId != 0) - (sample.classId != 0);
        }
        sample.classId = change.classId;
    });
}

void SampleModel::applySplits(const std::vector<dataset::SplitChange>& changes) {
    applyChanges(changes, [](CatalogSample& sample, const dataset::SplitChange& change) {
        sample.split = change.split;
    });
}

void SampleModel::rowChanged(std::size_t sampleIndex) {
    const int row = rowOfIndex_[sampleIndex];
    if (row >= 0) {
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void SampleModel::thumbnailArrived(std::int64_t sampleId) {
    const int row = rowOf(sampleId);
    if (row >= 0) {
        emit dataChanged(index(row, NameColumn), index(row, NameColumn), {Qt::DecorationRole});
    }
}

void SampleModel::setFilter(const SampleFilter& filter) {
    filter_ = filter;
    // Folded the way core folded every path, so the scan compares bytes, not QStrings.
    searchKey_ = dataset::searchFolded(filter.search.toStdString());
    // Compared as bytes with each sample's split: no QString made per sample.
    splitWanted_.reset();
    if (!filter.split.isEmpty()) {
        splitWanted_ =
            filter.split == QLatin1String("none") ? std::string() : filter.split.toStdString();
    }
    refilter();
}

void SampleModel::setReview(std::shared_ptr<const SampleReview> review) {
    beginResetModel();
    review_ = std::move(review);
    rebuildRows();
    endResetModel();
}

void SampleModel::refilter() {
    beginResetModel();
    rebuildRows();
    endResetModel();
}

bool SampleModel::matches(const CatalogSample& sample) const {
    const bool readable = sample.status != "unreadable";
    switch (filter_.show) {
    case SampleFilter::Show::All:
        break;
    case SampleFilter::Show::Unlabelled:
        if (sample.classId != 0 || !readable) {
            return false;
        }
        break;
    case SampleFilter::Show::Unreadable:
        if (readable) {
            return false;
        }
        break;
    case SampleFilter::Show::Duplicates:
        if (!sample.duplicate) {
            return false;
        }
        break;
    case SampleFilter::Show::HasBoxes:
    case SampleFilter::Show::HasPolygons:
    case SampleFilter::Show::HasMasks:
    case SampleFilter::Show::NoShapes:
        if (!shapesMatch(sample)) {
            return false;
        }
        break;
    default:
        if (!reviewMatches(sample)) {
            return false;
        }
    }
    if (filter_.subset && filter_.subset->scores.count(sample.id) == 0) {
        return false;
    }
    if (filter_.classId != 0 && sample.classId != filter_.classId) {
        return false;
    }
    if (splitWanted_ && sample.split != *splitWanted_) {
        return false;
    }
    return searchKey_.empty() || sample.searchText.find(searchKey_) != std::string::npos;
}

void SampleModel::rebuildRows() {
    filterRows();
    sortRows();
}

void SampleModel::filterRows() {
    rows_.clear();
    rows_.reserve(samples_.size());
    for (std::size_t i = 0; i < samples_.size(); ++i) {
        if (matches(samples_[i])) {
            rows_.push_back(static_cast<int>(i));
        }
    }
}

std::pair<std::int64_t, std::int64_t> SampleModel::sortKey(const CatalogSample& s) const {
    switch (sortColumn_) {
    case LabelColumn: {
        // A handful of classes: a scan beats a hash lookup, and unlabelled sorts last.
        std::int64_t position = INT64_MAX;
        for (std::size_t i = 0; i < classes_.size(); ++i) {
            if (classes_[i].id == s.classId) {
                position = static_cast<std::int64_t>(i);
                break;
            }
        }
        return {position, s.nameOrder};
    }
    case SplitColumn:
        return {s.split == "train"  ? 0
                : s.split == "val"  ? 1
                : s.split == "test" ? 2
                                    : 3,
                s.nameOrder};
    case SizeColumn:
        return {std::int64_t{s.width} * s.height, s.nameOrder};
    case StatusColumn:
        return {s.status == "unreadable" ? 0 : s.duplicate ? 1 : 2, s.nameOrder};
    case PathColumn:
        return {s.pathOrder, 0};
    case NameColumn:
        return {s.nameOrder, 0};
    default:
        return reviewSortKey(s);
    }
}

void SampleModel::sortRows() {
    if (sortColumn_ < 0) {
        std::sort(rows_.begin(), rows_.end()); // import order: samples_ is in id order
    } else {
        // Integer keys only (core ranked names and paths in natural order when it loaded
        // the catalog), sorted beside their row so the sort walks memory in order.
        struct Keyed {
            std::pair<std::int64_t, std::int64_t> key;
            int index;
        };
        std::vector<Keyed> keyed;
        keyed.reserve(rows_.size());
        for (const int index : rows_) {
            keyed.push_back({sortKey(samples_[static_cast<std::size_t>(index)]), index});
        }
        const bool ascending = sortOrder_ == Qt::AscendingOrder;
        std::sort(keyed.begin(), keyed.end(), [ascending](const Keyed& a, const Keyed& b) {
            if (a.key != b.key) {
                return ascending ? a.key < b.key : b.key < a.key;
            }
            return a.index < b.index; // import order among equals, whichever the direction
        });
        for (std::size_t row = 0; row < keyed.size(); ++row) {
            rows_[row] = keyed[row].index;
        }
    }
    rowOfIndex_.assign(samples_.size(), -1);
    for (std::size_t row = 0; row < rows_.size(); ++row) {
        rowOfIndex_[static_cast<std::size_t>(rows_[row])] = static_cast<int>(row);
    }
}

void SampleModel::recount() {
    counts_ = {};
    for (const CatalogSample& sample : samples_) {
        counts_.add(sample.status != "unreadable", sample.classId != 0);
    }
}

void SampleModel::sort(int column, Qt::SortOrder order) {
    sortColumn_ = column;
    sortOrder_ = order;
    emit layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    std::vector<std::int64_t> ids;
    ids.reserve(before.size());
    for (const QModelIndex& index : before) {
        const CatalogSample* s = sampleAt(index.row());
        ids.push_back(s ? s->id : 0);
    }
    sortRows(); // the listed rows stay; only their order changes
    QModelIndexList after;
    after.reserve(before.size());
    for (int i = 0; i < before.size(); ++i) {
        const int row = rowOf(ids[static_cast<std::size_t>(i)]);
        after.append(row >= 0 ? index(row, before[i].column()) : QModelIndex());
    }
    changePersistentIndexList(before, after);
    emit layoutChanged();
}

std::ptrdiff_t SampleModel::indexOf(std::int64_t sampleId) const {
    const auto found = std::lower_bound(
        samples_.begin(), samples_.end(), sampleId,
        [](const CatalogSample& sample, std::int64_t id) { return sample.id < id; });
    return found != samples_.end() && found->id == sampleId ? found - samples_.begin() : -1;
}

int SampleModel::rowOf(std::int64_t sampleId) const {
    const std::ptrdiff_t index = indexOf(sampleId);
    return index < 0 ? -1 : rowOfIndex_[static_cast<std::size_t>(index)];
}

const CatalogSample* SampleModel::sampleAt(int row) const {
    if (row < 0 || row >= static_cast<int>(rows_.size())) {
        return nullptr;
    }
    return &samples_[static_cast<std::size_t>(rows_[static_cast<std::size_t>(row)])];
}

const CatalogSample* SampleModel::sample(std::int64_t sampleId) const {
    const std::ptrdiff_t index = indexOf(sampleId);
    return index < 0 ? nullptr : &samples_[static_cast<std::size_t>(index)];
}

const dataset::CatalogClass* SampleModel::classInfo(std::int64_t classId) const {
    for (const auto& info : classes_) {
        if (info.id == classId) {
            return &info;
        }
    }
    return nullptr;
}

int SampleModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int SampleModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SampleModel::data(const QModelIndex& index, int role) const {
    const CatalogSample* s = sampleAt(index.row());
    if (!s) {
        return {};
    }
    const auto* info = classInfo(s->classId);
    const bool unreadable = s->status == "unreadable";
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return QString::fromStdString(s->fileName);
        case LabelColumn:
            return info ? QString::fromStdString(info->name) : QString();
        case SplitColumn:
            return QString::fromStdString(s->split);
        case SizeColumn:
            return s->width > 0 ? QStringLiteral("%1 × %2").arg(s->width).arg(s->height)
                                : QString();
        case StatusColumn:
            return unreadable ? tr("unreadable") : s->duplicate ? tr("duplicate") : QString();
        case PathColumn:
            return QString::fromStdString(s->path);
        default:
            return reviewData(*s, index.column(), role);
        }
    case Qt::DecorationRole:
        if (index.column() == NameColumn && thumbnails_ && !unreadable) {
            return thumbnails_->thumbnail(*s);
        }
        if (index.column() == LabelColumn && info) {
            return QColor(QString::fromStdString(info->color));
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = QString::fromStdString(s->path);
        if (!s->statusReason.empty()) {
            tip += QLatin1Char('\n') + QString::fromStdString(s->statusReason);
        }
        if (const QVariant review = reviewData(*s, -1, role); review.isValid()) {
            tip += QLatin1Char('\n') + review.toString();
        }
        if (const QVariant score = data(index, ScoreRole); score.isValid()) {
            tip += QLatin1Char('\n') + subsetScoreTip(*filter_.subset, score.toDouble());
        }
        return tip;
    }
    case ScoreRole: {
        if (!filter_.subset) {
            return {};
        }
        const auto found = filter_.subset->scores.find(s->id);
        return found == filter_.subset->scores.end() ? QVariant() : QVariant(found->second);
    }
    case ScoreTextRole: {
        const QVariant score = data(index, ScoreRole);
        if (!score.isValid()) {
            return {};
        }
        switch (filter_.subset->kind) {
        case SampleSubset::Scores::AnomalyScore:
            return QString::number(score.toDouble(), 'f', 2);
        case SampleSubset::Scores::PixelCount:
            return tr("%1 px").arg(qRound64(score.toDouble()));
        case SampleSubset::Scores::BoxCount: {
            const qint64 boxes = qRound64(score.toDouble());
            return boxes == 1 ? tr("1 box") : tr("%1 boxes").arg(boxes);
        }
        case SampleSubset::Scores::Confidence:
            break;
        }
        return QString::number(qRound(score.toDouble() * 100.0)) + QLatin1Char('%');
    }
    case SampleIdRole:
        return QVariant::fromValue<qint64>(s->id);
    case ClassIdRole:
        return QVariant::fromValue<qint64>(s->classId);
    case ClassNameRole:
        return info ? QString::fromStdString(info->name) : QString();
    case ClassColorRole:
        return info ? QColor(QString::fromStdString(info->color)) : QColor();
    case ShapeKindsRole:
        return shapeKinds(s->id);
    case SplitRole:
        return QString::fromStdString(s->split);
    case UnreadableRole:
        return unreadable;
    case DuplicateRole:
        return s->duplicate;
    case NoPictureRole:
        return thumbnails_ && thumbnails_->thumbnailFailed(s->id);
    default:
        return reviewData(*s, -1, role);
    }
}

QVariant SampleModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case NameColumn:
        return tr("Name");
    case LabelColumn:
        return tr("Label");
    case SplitColumn:
        return tr("Split");
    case SizeColumn:
        return tr("Size");
    case StatusColumn:
        return tr("Status");
    case PathColumn:
        return tr("Path");
    case LossColumn: // sorted worst first either way
        return review_ && review_->segmentation ? tr("IoU") : reviewHeader(section);
    default:
        return reviewHeader(section);
    }
}

} // namespace kestrel::widgets
