#include "fatal_error.h"

#include "common/log_file.h"

#include <cstdlib>
#include <exception>

#include <QApplication>
#include <QMessageBox>
#include <QThread>

namespace kestrel::app {

QString fatalErrorText(const QString& what, const QString& logFile) {
    QString text = QApplication::tr("Kestrel stopped on an error it could not recover from: %1")
                       .arg(what.isEmpty() ? QApplication::tr("no description") : what);
    if (!text.endsWith(QLatin1Char('.'))) {
        text += QLatin1Char('.');
    }
    text += logFile.isEmpty() ? QApplication::tr(" No log file could be written.")
                              : QApplication::tr(" The log has what led to it: %1").arg(logFile);
    return text;
}

void reportFatalError(const QString& what) {
    logging::write("Fatal: " + what.toStdString());
    const QString log = QString::fromStdString(logging::logFile().string());
    const QString text = fatalErrorText(what, log);
    std::fputs((text + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
    if (qApp && QThread::currentThread() == qApp->thread()) {
        QMessageBox::critical(nullptr, QApplication::tr("Kestrel"), text);
    }
}

void installFatalErrorHandler() {
    std::set_terminate([] {
        QString what = QApplication::tr("an unexpected error");
        if (const std::exception_ptr current = std::current_exception()) {
            try {
                std::rethrow_exception(current);
            } catch (const std::exception& error) {
                what = QString::fromUtf8(error.what());
            } catch (...) {
                what = QApplication::tr("an exception of unknown type");
            }
        }
        reportFatalError(what);
        std::abort();
    });
}

} // namespace kestrel::app
