#include "cancel_on_interrupt.h"

#include <csignal>

namespace kestrel::cli {

namespace {

std::atomic<bool> interruptSignalled{false}; // set by SIGINT or SIGTERM

extern "C" void onTrainingInterrupt(int) {
    interruptSignalled = true;
}

} // namespace

CancelOnInterrupt::CancelOnInterrupt(std::function<void()> cancel) : cancel_(std::move(cancel)) {
    std::signal(SIGINT, onTrainingInterrupt);
    std::signal(SIGTERM, onTrainingInterrupt);
}

CancelOnInterrupt::~CancelOnInterrupt() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>& CancelOnInterrupt::interrupted() const {
    return interruptSignalled;
}

void CancelOnInterrupt::batchDone(const train::BatchDone&) {
    if (interruptSignalled && !cancelled_) {
        cancelled_ = true;
        std::signal(SIGINT, SIG_DFL);
        cancel_();
    }
}

} // namespace kestrel::cli
