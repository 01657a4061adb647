#include "sample_browser.h"

#include "sample_grid_delegate.h"
#include "sample_grid_view.h"
#include "sample_model.h"

#include <algorithm>
#include <utility>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

// The banner over a subset: what it is, how many, and what the thumbnails' scores are.
QString subsetCaption(const SampleSubset& subset) {
    const int count = static_cast<int>(subset.scores.size());
    switch (subset.kind) {
    case SampleSubset::Scores::AnomalyScore:
        return SampleBrowser::tr("%1: %n sample(s). Scores are anomaly scores (0.50 the "
                                 "threshold).",
                                 nullptr, count)
            .arg(subset.title);
    case SampleSubset::Scores::PixelCount:
        return SampleBrowser::tr("%1: %n image(s). Each shows how many of its pixels are in "
                                 "the cell.",
                                 nullptr, count)
            .arg(subset.title);
    case SampleSubset::Scores::BoxCount:
        return SampleBrowser::tr("%1: %n image(s). Each shows how many of its boxes are in "
                                 "the cell.",
                                 nullptr, count)
            .arg(subset.title);
    case SampleSubset::Scores::Confidence:
        break;
    }
    return SampleBrowser::tr("%1: %n sample(s). Scores are the model's confidence.", nullptr, count)
        .arg(subset.title);
}

// The table's rows are one line high: a QImage decoration would be drawn at the thumbnail's
// own size, so it is fitted into the view's icon size instead.
class FittedIconDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto* view = qobject_cast<const QAbstractItemView*>(parent());
        if (view && !option->decorationSize.isEmpty()) {
            option->decorationSize =
                option->decorationSize.scaled(view->iconSize(), Qt::KeepAspectRatio);
        }
    }
};

} // namespace

SampleBrowser::SampleBrowser(SampleModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    search_ = new QLineEdit;
    search_->setObjectName("sampleSearch");
    search_->setPlaceholderText(tr("Search names (Ctrl+F)"));
    search_->setClearButtonEnabled(true);
    classFilter_ = new QComboBox;
    classFilter_->setObjectName("classFilter");
    splitFilter_ = new QComboBox;
    splitFilter_->setObjectName("splitFilter");
    splitFilter_->addItem(tr("All splits"), QString());
    splitFilter_->addItem(tr("train"), QStringLiteral("train"));
    splitFilter_->addItem(tr("val"), QStringLiteral("val"));
    splitFilter_->addItem(tr("test"), QStringLiteral("test"));
    splitFilter_->addItem(tr("No split"), QStringLiteral("none"));
    showFilter_ = new QComboBox;
    showFilter_->setObjectName("showFilter");
    showFilter_->addItem(tr("All samples"), int(SampleFilter::Show::All));
    showFilter_->addItem(tr("Unlabelled"), int(SampleFilter::Show::Unlabelled));
    showFilter_->addItem(tr("Unreadable"), int(SampleFilter::Show::Unreadable));
    showFilter_->addItem(tr("Duplicates"), int(SampleFilter::Show::Duplicates));
    showFilter_->addItem(tr("Has boxes"), int(SampleFilter::Show::HasBoxes));
    showFilter_->addItem(tr("Has polygons"), int(SampleFilter::Show::HasPolygons));
    showFilter_->addItem(tr("Has masks"), int(SampleFilter::Show::HasMasks));
    showFilter_->addItem(tr("No regions"), int(SampleFilter::Show::NoShapes));
    sortBy_ = new QComboBox;
    sortBy_->setObjectName("sortBy");
    sortBy_->setToolTip(tr("The order of the samples"));
    sortBy_->addItem(tr("Import order"), -1);
    sortBy_->addItem(tr("Name"), int(SampleModel::NameColumn));
    sortBy_->addItem(tr("Label"), int(SampleModel::LabelColumn));
    sortBy_->addItem(tr("Split"), int(SampleModel::SplitColumn));
    sortBy_->addItem(tr("Size"), int(SampleModel::SizeColumn));
    addReviewChoices();
    detailToggle_ = new QToolButton;
    detailToggle_->setObjectName("detailToggle");
    detailToggle_->setText(tr("Details"));
    detailToggle_->setToolTip(tr("Switch between thumbnails and a detail list"));
    detailToggle_->setCheckable(true);
    refreshClassFilter();

    // Combos size to a short text, not their longest entry, so the bar fits beside the viewer.
    for (QComboBox* box : {classFilter_, splitFilter_, showFilter_, sortBy_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(6);
    }
    search_->setMinimumWidth(100);
    // Two short rows rather than one long one: the bar must not force the browser wider
    // than the thumbnails need. The order sits with the search, so that at 1024 px the three
    // filters and "Import order" each show their whole text.
    auto* searchRow = new QHBoxLayout;
    searchRow->addWidget(search_, 3);
    searchRow->addWidget(sortBy_, 2);
    searchRow->addWidget(detailToggle_);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(classFilter_, 1);
    filterRow->addWidget(splitFilter_, 1);
    filterRow->addWidget(showFilter_, 1);

    // List mode with wrapping and uniform sizes is Qt's fast path: layout is arithmetic, not
    // a per-item geometry table as in icon mode, so 100,000 cells cost nothing until drawn.
    grid_ = new SampleGridView;
    grid_->setObjectName("sampleGrid");
    grid_->setModel(model_);
    grid_->setItemDelegate(new SampleGridDelegate(grid_));
    grid_->setViewMode(QListView::ListMode);
    grid_->setFlow(QListView::LeftToRight);
    grid_->setWrapping(true);
    grid_->setResizeMode(QListView::Adjust);
    grid_->setUniformItemSizes(true);
    grid_->setSpacing(2);
    grid_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    grid_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);

    table_ = new QTableView;
    table_->setObjectName("sampleTable");
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setIconSize(QSize(28, 20));
    table_->setItemDelegate(new FittedIconDelegate(table_));
    table_->setWordWrap(false);
    table_->setSortingEnabled(false);
    table_->horizontalHeader()->setSectionsClickable(true);
    connect(table_->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int column) {
        const int current = sortBy_->findData(column);
        if (current >= 0) {
            sortBy_->setCurrentIndex(current);
        } else {
            model_->sort(column);
        }
    });

    views_ = new QStackedWidget;
    views_->addWidget(grid_);
    views_->addWidget(table_);

    subsetBanner_ = new QWidget;
    subsetBanner_->setObjectName("subsetBanner");
    subsetBanner_->setStyleSheet("#subsetBanner { background: #e4effb; border: 1px solid #9bbfe6; "
                                 "border-radius: 4px; }");
    subsetTitle_ = new QLabel;
    subsetTitle_->setObjectName("subsetTitle");
    subsetTitle_->setWordWrap(true);
    auto* showAll = new QToolButton;
    showAll->setObjectName("clearSubset");
    showAll->setText(tr("Show all"));
    showAll->setToolTip(tr("Leave this selection and list every sample again"));
    connect(showAll, &QToolButton::clicked, this, &SampleBrowser::clearFilters);
    auto* bannerRow = new QHBoxLayout(subsetBanner_);
    bannerRow->setContentsMargins(6, 3, 3, 3);
    bannerRow->addWidget(subsetTitle_, 1);
    bannerRow->addWidget(showAll);
    subsetBanner_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(subsetBanner_);
    layout->addLayout(searchRow);
    layout->addLayout(filterRow);
    layout->addWidget(views_, 1);

    // Typing filters after a short pause, not per key press, so a fast typist never waits.
    searchDelay_ = new QTimer(this);
    searchDelay_->setSingleShot(true);
    searchDelay_->setInterval(150);
    connect(searchDelay_, &QTimer::timeout, this, &SampleBrowser::applyFilter);
    connect(search_, &QLineEdit::textChanged, searchDelay_, qOverload<>(&QTimer::start));
    for (QComboBox* box : {classFilter_, splitFilter_, showFilter_}) {
        connect(box, &QComboBox::activated, this, &SampleBrowser::applyFilter);
    }
    connect(sortBy_, &QComboBox::currentIndexChanged, this, [this] {
        const int column = sortBy_->currentData().toInt();
        model_->sort(column);
        grid_->scrollTo(grid_->currentIndex());
    });
    connect(detailToggle_, &QToolButton::toggled, this, &SampleBrowser::setDetailMode);

    connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                emit currentSampleChanged(
                    current.isValid() ? current.data(SampleModel::SampleIdRole).toLongLong() : 0);
            });
    connect(grid_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SampleBrowser::selectionChanged);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        updateReviewChoices();
        emit selectionChanged();
        emit currentSampleChanged(0);
    });
}

bool SampleBrowser::isDetailMode() const {
    return views_->currentWidget() == table_;
}

QWidget* SampleBrowser::activeView() const {
    return views_->currentWidget();
}

void SampleBrowser::setDetailMode(bool on) {
    const QModelIndex current = grid_->currentIndex();
    const bool hadFocus = activeView()->hasFocus();
    // The table holds the model only while it is shown: attached, its header follows every
    // reset and relayout of 100,000 rows, which costs the grid's users for nothing.
    // setModel gives the table a selection model of its own each time; the grid's is the
    // one both views share, so the table's own ones are dropped.
    QItemSelectionModel* own = table_->selectionModel();
    if (on && table_->model() != model_) {
        table_->setModel(model_);
        QItemSelectionModel* created = table_->selectionModel();
        table_->setSelectionModel(grid_->selectionModel());
        created->deleteLater();
        table_->setColumnWidth(SampleModel::NameColumn, 200);
    } else if (!on && table_->model()) {
        table_->setModel(nullptr);
    }
    if (own && own != grid_->selectionModel() && own != table_->selectionModel()) {
        own->deleteLater();
    }
    views_->setCurrentWidget(on ? static_cast<QWidget*>(table_) : grid_);
    detailToggle_->setChecked(on);
    if (current.isValid()) {
        on ? table_->scrollTo(current) : grid_->scrollTo(current);
    }
    if (hadFocus) {
        activeView()->setFocus();
    }
}

void SampleBrowser::refreshClassFilter() {
    const qint64 chosen = classFilter_->currentData().toLongLong();
    classFilter_->clear();
    classFilter_->addItem(tr("All classes"), qint64{0});
    for (const auto& info : model_->classes()) {
        classFilter_->addItem(QString::fromStdString(info.name), qint64{info.id});
    }
    const int index = classFilter_->findData(chosen);
    classFilter_->setCurrentIndex(index >= 0 ? index : 0);
}

void SampleBrowser::applyFilter() {
    SampleFilter filter;
    filter.classId = classFilter_->currentData().toLongLong();
    filter.split = splitFilter_->currentData().toString();
    filter.show = static_cast<SampleFilter::Show>(showFilter_->currentData().toInt());
    filter.search = search_->text().trimmed();
    filter.subset = subset_;
    const std::int64_t current = currentSampleId();
    model_->setFilter(filter);
    if (current != 0 && model_->rowOf(current) >= 0) {
        setCurrentSample(current); // stays selected when it is still listed
    } else if (const auto* first = model_->sampleAt(0)) {
        setCurrentSample(first->id); // else the first listed, so the viewer shows something
    }
    emit filterChanged();
}

void SampleBrowser::showSubset(std::shared_ptr<const SampleSubset> subset) {
    subset_ = std::move(subset);
    subsetTitle_->setText(subset_ ? subsetCaption(*subset_) : QString());
    subsetBanner_->setVisible(subset_ != nullptr);
    search_->clear();
    classFilter_->setCurrentIndex(0);
    splitFilter_->setCurrentIndex(0);
    showFilter_->setCurrentIndex(0);
    applyFilter();
}

void SampleBrowser::clearFilters() {
    subset_.reset();
    subsetBanner_->hide();
    search_->clear();
    classFilter_->setCurrentIndex(0);
    splitFilter_->setCurrentIndex(0);
    showFilter_->setCurrentIndex(0);
    applyFilter();
}

std::vector<int> SampleBrowser::selectedRows() const {
    // From the selection's ranges, not selectedIndexes(): with everything selected in the
    // table that would build 600,000 indexes on every selection change.
    std::vector<int> rows;
    for (const QItemSelectionRange& range : grid_->selectionModel()->selection()) {
        for (int row = range.top(); row <= range.bottom(); ++row) {
            rows.push_back(row);
        }
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end()); // a row spans columns
    return rows;
}

std::size_t SampleBrowser::selectedCount() const {
    return selectedRows().size();
}

std::vector<std::int64_t> SampleBrowser::selectedSampleIds() const {
    const std::vector<int> rows = selectedRows();
    std::vector<std::int64_t> ids;
    ids.reserve(rows.size());
    for (const int row : rows) {
        if (const auto* sample = model_->sampleAt(row)) {
            ids.push_back(sample->id);
        }
    }
    return ids;
}

void SampleBrowser::setReview(std::shared_ptr<const SampleReview> review) {
    const std::int64_t current = currentSampleId();
    model_->setReview(std::move(review)); // a reset: the selection goes with it
    if (current != 0 && model_->rowOf(current) >= 0) {
        setCurrentSample(current);
    }
}

std::int64_t SampleBrowser::currentSampleId() const {
    const QModelIndex current = grid_->currentIndex();
    return current.isValid() ? current.data(SampleModel::SampleIdRole).toLongLong() : 0;
}

void SampleBrowser::setCurrentSample(std::int64_t sampleId) {
    const int row = model_->rowOf(sampleId);
    if (row < 0) {
        return;
    }
    const QModelIndex index = model_->index(row, SampleModel::NameColumn);
    grid_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    isDetailMode() ? table_->scrollTo(index) : grid_->scrollTo(index);
}

void SampleBrowser::moveCurrent(int step) {
    const int rows = model_->rowCount();
    if (rows == 0) {
        return;
    }
    const QModelIndex current = grid_->currentIndex();
    const int row = current.isValid() ? std::clamp(current.row() + step, 0, rows - 1) : 0;
    if (const auto* sample = model_->sampleAt(row)) {
        setCurrentSample(sample->id);
    }
}

void SampleBrowser::selectNext() {
    moveCurrent(1);
}

void SampleBrowser::selectPrevious() {
    moveCurrent(-1);
}

bool SampleBrowser::selectNextUnlabelled() {
    const int rows = model_->rowCount();
    const QModelIndex current = grid_->currentIndex();
    const int start = current.isValid() ? current.row() : -1;
    for (int step = 1; step <= rows; ++step) {
        const auto* sample = model_->sampleAt((start + step) % rows);
        if (sample && sample->classId == 0 && sample->status != "unreadable") {
            setCurrentSample(sample->id);
            return true;
        }
    }
    return false;
}

void SampleBrowser::focusSearch() {
    search_->setFocus();
    search_->selectAll();
}

} // namespace kestrel::widgets
