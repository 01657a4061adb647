// A fatal error in the window: written to the log, then a dialog that names the error and the
// log file, rather than a silent exit.
#include "common/log_file.h"
#include "fatal_error.h"
#include "modal_answerer.h"
#include "temp_dir.h"

#include <fstream>
#include <iterator>
#include <string>

#include <QMessageBox>
#include <QTest>

using namespace kestrel::testing;

class FatalErrorTest : public QObject {
    Q_OBJECT

private slots:
    void theDialogNamesTheErrorAndTheLogWhichRecordsIt() {
        TempDir dir;
        kestrel::logging::openLog("kestrel", dir / "logs");
        QString shown;
        ModalAnswerer answerer({clickMessageBox(QMessageBox::Ok, &shown)});
        kestrel::app::reportFatalError("std::bad_alloc");
        QCOMPARE(answerer.answered(), std::size_t{1});
        const QString log = QString::fromStdString((dir / "logs" / "kestrel.log").string());
        QVERIFY2(shown.contains("std::bad_alloc"), qPrintable(shown));
        QVERIFY2(shown.contains(log), qPrintable(shown));
        std::ifstream in(dir / "logs" / "kestrel.log");
        const std::string logged{std::istreambuf_iterator<char>(in), {}};
        QVERIFY2(logged.find("kestrel[") != std::string::npos &&
                     logged.find("Fatal: std::bad_alloc") != std::string::npos,
                 logged.c_str());
        kestrel::logging::openLog("kestrel", dir / "closed");
    }

    void withoutALogTheSentenceSaysSo() {
        const QString text = kestrel::app::fatalErrorText("out of memory", "");
        QCOMPARE(text, QString("Kestrel stopped on an error it could not recover from: out of "
                               "memory. No log file could be written."));
    }
};

QTEST_MAIN(FatalErrorTest)
#include "fatal_error_test.moc"
