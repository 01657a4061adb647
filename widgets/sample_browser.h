#pragma once

#include "sample_model.h"

#include <cstdint>
#include <memory>
#include <vector>

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QStackedWidget;
class QTableView;
class QTimer;
class QToolButton;

namespace kestrel::widgets {

class SampleModel;
struct SampleSubset;

// The sample list: a virtualized thumbnail grid and a detail table over one model and one
// selection, with filters by class, split, status and file name, and sorting.
class SampleBrowser : public QWidget {
    Q_OBJECT
public:
    explicit SampleBrowser(SampleModel* model, QWidget* parent = nullptr);

    SampleModel* model() const { return model_; }
    QListView* grid() const { return grid_; }
    QTableView* table() const { return table_; }
    bool isDetailMode() const;

    std::vector<std::int64_t> selectedSampleIds() const;
    std::size_t selectedCount() const;
    std::int64_t currentSampleId() const; // 0 when none
    void setCurrentSample(std::int64_t sampleId);

    // Rebuilds the class filter's entries after classes change; keeps the chosen class.
    void refreshClassFilter();

    const SampleSubset* subset() const { return subset_.get(); }

    // The model's new review (a run finished, another was chosen): the image looked at stays
    // selected when it is still listed.
    void setReview(std::shared_ptr<const SampleReview> review);

public slots:
    // Lists only `subset`'s samples (other filters cleared) under a banner saying what they
    // are, until Show all or clearFilters().
    void showSubset(std::shared_ptr<const kestrel::widgets::SampleSubset> subset);
    void setDetailMode(bool on);
    void selectNext();
    void selectPrevious();
    bool selectNextUnlabelled(); // from the current sample on, wrapping; false when none
    void focusSearch();
    void clearFilters();
    // Lists what the review marks (misclassified, low confidence, likely label errors),
    // sorted by what tells most first; other filters cleared.
    void showReview(kestrel::widgets::SampleFilter::Show show);

signals:
    void currentSampleChanged(std::int64_t sampleId);
    void selectionChanged();
    void filterChanged();

private:
    void applyFilter();
    void addReviewChoices();               // sample_browser_review.cpp
    void updateReviewChoices();            // enabled only with a review to show
    std::vector<int> selectedRows() const; // sorted, each once
    void moveCurrent(int step);
    QWidget* activeView() const;

    SampleModel* model_;
    QLineEdit* search_ = nullptr;
    QComboBox* classFilter_ = nullptr;
    QComboBox* splitFilter_ = nullptr;
    QComboBox* showFilter_ = nullptr;
    QComboBox* sortBy_ = nullptr;
    QToolButton* detailToggle_ = nullptr;
    QStackedWidget* views_ = nullptr;
    QListView* grid_ = nullptr;
    QTableView* table_ = nullptr;
    QTimer* searchDelay_ = nullptr;
    QWidget* subsetBanner_ = nullptr;
    QLabel* subsetTitle_ = nullptr;
    std::shared_ptr<const SampleSubset> subset_;
};

} // namespace kestrel::widgets
