// The browser's review choices: filters and sort orders over what a run predicted and what a
// label audit suggests. They are offered only while the model has a review to show.
#include "sample_browser.h"

#include <QComboBox>
#include <QListView>
#include <QStandardItemModel>

namespace kestrel::widgets {

namespace {

constexpr int kFirstReviewSort = SampleModel::PredictedColumn;

bool isReviewShow(int show) {
    return show >= int(SampleFilter::Show::Misclassified);
}

void enableItems(QComboBox* box, bool enabled, bool (*isReview)(int)) {
    auto* items = qobject_cast<QStandardItemModel*>(box->model());
    for (int i = 0; items && i < box->count(); ++i) {
        if (isReview(box->itemData(i).toInt())) {
            items->item(i)->setEnabled(enabled);
        }
    }
}

} // namespace

void SampleBrowser::addReviewChoices() {
    showFilter_->addItem(tr("Misclassified"), int(SampleFilter::Show::Misclassified));
    showFilter_->addItem(tr("Low confidence"), int(SampleFilter::Show::LowConfidence));
    showFilter_->addItem(tr("Likely label errors"), int(SampleFilter::Show::LikelyLabelErrors));
    sortBy_->addItem(tr("Predicted class"), int(SampleModel::PredictedColumn));
    sortBy_->addItem(tr("Confidence, lowest first"), int(SampleModel::ConfidenceColumn));
    sortBy_->addItem(tr("Loss, highest first"), int(SampleModel::LossColumn));
    sortBy_->addItem(tr("Margin, smallest first"), int(SampleModel::MarginColumn));
    sortBy_->addItem(tr("Label error rank"), int(SampleModel::SuggestedColumn));
    updateReviewChoices();
}

void SampleBrowser::updateReviewChoices() {
    const bool available = model_->review() != nullptr;
    enableItems(showFilter_, available, isReviewShow);
    enableItems(sortBy_, available, [](int column) { return column >= kFirstReviewSort; });
    // A segmentation run's loss column is each image's IoU: the same order, worst first.
    const bool segmentation = available && model_->review()->segmentation;
    sortBy_->setItemText(sortBy_->findData(int(SampleModel::LossColumn)),
                         segmentation ? tr("IoU, lowest first") : tr("Loss, highest first"));
    QStringList sources;
    if (available) {
        for (const QString& title : {model_->review()->runTitle, model_->review()->auditTitle}) {
            if (!title.isEmpty()) {
                sources << title;
            }
        }
    }
    const QString tip = available ? tr("Review: %1").arg(sources.join(QStringLiteral(", ")))
                                  : tr("Train a run or audit the labels to review predictions");
    showFilter_->setToolTip(tip);
    sortBy_->setToolTip(tip);
}

void SampleBrowser::showReview(SampleFilter::Show show) {
    clearFilters();
    showFilter_->setCurrentIndex(showFilter_->findData(int(show)));
    const int sortColumn =
        show == SampleFilter::Show::LikelyLabelErrors ? SampleModel::SuggestedColumn
        : show == SampleFilter::Show::Misclassified   ? SampleModel::LossColumn
                                                      : SampleModel::ConfidenceColumn;
    sortBy_->setCurrentIndex(sortBy_->findData(sortColumn));
    applyFilter();
    if (model_->rowCount() > 0) {
        setCurrentSample(model_->sampleAt(0)->id);
    }
}

} // namespace kestrel::widgets
