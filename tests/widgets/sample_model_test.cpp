// The sample model on its own: filters, sorting that keeps the selection, label and split
// changes, captions from shapes, and thumbnails asked for only when a cell needs one.
#include "sample_model.h"
#include "thumbnail_source.h"

#include <algorithm>
#include <set>

#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using kestrel::dataset::CatalogSample;
using kestrel::widgets::SampleFilter;
using kestrel::widgets::SampleModel;

namespace {

// Remembers what was asked; answers with an image for even ids, fails odd ones.
class RecordingThumbnails : public kestrel::widgets::ThumbnailSource {
public:
    std::set<std::int64_t> asked;
    QImage thumbnail(const CatalogSample& sample) override {
        asked.insert(sample.id);
        return sample.id % 2 == 0 ? QImage(4, 4, QImage::Format_Grayscale8) : QImage();
    }
    bool thumbnailFailed(std::int64_t sampleId) const override { return sampleId % 2 == 1; }
};

kestrel::dataset::SampleCatalog catalog() {
    kestrel::dataset::SampleCatalog result;
    result.classes = {{1, "good", "#00ff00", 1, 2, 0}, {2, "scratch", "#ff0000", 2, 1, 0}};
    auto sample = [](std::int64_t id, const char* name, std::int64_t classId, const char* split,
                     const char* status = "ok", bool duplicate = false) {
        CatalogSample s;
        s.id = id;
        s.fileName = name;
        s.path = std::string("/data/") + name;
        s.searchText = kestrel::dataset::searchFolded(s.path);
        s.classId = classId;
        s.split = split;
        s.status = status;
        s.width = static_cast<int>(10 * id);
        s.height = 10;
        s.duplicate = duplicate;
        // What core's catalog computes: the natural order of the names below.
        const std::string order = "aBcde";
        s.nameOrder = static_cast<std::int32_t>(order.find(static_cast<char>(name[0])));
        s.pathOrder = s.nameOrder;
        return s;
    };
    result.samples = {sample(1, "c.png", 1, "train"), sample(2, "a.png", 2, "val"),
                      sample(3, "B.png", 0, "train", "ok", true),
                      sample(4, "d.png", 1, "", "unreadable"),
                      sample(5, "e.png", 0, "test", "ok", true)};
    return result;
}

std::vector<std::string> names(const SampleModel& model) {
    std::vector<std::string> result;
    for (int row = 0; row < model.rowCount(); ++row) {
        result.push_back(model.sampleAt(row)->fileName);
    }
    return result;
}

} // namespace

class SampleModelTest : public QObject {
    Q_OBJECT

private slots:
    void filtersCombine() {
        SampleModel model;
        model.setCatalog(catalog());
        QCOMPARE(model.rowCount(), 5);
        // As `kestrel-cli info` counts: d.png is unreadable, so neither labelled nor a sample.
        QCOMPARE(model.counts().samples, std::int64_t{4});
        QCOMPARE(model.counts().labelled, std::int64_t{2});
        QCOMPARE(model.counts().unlabelled(), std::int64_t{2});
        QCOMPARE(model.counts().unreadable, std::int64_t{1});

        SampleFilter filter;
        filter.show = SampleFilter::Show::Unlabelled;
        model.setFilter(filter);
        QCOMPARE(names(model), (std::vector<std::string>{"B.png", "e.png"}));
        filter.split = "train";
        model.setFilter(filter);
        QCOMPARE(names(model), std::vector<std::string>{"B.png"});

        model.setFilter({1, "", SampleFilter::Show::All, "", {}});
        QCOMPARE(names(model), (std::vector<std::string>{"c.png", "d.png"}));
        model.setFilter({0, "none", SampleFilter::Show::All, "", {}});
        QCOMPARE(names(model), std::vector<std::string>{"d.png"});
        model.setFilter({0, "", SampleFilter::Show::Unreadable, "", {}});
        QCOMPARE(names(model), std::vector<std::string>{"d.png"});
        model.setFilter({0, "", SampleFilter::Show::Duplicates, "", {}});
        QCOMPARE(names(model), (std::vector<std::string>{"B.png", "e.png"}));
        model.setFilter({0, "", SampleFilter::Show::All, "DATA/a", {}});
        QCOMPARE(names(model), std::vector<std::string>{"a.png"});

        // A confusion cell's samples: only they are listed, each with its score.
        auto subset = std::make_shared<kestrel::widgets::SampleSubset>();
        subset->title = "True ok, predicted ng";
        subset->scores = {{1, 0.75f}, {5, 0.5f}}; // c.png and e.png
        model.setFilter({0, "", SampleFilter::Show::All, "", subset});
        QCOMPARE(names(model), (std::vector<std::string>{"c.png", "e.png"}));
        QCOMPARE(model.index(0, 0).data(SampleModel::ScoreRole).toFloat(), 0.75f);
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains("75.0%"));
        QCOMPARE(model.index(0, 0).data(SampleModel::ScoreTextRole).toString(), QString("75%"));

        // A pixel-matrix cell's images show how many of their pixels are in it.
        auto pixels = std::make_shared<kestrel::widgets::SampleSubset>();
        pixels->title = "Pixels of scratch predicted background";
        pixels->scores = {{2, 42.0f}};
        pixels->kind = kestrel::widgets::SampleSubset::Scores::PixelCount;
        model.setFilter({0, "", SampleFilter::Show::All, "", pixels});
        QCOMPARE(names(model), std::vector<std::string>{"a.png"});
        QCOMPARE(model.index(0, 0).data(SampleModel::ScoreTextRole).toString(), QString("42 px"));
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains("42 pixels"));
        model.setFilter({});
        QVERIFY(!model.index(0, 0).data(SampleModel::ScoreRole).isValid());
    }

    void sortingKeepsTheSelectedSampleSelected() {
        SampleModel model;
        model.setCatalog(catalog());
        const QPersistentModelIndex selected = model.index(model.rowOf(3), 0);
        model.sort(SampleModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(names(model),
                 (std::vector<std::string>{"a.png", "B.png", "c.png", "d.png", "e.png"}));
        QCOMPARE(selected.row(), 1);
        QCOMPARE(selected.data(SampleModel::SampleIdRole).toLongLong(), qint64{3});

        // Classes in project order, unlabelled last, names in order within each.
        model.sort(SampleModel::LabelColumn, Qt::AscendingOrder);
        QCOMPARE(names(model),
                 (std::vector<std::string>{"c.png", "d.png", "a.png", "B.png", "e.png"}));
        model.sort(SampleModel::SizeColumn, Qt::DescendingOrder);
        QCOMPARE(model.sampleAt(0)->fileName, std::string("e.png"));
        QCOMPARE(selected.data(SampleModel::SampleIdRole).toLongLong(), qint64{3});
    }

    void labelAndSplitChangesRepaintTheirRowsAndKeepTheFilterUntilAskedAgain() {
        SampleModel model;
        model.setCatalog(catalog());
        model.setFilter({0, "", SampleFilter::Show::Unlabelled, "", {}});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applyLabels({{3, 2}});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(model.index(0, SampleModel::LabelColumn).data().toString(), QString("scratch"));
        QCOMPARE(model.rowCount(), 2); // still listed: the selection must not jump away
        model.refilter();
        QCOMPARE(names(model), std::vector<std::string>{"e.png"});
        QCOMPARE(model.counts().labelled, std::int64_t{3});
        model.applyLabels({{4, 0}}); // the unreadable file: counted apart either way
        QCOMPARE(model.counts().labelled, std::int64_t{3});
        QCOMPARE(model.counts().unreadable, std::int64_t{1});

        model.applySplits({{5, "val"}});
        QCOMPARE(model.index(0, SampleModel::SplitColumn).data().toString(), QString("val"));
    }

    // A mass change repaints once: a signal per row would make Qt's views compute a
    // rectangle per changed cell.
    void manyChangesRepaintOnceAndKeepTheCountsRight() {
        kestrel::dataset::SampleCatalog big;
        for (std::int64_t id = 1; id <= 1000; ++id) {
            CatalogSample sample;
            sample.id = id;
            sample.status = "ok";
            big.samples.push_back(sample);
        }
        big.classes = {{1, "good", "#00ff00", 1, 0, 0}};
        SampleModel model;
        model.setCatalog(big);
        std::vector<kestrel::dataset::LabelChange> changes;
        for (std::int64_t id = 1; id <= 1000; id += 2) {
            changes.push_back({id, 1});
        }
        QSignalSpy rows(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        model.applyLabels(changes);
        QCOMPARE(rows.size(), 0);
        QCOMPARE(layout.size(), 1);
        QCOMPARE(model.counts().labelled, std::int64_t{500});
        QCOMPARE(model.sample(999)->classId, std::int64_t{1});

        // Counts alone change with every label: no repaint for those.
        model.setClasses({{1, "good", "#00ff00", 1, 500, 0}});
        QCOMPARE(layout.size(), 1);
        model.setClasses({{1, "fine", "#00ff00", 1, 500, 0}});
        QCOMPARE(layout.size(), 2);
    }

    void aReviewFiltersSortsAndBadgesAgainstTheLabelsOfNow() {
        SampleModel model;
        model.setCatalog(catalog());
        auto review = std::make_shared<kestrel::widgets::SampleReview>();
        review->runTitle = "run #3";
        review->auditTitle = "label audit #1";
        // c: right; a: labelled scratch, predicted good with confidence; B: unlabelled, unsure;
        // e: no prediction but flagged by the audit as good.
        review->samples[1] = {"good", 0.9f, 0.1f, 0.8f, {}, 0, 0, {}};
        review->samples[2] = {"good", 0.95f, 3.0f, 0.9f, "good", 0.9f, 1, {}};
        review->samples[3] = {"scratch", 0.55f, 0.0f, 0.1f, {}, 0, 0, {}};
        review->samples[5] = {{}, -1, 0, 0, "scratch", 0.7f, 2, {}};
        model.setReview(review);
        QCOMPARE(model.review()->runTitle, QString("run #3"));

        auto show = [&model](SampleFilter::Show what) {
            SampleFilter filter;
            filter.show = what;
            model.setFilter(filter);
            return names(model);
        };
        QCOMPARE(show(SampleFilter::Show::Misclassified), std::vector<std::string>{"a.png"});
        QCOMPARE(show(SampleFilter::Show::LowConfidence), std::vector<std::string>{"B.png"});
        QCOMPARE(show(SampleFilter::Show::LikelyLabelErrors),
                 (std::vector<std::string>{"a.png", "e.png"}));

        show(SampleFilter::Show::All);
        model.sort(SampleModel::ConfidenceColumn);
        QCOMPARE(names(model), (std::vector<std::string>{"B.png", "c.png", "a.png", "d.png",
                                                         "e.png"})); // unknown ones last
        model.sort(SampleModel::LossColumn);
        QCOMPARE(names(model).front(), std::string("a.png"));
        model.sort(SampleModel::SuggestedColumn);
        QCOMPARE(names(model).front(), std::string("a.png"));
        QCOMPARE(names(model).at(1), std::string("e.png"));

        const int a = model.rowOf(2);
        QCOMPARE(model.index(a, 0).data(SampleModel::ReviewBadgeRole).toString(),
                 QString("→ good"));
        QCOMPARE(model.index(a, 0).data(SampleModel::ReviewFlagRole).toInt(), 2);
        QCOMPARE(model.index(a, 0).data(SampleModel::SuggestedClassRole).toLongLong(), 1);
        QCOMPARE(model.index(a, SampleModel::ConfidenceColumn).data().toString(), QString("95.0%"));
        QCOMPARE(model.index(a, SampleModel::SuggestedColumn).data().toString(),
                 QString("#1 good"));
        QVERIFY(model.index(a, 0).data(Qt::ToolTipRole).toString().contains("press A"));
        QCOMPARE(model.index(model.rowOf(1), 0).data(SampleModel::ReviewBadgeRole).toString(),
                 QString("good 90%"));

        // Relabelled as suggested: no longer misclassified, no longer an open suggestion.
        model.applyLabels({{2, 1}});
        QCOMPARE(model.index(a, 0).data(SampleModel::ReviewFlagRole).toInt(), 0);
        QCOMPARE(model.index(a, 0).data(SampleModel::SuggestedClassRole).toLongLong(), 0);
        QCOMPARE(show(SampleFilter::Show::Misclassified), std::vector<std::string>{});

        model.setReview(nullptr);
        QVERIFY(!model.index(0, SampleModel::PredictedColumn).data().isValid());
        QCOMPARE(show(SampleFilter::Show::LikelyLabelErrors), std::vector<std::string>{});
    }

    void aSegmentationReviewShowsEachImagesIouAndSortsTheWorstFirst() {
        SampleModel model;
        model.setCatalog(catalog());
        auto review = std::make_shared<kestrel::widgets::SampleReview>();
        review->runTitle = "run #4";
        review->segmentation = true;
        review->goodClass = "good";
        // The loss of a segmentation score is 1 - the image's IoU over its defects.
        review->samples[1] = {"OK", 0.97f, 0.0f, 0.9f, {}, 0, 0, {}};  // IoU 1
        review->samples[2] = {"NG", 0.88f, 0.75f, 0.7f, {}, 0, 0, {}}; // IoU 0.25
        review->samples[3] = {"NG", 0.60f, 0.4f, 0.2f, {}, 0, 0, {}};  // IoU 0.60
        // The samples are unlabelled (as COCO imports them): the drawn regions' verdict,
        // kept with the prediction, says which verdicts were wrong.
        review->samples[1].truthVerdict = "NG";
        review->samples[2].truthVerdict = "NG";
        review->samples[3].truthVerdict = "OK";
        model.setReview(review);
        SampleFilter wrong;
        wrong.show = SampleFilter::Show::Misclassified;
        model.setFilter(wrong);
        auto shown = names(model);
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, (std::vector<std::string>{"B.png", "c.png"}));
        model.setFilter(SampleFilter{});
        QCOMPARE(
            model.headerData(SampleModel::LossColumn, Qt::Horizontal, Qt::DisplayRole).toString(),
            QString("IoU"));
        model.sort(SampleModel::LossColumn);
        QCOMPARE(names(model),
                 (std::vector<std::string>{"a.png", "B.png", "c.png", "d.png", "e.png"}));
        const int a = model.rowOf(2);
        QCOMPARE(model.index(a, SampleModel::LossColumn).data().toString(), QString("0.25"));
        QVERIFY(model.index(a, 0).data(Qt::ToolTipRole).toString().contains("IoU 0.25"));

        review = std::make_shared<kestrel::widgets::SampleReview>(*review);
        review->segmentation = false;
        model.setReview(review);
        QCOMPARE(
            model.headerData(SampleModel::LossColumn, Qt::Horizontal, Qt::DisplayRole).toString(),
            QString("Loss"));
    }

    // A segmentation or detection sample carries shapes, not a label: its caption names them.
    void anUnlabelledSampleIsCaptionedByTheKindsOfShapeItHas() {
        using kestrel::widgets::kBoxFlag;
        using kestrel::widgets::kMaskFlag;
        using kestrel::widgets::kPolygonFlag;
        QCOMPARE(SampleModel::unlabelledCaption(0), QString("unlabelled"));
        QCOMPARE(SampleModel::unlabelledCaption(kMaskFlag), QString("masks"));
        QCOMPARE(SampleModel::unlabelledCaption(kBoxFlag | kPolygonFlag | kMaskFlag),
                 QString("boxes, polygons, masks"));

        SampleModel model;
        model.setCatalog(catalog());
        model.setShapeKinds({{3, kMaskFlag}});
        const auto kindsOf = [&](std::int64_t sampleId) {
            for (int row = 0; row < model.rowCount(); ++row) {
                if (model.sampleAt(row)->id == sampleId) {
                    return model.index(row, 0).data(SampleModel::ShapeKindsRole).toUInt();
                }
            }
            return 99U;
        };
        QCOMPARE(kindsOf(3), unsigned(kMaskFlag));
        QCOMPARE(kindsOf(5), 0U);

        // Only an edit that changes a sample's kinds says so (the viewer's caption follows).
        QSignalSpy changed(&model, &SampleModel::shapeKindsChanged);
        kestrel::annotations::Shape box;
        box.kind = kestrel::annotations::ShapeKind::Box;
        box.box = {1, 1, 2, 2};
        model.setSampleShapes(5, {box});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<std::int64_t>(), std::int64_t(5));
        QCOMPARE(kindsOf(5), unsigned(kBoxFlag));
        model.setSampleShapes(5, {box, box});
        QCOMPARE(changed.size(), 1);
        model.setSampleShapes(5, {});
        QCOMPARE(changed.size(), 2);
        QCOMPARE(kindsOf(5), 0U);
    }

    void thumbnailsAreAskedForOnlyWhenACellIsDrawn() {
        SampleModel model;
        RecordingThumbnails thumbnails;
        model.setThumbnailSource(&thumbnails);
        model.setCatalog(catalog());
        QVERIFY(thumbnails.asked.empty());
        QVERIFY(!model.index(1, 0).data(Qt::DecorationRole).value<QImage>().isNull());
        QCOMPARE(thumbnails.asked, std::set<std::int64_t>{2});
        // An unreadable sample has no thumbnail to ask for.
        QVERIFY(!model.index(3, 0).data(Qt::DecorationRole).isValid());
        QVERIFY(model.index(0, 0).data(SampleModel::NoPictureRole).toBool());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        emit thumbnails.thumbnailReady(2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 1);
    }
};

QTEST_MAIN(SampleModelTest)
#include "sample_model_test.moc"
