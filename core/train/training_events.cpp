#include "train/training_events.h"

namespace kestrel::train {

std::string toString(TrainingFinished::Status status) {
    switch (status) {
    case TrainingFinished::Status::Completed:
        return "completed";
    case TrainingFinished::Status::Cancelled:
        return "cancelled";
    case TrainingFinished::Status::Failed:
        return "failed";
    case TrainingFinished::Status::Interrupted:
        return "interrupted";
    }
    return "failed";
}

void ObserverPair::started(const TrainingStarted& event) {
    first_.started(event);
    second_.started(event);
}

void ObserverPair::batchDone(const BatchDone& event) {
    first_.batchDone(event);
    second_.batchDone(event);
}

void ObserverPair::epochDone(const EpochDone& event) {
    first_.epochDone(event);
    second_.epochDone(event);
}

void ObserverPair::checkpointSaved(const CheckpointSaved& event) {
    first_.checkpointSaved(event);
    second_.checkpointSaved(event);
}

void ObserverPair::finished(const TrainingFinished& event) {
    first_.finished(event);
    second_.finished(event);
}

} // namespace kestrel::train
