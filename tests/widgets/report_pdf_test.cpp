// The run report printed to PDF through Qt: a real PDF with the report's images in it,
// written whole or not at all.
#include "common/error.h"
#include "report/report_charts.h"
#include "report_pdf.h"
#include "temp_dir.h"

#include <QBuffer>
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QTest>

using kestrel::report::RunReport;

namespace {

// A report as buildRunReport would give it, with two curves and a thumbnail.
RunReport sampleReport() {
    RunReport report;
    report.projectName = "inspection & <co>";
    report.run.id = 7;
    report.run.model = "smallcnn";
    report.run.status = "completed";
    report.run.notes = "Ready for review <soon>";
    report.classes = {"ok", "scratch"};
    report.latestMetrics = {{"val_accuracy", 0.9375}, {"val_loss", 0.2}};
    report.parameters = {{"epochs", "3"}, {"lr", "0.01"}};
    report.validationConfusion =
        kestrel::store::StoredConfusionMatrix{2, "val", {"ok", "scratch"}, {15, 1, 1, 15}};
    kestrel::report::LineChart loss{"Loss", "epoch", "loss", {}, false, true, {}, {}, true};
    loss.series.push_back({"train loss", {31, 119, 180}, {1, 2, 3}, {0.9, 0.5, 0.3}});
    kestrel::report::LineChart accuracy{"Accuracy", "epoch", "accuracy", {},  true,
                                        false,      0.0,     1.0,        true};
    accuracy.series.push_back({"validation accuracy", {255, 127, 14}, {1, 2, 3}, {0.6, 0.8, 0.9}});
    report.charts = {drawLineChart(loss, "loss.png"), drawLineChart(accuracy, "accuracy.png")};

    QImage thumbnail(96, 96, QImage::Format_Grayscale8);
    for (int y = 0; y < thumbnail.height(); ++y) {
        for (int x = 0; x < thumbnail.width(); ++x) {
            thumbnail.scanLine(y)[x] = static_cast<uchar>(x < 48 ? 200 : 60);
        }
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    thumbnail.save(&buffer, "PNG");
    kestrel::report::ConfidentMistake mistake;
    mistake.sampleId = 3;
    mistake.path = "images/part-3.png";
    mistake.split = "val";
    mistake.truth = "ok";
    mistake.predicted = "scratch";
    mistake.confidence = 0.97;
    mistake.thumbnail = kestrel::report::ReportImage{"mistake-1.png", png.toStdString(), 96, 96};
    report.mistakes.push_back(mistake);
    report.mistakesSource = "the validation predictions of epoch 3 (2 wrong of 32)";
    return report;
}

} // namespace

class ReportPdfTest : public QObject {
    Q_OBJECT

private slots:
    void writesAPdfWithTheReportsImages() {
        kestrel::testing::TempDir dir;
        const QString file = QString::fromStdString((dir / "run-7.pdf").string());
        kestrel::app::writeReportPdf(sampleReport(), file);

        QFile pdf(file);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY2(bytes.size() > 20 * 1024, QByteArray::number(bytes.size()));
        // Two charts and the thumbnail, each an image object of its own.
        QCOMPARE(bytes.count("/Subtype /Image"), 3);
        QVERIFY(bytes.contains("/Title"));
        QCOMPARE(QDir(QString::fromStdString(dir.path().string()))
                     .entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
                 QStringList{"run-7.pdf"}); // nothing left beside it
    }

    void aFolderThatIsNotThereIsAnErrorNamingTheFile() {
        kestrel::testing::TempDir dir;
        const QString file = QString::fromStdString((dir / "missing" / "run-7.pdf").string());
        try {
            kestrel::app::writeReportPdf(sampleReport(), file);
            QFAIL("no error");
        } catch (const kestrel::Error& error) {
            QVERIFY2(QString(error.what()).contains(file), error.what());
        }
        QVERIFY(!QFile::exists(file));
    }
};

QTEST_MAIN(ReportPdfTest)
#include "report_pdf_test.moc"
