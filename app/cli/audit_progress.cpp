#include "audit_progress.h"

#include "duration_text.h"

#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

namespace kestrel::cli {

namespace {

using Clock = std::chrono::steady_clock;

} // namespace

AuditProgressPrinter::AuditProgressPrinter(std::ostream& out, bool terminal)
    : out_(out), terminal_(terminal), start_(Clock::now()) {}

void AuditProgressPrinter::foldStarted(const review::AuditFoldStarted& event) {
    clearBar();
    out_ << "Fold " << event.fold + 1 << "/" << event.folds << ": training on "
         << event.trainSamples << " samples, then scoring the " << event.heldOutSamples
         << " held out.\n"
         << std::flush;
}

void AuditProgressPrinter::progress(const review::AuditProgress& event) {
    if (!terminal_) {
        return;
    }
    const auto now = Clock::now();
    if (barShown_ && now - lastDraw_ < std::chrono::milliseconds(100)) {
        return;
    }
    lastDraw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = event.fraction > 0 ? elapsed * (1 - event.fraction) / event.fraction : 0;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(event.fraction * kWidth);
    std::ostringstream line;
    line << "\r fold " << event.fold + 1 << "/" << event.folds << " epoch " << event.epoch + 1
         << "/" << event.epochs << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << std::setw(3)
         << static_cast<int>(event.fraction * 100) << "%  loss " << std::fixed
         << std::setprecision(4) << event.loss << "  ETA " << durationText(eta) << "   ";
    out_ << line.str() << std::flush;
    barShown_ = true;
}

void AuditProgressPrinter::foldDone(const review::AuditFoldDone& event) {
    clearBar();
    out_ << "Fold " << event.fold + 1 << "/" << event.folds << ": the model agrees with "
         << event.agreeing << " of " << event.heldOutSamples << " held-out labels.\n"
         << std::flush;
}

void AuditProgressPrinter::finished(const review::LabelAuditOutcome& outcome) {
    clearBar();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    out_ << "Audit " << review::toString(outcome.status) << " in " << durationText(elapsed) << ".\n"
         << std::flush;
}

void AuditProgressPrinter::clearBar() {
    if (barShown_) {
        out_ << "\r" << std::string(100, ' ') << "\r";
        barShown_ = false;
    }
}

} // namespace kestrel::cli
