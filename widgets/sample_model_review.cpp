// The review's part of SampleModel: what a run predicted and what a label audit suggests,
// as columns, roles, filters and sort keys.
#include "sample_model.h"

#include <cmath>

namespace kestrel::widgets {

using dataset::CatalogSample;

namespace {

// Sort keys are integers; a probability or a loss to a millionth is plenty to order by.
std::int64_t keyOf(float value) {
    return static_cast<std::int64_t>(std::llround(static_cast<double>(value) * 1e6));
}

QString percent(float probability) {
    return QString::number(static_cast<double>(probability) * 100.0, 'f', 1) + QLatin1Char('%');
}

QString anomalyScore(float score) {
    return QString::number(static_cast<double>(score), 'f', 2);
}

} // namespace

std::int64_t SampleModel::classIdNamed(const QString& name) const {
    for (const auto& info : classes_) {
        if (QString::fromStdString(info.name) == name) {
            return info.id;
        }
    }
    return 0;
}

bool SampleModel::isMisclassified(const CatalogSample& s, const ReviewedSample& reviewed) const {
    if (reviewed.confidence < 0) {
        return false;
    }
    if (review_->judgesVerdicts() && !reviewed.truthVerdict.isEmpty()) {
        return reviewed.truthVerdict != reviewed.predicted; // the drawn regions' verdict
    }
    if (s.classId == 0) {
        return false;
    }
    const auto* info = classInfo(s.classId);
    if (review_->anomaly) { // a verdict on the good class: wrong when it disagrees with the label
        const bool good = info && QString::fromStdString(info->name) == review_->goodClass;
        return good != (reviewed.predicted == QLatin1String("good"));
    }
    if (review_->judgesVerdicts()) { // a verdict too: NG is right for a defect class's label
        const bool good = info && QString::fromStdString(info->name) == review_->goodClass;
        return good != (reviewed.predicted == QLatin1String("OK"));
    }
    return !info || QString::fromStdString(info->name) != reviewed.predicted;
}

bool SampleModel::reviewMatches(const CatalogSample& sample) const {
    const ReviewedSample* reviewed = review_ ? review_->find(sample.id) : nullptr;
    if (!reviewed) {
        return false;
    }
    switch (filter_.show) {
    case SampleFilter::Show::Misclassified:
        return isMisclassified(sample, *reviewed);
    case SampleFilter::Show::LowConfidence:
        if (review_->anomaly) {
            return reviewed->confidence >= 0 &&
                   std::abs(reviewed->confidence - 0.5f) < kNearAnomalyThreshold;
        }
        return reviewed->confidence >= 0 && reviewed->confidence < kLowConfidence;
    case SampleFilter::Show::LikelyLabelErrors:
        return reviewed->auditRank > 0;
    default:
        return true;
    }
}

std::pair<std::int64_t, std::int64_t> SampleModel::reviewSortKey(const CatalogSample& s) const {
    const ReviewedSample* reviewed = review_ ? review_->find(s.id) : nullptr;
    // Samples the review says nothing about sort after the rest, in either direction's
    // natural reading: keys are built so that ascending puts the most telling first.
    if (!reviewed) {
        return {INT64_MAX, s.nameOrder};
    }
    const bool predicted = reviewed->confidence >= 0;
    switch (sortColumn_) {
    case PredictedColumn:
        return {predicted ? classIdNamed(reviewed->predicted) : INT64_MAX, s.nameOrder};
    case ConfidenceColumn:
        return {predicted ? keyOf(reviewed->confidence) : INT64_MAX, s.nameOrder};
    case LossColumn: // highest first when ascending: the worst fits lead
        return {predicted ? -keyOf(reviewed->loss) : INT64_MAX, s.nameOrder};
    case MarginColumn:
        return {predicted ? keyOf(reviewed->margin) : INT64_MAX, s.nameOrder};
    case SuggestedColumn:
        return {reviewed->auditRank > 0 ? reviewed->auditRank : INT64_MAX, s.nameOrder};
    default:
        return {s.nameOrder, 0};
    }
}

QVariant SampleModel::reviewData(const CatalogSample& s, int column, int role) const {
    const ReviewedSample* reviewed = review_ ? review_->find(s.id) : nullptr;
    if (!reviewed) {
        return {};
    }
    const bool predicted = reviewed->confidence >= 0;
    const bool flagged = reviewed->auditRank > 0;
    const auto* info = classInfo(s.classId);
    const bool fixed = flagged && info && QString::fromStdString(info->name) == reviewed->suggested;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case PredictedColumn:
            return reviewed->predicted;
        case ConfidenceColumn:
            if (predicted && review_->anomaly) {
                return anomalyScore(reviewed->confidence);
            }
            return predicted ? percent(reviewed->confidence) : QString();
        case LossColumn:                              // an anomaly detector has no loss per sample
            if (predicted && review_->segmentation) { // the loss is 1 - the image's IoU
                return QString::number(1.0 - static_cast<double>(reviewed->loss), 'f', 2);
            }
            return predicted && !review_->anomaly
                       ? QString::number(static_cast<double>(reviewed->loss), 'f', 3)
                       : QString();
        case MarginColumn:
            return predicted ? QString::number(static_cast<double>(reviewed->margin), 'f', 3)
                             : QString();
        case SuggestedColumn:
            return flagged
                       ? QStringLiteral("#%1 %2").arg(reviewed->auditRank).arg(reviewed->suggested)
                       : QString();
        default:
            return {};
        }
    case ReviewBadgeRole:
        if (flagged && !fixed) {
            return QStringLiteral("→ ") + reviewed->suggested;
        }
        if (predicted && review_->anomaly) {
            return reviewed->predicted + QLatin1Char(' ') + anomalyScore(reviewed->confidence);
        }
        return predicted
                   ? reviewed->predicted + QLatin1Char(' ') +
                         QString::number(qRound(reviewed->confidence * 100.0f)) + QLatin1Char('%')
                   : QString();
    case ReviewFlagRole:
        return flagged && !fixed ? 2 : isMisclassified(s, *reviewed) ? 1 : 0;
    case SuggestedClassRole:
        return QVariant::fromValue<qint64>(flagged && !fixed ? classIdNamed(reviewed->suggested)
                                                             : 0);
    case Qt::ToolTipRole: {
        QStringList lines;
        if (predicted && review_->anomaly) {
            lines << tr("%1: anomaly score %2, %3 (a defect from 0.50)")
                         .arg(review_->runTitle, anomalyScore(reviewed->confidence),
                              reviewed->predicted);
        } else if (predicted && review_->segmentation) {
            lines << tr("%1: %2 (%3), IoU %4 over the defects drawn or predicted")
                         .arg(review_->runTitle, reviewed->predicted, percent(reviewed->confidence))
                         .arg(1.0 - static_cast<double>(reviewed->loss), 0, 'f', 2);
        } else if (predicted) {
            lines << tr("%1 predicts %2 (%3), loss %4, margin %5")
                         .arg(review_->runTitle, reviewed->predicted, percent(reviewed->confidence))
                         .arg(static_cast<double>(reviewed->loss), 0, 'f', 3)
                         .arg(static_cast<double>(reviewed->margin), 0, 'f', 3);
        }
        if (flagged) {
            lines << (fixed
                          ? tr("%1: relabelled as suggested (%2)")
                                .arg(review_->auditTitle, reviewed->suggested)
                          : tr("%1: likely label error #%2, suggests %3 (%4) — press A to "
                               "accept")
                                .arg(review_->auditTitle)
                                .arg(reviewed->auditRank)
                                .arg(reviewed->suggested, percent(reviewed->suggestedProbability)));
        }
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    default:
        return {};
    }
}

QVariant SampleModel::reviewHeader(int section) {
    switch (section) {
    case PredictedColumn:
        return tr("Predicted");
    case ConfidenceColumn:
        return tr("Confidence");
    case LossColumn:
        return tr("Loss");
    case MarginColumn:
        return tr("Margin");
    case SuggestedColumn:
        return tr("Suggested");
    default:
        return {};
    }
}

} // namespace kestrel::widgets
