#pragma once

#include "review/label_audit.h"

#include <chrono>
#include <iosfwd>

namespace kestrel::cli {

// Shows a label audit on stderr: a line as each fold starts and ends, and between them a
// progress bar with ETA over the whole audit (redrawn at most ten times a second, and only
// on a terminal).
class AuditProgressPrinter : public review::LabelAuditObserver {
public:
    AuditProgressPrinter(std::ostream& out, bool terminal);

    void foldStarted(const review::AuditFoldStarted& event) override;
    void progress(const review::AuditProgress& event) override;
    void foldDone(const review::AuditFoldDone& event) override;
    void finished(const review::LabelAuditOutcome& outcome) override;

private:
    void clearBar();

    std::ostream& out_;
    bool terminal_;
    bool barShown_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_;
};

} // namespace kestrel::cli
