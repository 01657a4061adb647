#pragma once

#include <QString>

namespace kestrel::app {

// The sentence a fatal error shows: what happened and where the log is.
QString fatalErrorText(const QString& what, const QString& logFile);

// From now on, an exception nobody caught (on any thread) or a std::terminate ends the
// window with a dialog naming the error and the log file, after writing it to the log, not
// with a silent exit. Call once, after the QApplication exists.
void installFatalErrorHandler();

// Logs `what`, shows the dialog (on the GUI thread) and returns; the caller then exits.
void reportFatalError(const QString& what);

} // namespace kestrel::app
