#pragma once

#include <cstdint>
#include <map>

#include <QString>
#include <QStringList>

namespace kestrel::widgets {

// One training run as the runs view shows it; the app fills it from the project's store.
struct RunRow {
    std::int64_t id = 0;
    QString status; // queued, running, completed, cancelled, failed, interrupted
    QString task;   // what the model is for: "classification" (core's TaskKind names)
    QString model;
    QString device;
    QString createdAt;           // ISO-8601 UTC text
    double durationSeconds = -1; // < 0: unknown / still running
    std::int64_t epochsDone = 0, epochs = 0;
    std::map<QString, double> metrics; // val_accuracy, val_loss, val_macro_f1, test_accuracy, ...
    std::map<QString, QString> params; // every run parameter, name -> text
    QString notes;
    QStringList tags;
    QString error;           // why it failed, may be empty
    bool resumable = false;  // interrupted/cancelled/failed with a checkpoint
    bool exportable = false; // has a best checkpoint

    bool operator==(const RunRow& other) const {
        return id == other.id && status == other.status && task == other.task &&
               model == other.model && device == other.device && createdAt == other.createdAt &&
               durationSeconds == other.durationSeconds && epochsDone == other.epochsDone &&
               epochs == other.epochs && metrics == other.metrics && params == other.params &&
               notes == other.notes && tags == other.tags && error == other.error &&
               resumable == other.resumable && exportable == other.exportable;
    }
    bool operator!=(const RunRow& other) const { return !(*this == other); }
};

} // namespace kestrel::widgets
