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
    }
    return "failed";
}

} // namespace kestrel::train
