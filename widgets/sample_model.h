#pragma once

#include "annotations/shape.h"
#include "dataset/label_edit.h"
#include "dataset/sample_catalog.h"
#include "dataset/sample_tally.h"
#include "sample_review.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <QAbstractTableModel>
#include <QColor>
#include <QPointer>
#include <QPolygonF>
#include <QRectF>

namespace kestrel::widgets {

class ThumbnailSource;

// A set of samples picked elsewhere (a confusion matrix cell), each with a score to show.
struct SampleSubset {
    enum class Scores {
        Confidence,   // the prediction's confidence in [0, 1]
        AnomalyScore, // an anomaly detector's score (0.5: the threshold)
        PixelCount,   // a segmentation image's pixels in the chosen pixel-matrix cell
        BoxCount      // a detection image's boxes in the chosen box-matrix cell
    };
    QString title; // what the set is, e.g. "True scratch, predicted dent (run #3, epoch 7)"
    std::unordered_map<std::int64_t, float> scores; // sample id -> its score
    Scores kind = Scores::Confidence;
};

// Which samples the browser lists.
struct SampleFilter {
    enum class Show {
        All,
        Unlabelled,
        Unreadable,
        Duplicates,
        HasBoxes,         // samples with a box drawn on them
        HasPolygons,      // with a polygon
        HasMasks,         // with a mask
        NoShapes,         // readable samples with no shape at all
        Misclassified,    // the review's run predicts another class than the label
        LowConfidence,    // the review's run is less sure than kLowConfidence
        LikelyLabelErrors // flagged by the review's label audit
    };
    std::int64_t classId = 0; // 0: any class
    QString split;            // empty: any; "none": samples without a split
    Show show = Show::All;
    QString search;                             // part of the file name or path, any case
    std::shared_ptr<const SampleSubset> subset; // when set, only its samples

    bool operator==(const SampleFilter& other) const {
        return classId == other.classId && split == other.split && show == other.show &&
               search == other.search && subset == other.subset;
    }
};

// A shape as a thumbnail draws it: its outline in [0, 1] coordinates of the image (masks by
// their bounds), so the grid never holds a mask's pixels.
struct ShapeOutline {
    std::int64_t classId = 0;
    annotations::ShapeKind kind = annotations::ShapeKind::Box;
    QRectF bounds;
    QPolygonF points; // polygons only, at most kMaxOutlinePoints
    static constexpr int kMaxOutlinePoints = 48;
};

// Bits of a sample's shape kinds, as the store counts them.
enum ShapeKindFlag : unsigned { kBoxFlag = 1, kPolygonFlag = 2, kMaskFlag = 4 };

// Every sample of the project as rows; filtering and sorting work on an index vector, so a
// 100,000-sample project filters in milliseconds and the views only touch visible rows.
class SampleModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        LabelColumn,
        SplitColumn,
        SizeColumn,
        StatusColumn,
        PathColumn,
        PredictedColumn, // the review's columns: empty without a review
        ConfidenceColumn,
        LossColumn,
        MarginColumn,
        SuggestedColumn,
        ColumnCount
    };
    enum Role {
        SampleIdRole = Qt::UserRole + 1,
        ClassIdRole,
        ClassNameRole,
        ClassColorRole,
        SplitRole,
        UnreadableRole,
        DuplicateRole,
        NoPictureRole,
        ScoreRole,     // the subset's score of the sample; invalid without a subset
        ScoreTextRole, // the score as the thumbnail shows it: "97%", "0.73" (anomaly), "42 px"
        // A short text for the thumbnail ("dent 97%", "→ scratch"); empty without a review.
        ReviewBadgeRole,
        ReviewFlagRole,     // 0 fine or unknown, 1 misclassified, 2 likely label error
        SuggestedClassRole, // the audit's suggested class id; 0 when none
        ShapeKindsRole      // shapeKinds(): ShapeKindFlag bits
    };

    explicit SampleModel(QObject* parent = nullptr);

    void setThumbnailSource(ThumbnailSource* source);
    void setCatalog(kestrel::dataset::SampleCatalog catalog);
    void setClasses(const std::vector<kestrel::dataset::CatalogClass>& classes);
    void applyLabels(const std::vector<kestrel::dataset::LabelChange>& changes);
    void applySplits(const std::vector<kestrel::dataset::SplitChange>& changes);

    // What a run and a label audit said about the samples; null to drop it.
    void setReview(std::shared_ptr<const SampleReview> review);
    const SampleReview* review() const { return review_.get(); }

    // Which kinds of shape each sample has (ShapeKindFlag bits; samples without shapes left
    // out), for the filters and to know whose outlines to ask for.
    void setShapeKinds(std::unordered_map<std::int64_t, unsigned> kinds);
    unsigned shapeKinds(std::int64_t sampleId) const;
    // What a sample without a label shows under its thumbnail and over the image: the kinds of
    // shape it has ("masks", "boxes, masks"), so that a segmentation or detection project's
    // drawn samples do not read "unlabelled"; "unlabelled" when it has none.
    static QString unlabelledCaption(unsigned shapeKinds);
    std::size_t samplesWithShapes() const { return shapeKinds_.size(); }
    // Samples' shapes as read from the store: kept as outlines and the rows repainted.
    void setSampleShapes(std::int64_t sampleId, const std::vector<annotations::Shape>& shapes);
    void
    setShapesOf(const std::unordered_map<std::int64_t, std::vector<annotations::Shape>>& shapes);
    // The outlines of a sample's shapes, or null while they are not read yet: then asked for
    // through shapesWanted (a batch per pass of the event loop), as thumbnails are.
    const std::vector<ShapeOutline>* shapeOutlines(std::int64_t sampleId) const;

    void setFilter(const SampleFilter& filter);
    const SampleFilter& filter() const { return filter_; }
    // Re-applies the filter: rows changed since (a label set under the "unlabelled" filter)
    // stay listed until then, so the selection does not jump away while working.
    void refilter();

    int rowOf(std::int64_t sampleId) const; // -1 when not listed
    const kestrel::dataset::CatalogSample* sampleAt(int row) const;
    const kestrel::dataset::CatalogSample* sample(std::int64_t sampleId) const;
    const kestrel::dataset::CatalogClass* classInfo(std::int64_t classId) const;
    const std::vector<kestrel::dataset::CatalogClass>& classes() const { return classes_; }
    // Over all samples (not only the listed ones), as `kestrel-cli info` counts them.
    SampleTally counts() const { return counts_; }
    int totalSamples() const { return static_cast<int>(samples_.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    void shapesWanted(const std::vector<std::int64_t>& sampleIds);
    void samplesWithShapesChanged();               // samplesWithShapes() has another value
    void shapeKindsChanged(std::int64_t sampleId); // a shape edit changed shapeKinds(sampleId)

private:
    bool matches(const kestrel::dataset::CatalogSample& sample) const;
    // sample_model_review.cpp: the review's part of matches(), sortKey(), data() and
    // headerData().
    bool reviewMatches(const kestrel::dataset::CatalogSample& sample) const;
    std::pair<std::int64_t, std::int64_t>
    reviewSortKey(const kestrel::dataset::CatalogSample& s) const;
    QVariant reviewData(const kestrel::dataset::CatalogSample& s, int column, int role) const;
    static QVariant reviewHeader(int section);
    bool isMisclassified(const kestrel::dataset::CatalogSample& s,
                         const ReviewedSample& reviewed) const;
    std::int64_t classIdNamed(const QString& name) const; // 0 when none
    void rebuildRows();                                   // filterRows, then sortRows
    void filterRows();
    void sortRows();
    std::pair<std::int64_t, std::int64_t> sortKey(const kestrel::dataset::CatalogSample& s) const;
    void recount();
    void rowChanged(std::size_t sampleIndex);
    void repaintAll();
    // Applies each change through `update`; a signal per row, or one repaint when many.
    template <typename Change, typename Update>
    void applyChanges(const std::vector<Change>& changes, Update update);
    void thumbnailArrived(std::int64_t sampleId);
    std::ptrdiff_t indexOf(std::int64_t sampleId) const; // into samples_, -1 when unknown
    bool shapesMatch(const kestrel::dataset::CatalogSample& sample) const; // sample_model_shapes
    void sendWantedShapes();

    std::vector<kestrel::dataset::CatalogSample> samples_;
    std::vector<kestrel::dataset::CatalogClass> classes_;
    std::vector<int> rows_;       // listed sample indices, in display order
    std::vector<int> rowOfIndex_; // sample index -> row, -1 when not listed
    SampleFilter filter_;
    std::string searchKey_;
    std::optional<std::string> splitWanted_; // none: any split; "": samples without one
    int sortColumn_ = -1;                    // -1: import order
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
    SampleTally counts_;
    QPointer<ThumbnailSource> thumbnails_;
    std::shared_ptr<const SampleReview> review_;
    std::unordered_map<std::int64_t, unsigned> shapeKinds_;
    std::unordered_map<std::int64_t, std::vector<ShapeOutline>> outlines_; // by sample
    mutable std::vector<std::int64_t> outlinesWanted_;       // asked for, not yet sent
    mutable std::unordered_set<std::int64_t> outlinesAsked_; // sent, not answered
};

} // namespace kestrel::widgets
