#include "runs_table_model.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace kestrel::widgets {

namespace {

const QChar kMissing(0x2013); // an en dash where a value is not known

std::optional<double> metric(const RunRow& run, const char* name) {
    const auto found = run.metrics.find(QString::fromLatin1(name));
    if (found == run.metrics.end() || !std::isfinite(found->second)) {
        return std::nullopt;
    }
    return found->second;
}

QString percent(std::optional<double> fraction) {
    return fraction ? QLocale().toString(*fraction * 100, 'f', 1) + QLatin1Char('%')
                    : QString(kMissing);
}

QDateTime created(const RunRow& run) {
    return QDateTime::fromString(run.createdAt, Qt::ISODateWithMs).toLocalTime();
}

// Where a status sorts: what needs attention (running, queued) first, failures last.
int statusRank(const QString& status) {
    static const QStringList order = {"running",     "queued",    "completed",
                                      "interrupted", "cancelled", "failed"};
    const auto rank = order.indexOf(status);
    return rank < 0 ? static_cast<int>(order.size()) : static_cast<int>(rank);
}

} // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<RunRow> runs) {
    std::map<std::int64_t, RunRow*> wanted;
    for (RunRow& run : runs) {
        wanted.emplace(run.id, &run); // a repeated id keeps its first row
    }
    // Removed runs go in contiguous blocks from the end, so the rows before stay valid.
    for (int last = rowCount() - 1; last >= 0;) {
        if (wanted.count(runs_[static_cast<std::size_t>(last)].id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wanted.count(runs_[static_cast<std::size_t>(first - 1)].id)) {
            --first;
        }
        beginRemoveRows({}, first, last);
        runs_.erase(runs_.begin() + first, runs_.begin() + last + 1);
        endRemoveRows();
        last = first - 1;
    }
    for (int row = 0; row < rowCount(); ++row) {
        RunRow& kept = runs_[static_cast<std::size_t>(row)];
        const auto found = wanted.find(kept.id);
        if (*found->second != kept) {
            kept = std::move(*found->second);
            rowChanged(row);
        }
        wanted.erase(found);
    }
    std::vector<RunRow> added;
    for (RunRow& run : runs) {
        if (wanted.erase(run.id)) {
            added.push_back(std::move(run));
        }
    }
    if (!added.empty()) {
        beginInsertRows({}, rowCount(), rowCount() + static_cast<int>(added.size()) - 1);
        runs_.insert(runs_.end(), std::make_move_iterator(added.begin()),
                     std::make_move_iterator(added.end()));
        endInsertRows();
    }
}

void RunsTableModel::updateRun(const RunRow& run) {
    const int row = rowOf(run.id);
    if (row < 0) {
        beginInsertRows({}, rowCount(), rowCount());
        runs_.push_back(run);
        endInsertRows();
    } else if (runs_[static_cast<std::size_t>(row)] != run) {
        runs_[static_cast<std::size_t>(row)] = run;
        rowChanged(row);
    }
}

const RunRow* RunsTableModel::runAt(int row) const {
    return row >= 0 && row < rowCount() ? &runs_[static_cast<std::size_t>(row)] : nullptr;
}

const RunRow* RunsTableModel::run(std::int64_t id) const {
    return runAt(rowOf(id));
}

int RunsTableModel::rowOf(std::int64_t id) const {
    for (std::size_t row = 0; row < runs_.size(); ++row) {
        if (runs_[row].id == id) {
            return static_cast<int>(row);
        }
    }
    return -1;
}

QString RunsTableModel::statusText(const QString& status) {
    if (status == QLatin1String("queued")) {
        return tr("Queued");
    }
    if (status == QLatin1String("running")) {
        return tr("Running");
    }
    if (status == QLatin1String("completed")) {
        return tr("Completed");
    }
    if (status == QLatin1String("cancelled")) {
        return tr("Cancelled");
    }
    if (status == QLatin1String("failed")) {
        return tr("Failed");
    }
    if (status == QLatin1String("interrupted")) {
        return tr("Interrupted");
    }
    return status; // a status newer than this view: shown as stored
}

QString RunsTableModel::durationText(double seconds) {
    if (!(seconds >= 0) || !std::isfinite(seconds)) {
        return QString(kMissing);
    }
    const auto total = std::llround(seconds);
    if (total < 60) {
        return tr("%1 s").arg(total);
    }
    if (total < 3600) {
        return tr("%1 min %2 s").arg(total / 60).arg(total % 60);
    }
    return tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    const RunRow* run = index.isValid() ? runAt(index.row()) : nullptr;
    if (!run) {
        return {};
    }
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(*run, column);
    case Qt::DecorationRole:
        return column == StatusColumn ? QVariant(statusIcon(run->status)) : QVariant();
    case Qt::ToolTipRole:
        return toolTip(*run, column);
    case Qt::TextAlignmentRole:
        switch (column) {
        case RunColumn:
        case ValAccuracyColumn:
        case TestAccuracyColumn:
        case ValLossColumn:
        case EpochsColumn:
        case DurationColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case RunIdRole:
        return static_cast<qlonglong>(run->id);
    case SortRole:
        return sortKey(*run, column);
    case FilterRole:
        return QStringList({run->model, run->task, run->tags.join(QLatin1Char(' ')), run->notes,
                            run->status, statusText(run->status)})
            .join(QLatin1Char('\n'));
    default:
        return {};
    }
}

QVariant RunsTableModel::display(const RunRow& run, int column) const {
    switch (column) {
    case RunColumn:
        return QStringLiteral("#%1").arg(run.id);
    case StatusColumn:
        return statusText(run.status);
    case ModelColumn:
        return run.model;
    case ValAccuracyColumn:
        return percent(metric(run, "val_accuracy"));
    case TestAccuracyColumn:
        return percent(metric(run, "test_accuracy"));
    case ValLossColumn: {
        const auto loss = metric(run, "val_loss");
        return loss ? QLocale().toString(*loss, 'f', 3) : QString(kMissing);
    }
    case EpochsColumn:
        if (run.epochs > 0) {
            return QStringLiteral("%1/%2").arg(run.epochsDone).arg(run.epochs);
        }
        return run.epochsDone > 0 ? QString::number(run.epochsDone) : QString(kMissing);
    case DurationColumn:
        return durationText(run.durationSeconds);
    case DeviceColumn:
        return run.device;
    case TagsColumn:
        return run.tags.join(QStringLiteral(", "));
    case CreatedColumn: {
        const QDateTime when = created(run);
        return when.isValid() ? when.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : run.createdAt;
    }
    case NotesColumn:
        return run.notes.section(QLatin1Char('\n'), 0, 0); // the rest is in the tooltip
    default:
        return {};
    }
}

// Unknown metrics sort as the worst value, so the best runs lead in the natural order.
QVariant RunsTableModel::sortKey(const RunRow& run, int column) const {
    switch (column) {
    case RunColumn:
        return static_cast<qlonglong>(run.id);
    case StatusColumn:
        return statusRank(run.status);
    case ValAccuracyColumn:
        return metric(run, "val_accuracy").value_or(-1.0);
    case TestAccuracyColumn:
        return metric(run, "test_accuracy").value_or(-1.0);
    case ValLossColumn:
        return metric(run, "val_loss").value_or(std::numeric_limits<double>::infinity());
    case EpochsColumn:
        return static_cast<qlonglong>(run.epochsDone);
    case DurationColumn:
        return run.durationSeconds;
    case CreatedColumn: {
        const QDateTime when = created(run);
        return when.isValid() ? when.toMSecsSinceEpoch() : qint64(0);
    }
    default:
        return display(run, column).toString().toLower();
    }
}

QString RunsTableModel::toolTip(const RunRow& run, int column) const {
    if (column == NotesColumn && !run.notes.isEmpty()) {
        return run.notes;
    }
    if (column == CreatedColumn && created(run).isValid()) {
        return QLocale().toString(created(run), QLocale::LongFormat);
    }
    if (column == ModelColumn && !run.task.isEmpty()) {
        return tr("%1, trained for %2").arg(run.model, run.task);
    }
    if (column == ValAccuracyColumn) {
        if (const auto iou = metric(run, "val_miou")) { // segmentation: accuracy is per pixel
            return tr("Validation pixel accuracy %1, mean IoU %2")
                .arg(percent(metric(run, "val_accuracy")), QLocale().toString(*iou, 'f', 3));
        }
        if (const auto map50 = metric(run, "val_map50")) { // detection: accuracy is per part
            return tr("Validation accuracy %1 (parts judged OK or NG rightly), mAP50 %2")
                .arg(percent(metric(run, "val_accuracy")), QLocale().toString(*map50, 'f', 3));
        }
        if (const auto f1 = metric(run, "val_macro_f1")) {
            return tr("Validation accuracy %1, macro F1 %2")
                .arg(percent(metric(run, "val_accuracy")), QLocale().toString(*f1, 'f', 3));
        }
    }
    QString tip = statusText(run.status);
    if (run.status == QLatin1String("failed")) {
        tip = run.error.isEmpty() ? tr("Failed; no reason was recorded.")
                                  : tr("Failed: %1").arg(run.error);
    } else if (run.status == QLatin1String("interrupted")) {
        tip = tr("Interrupted: the app stopped while the run was training.");
    } else if (run.status == QLatin1String("queued")) {
        tip = tr("Queued: starts when the device is free.");
    }
    if (run.resumable && run.status != QLatin1String("running")) {
        tip += QLatin1Char('\n') + tr("Can be resumed from its last checkpoint.");
    }
    return tip;
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
        return {};
    }
    static const char* const titles[ColumnCount] = {
        QT_TR_NOOP("Run"),          QT_TR_NOOP("Status"),        QT_TR_NOOP("Model"),
        QT_TR_NOOP("Val accuracy"), QT_TR_NOOP("Test accuracy"), QT_TR_NOOP("Val loss"),
        QT_TR_NOOP("Epochs"),       QT_TR_NOOP("Duration"),      QT_TR_NOOP("Device"),
        QT_TR_NOOP("Tags"),         QT_TR_NOOP("Created"),       QT_TR_NOOP("Notes")};
    static const char* const tips[ColumnCount] = {
        QT_TR_NOOP("The run's number in this project"),
        QT_TR_NOOP("Where the run is: queued, running, completed, cancelled, failed or "
                   "interrupted"),
        QT_TR_NOOP("The network architecture trained"),
        QT_TR_NOOP("Accuracy on the validation split, latest evaluation"),
        QT_TR_NOOP("Accuracy on the test split, measured once training ended"),
        QT_TR_NOOP("Loss on the validation split, latest evaluation; lower is better"),
        QT_TR_NOOP("Epochs trained of those planned"),
        QT_TR_NOOP("Training time"),
        QT_TR_NOOP("Where the run trained"),
        QT_TR_NOOP("Your tags for this run"),
        QT_TR_NOOP("When the run was created, local time"),
        QT_TR_NOOP("Your notes on this run")};
    if (role == Qt::DisplayRole) {
        return tr(titles[section]);
    }
    if (role == Qt::ToolTipRole) {
        return tr(tips[section]);
    }
    return {};
}

QIcon RunsTableModel::statusIcon(const QString& status) const {
    const auto cached = icons_.find(status);
    if (cached != icons_.end()) {
        return cached->second;
    }
    // Colour and shape both differ, for whoever cannot tell the colours apart.
    static const std::map<QString, QColor> colors = {
        {"queued", QColor(0x9e, 0x9e, 0x9e)},    {"running", QColor(0x1e, 0x88, 0xe5)},
        {"completed", QColor(0x43, 0xa0, 0x47)}, {"cancelled", QColor(0x75, 0x75, 0x75)},
        {"failed", QColor(0xe5, 0x39, 0x35)},    {"interrupted", QColor(0xfb, 0x8c, 0x00)}};
    const auto known = colors.find(status);
    const QColor color = known == colors.end() ? QColor(Qt::gray) : known->second;
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    if (status == QLatin1String("queued")) {
        painter.setPen(QPen(color, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QRectF(3, 3, 10, 10));
    } else if (status == QLatin1String("cancelled") || status == QLatin1String("failed")) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawRect(QRectF(3, 3, 10, 10)); // stopped runs are squares
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawEllipse(QRectF(2, 2, 12, 12));
    }
    painter.end();
    return icons_.emplace(status, QIcon(pixmap)).first->second;
}

void RunsTableModel::rowChanged(int row) {
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace kestrel::widgets
