#include "report_pdf.h"

#include "common/error.h"
#include "report/report_html.h"

#include <QImage>
#include <QMarginsF>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

namespace kestrel::app {

namespace {

void addImage(QTextDocument& document, const report::ReportImage& image) {
    document.addResource(QTextDocument::ImageResource, QUrl(QString::fromStdString(image.name)),
                         QImage::fromData(reinterpret_cast<const uchar*>(image.png.data()),
                                          static_cast<int>(image.png.size()), "PNG"));
}

[[noreturn]] void fail(const QString& file, const QString& reason) {
    throw Error(ErrorKind::Io,
                ("Could not write the report " + file + ": " + reason + ".").toStdString());
}

} // namespace

void writeReportPdf(const report::RunReport& report, const QString& file) {
    QTextDocument document;
    for (const report::ReportImage& chart : report.charts) {
        addImage(document, chart);
    }
    for (const report::ConfidentMistake& mistake : report.mistakes) {
        if (mistake.thumbnail) {
            addImage(document, *mistake.thumbnail);
        }
    }
    // Resource names instead of data: URIs, which Qt's rich text does not read; the names
    // are unique within a report.
    document.setHtml(QString::fromStdString(report::renderReportHtml(
        report, [](const report::ReportImage& image) { return image.name; })));

    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        fail(file, out.errorString());
    }
    {
        QPdfWriter writer(&out);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(300);
        // No margins of the writer's own: print() lays the document out with 2 cm margins
        // of its own, and both would add up.
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setTitle(document.metaInformation(QTextDocument::DocumentTitle));
        writer.setCreator(QStringLiteral("Kestrel"));
        document.print(&writer); // ends the PDF when its painter ends
    }
    if (!out.commit()) {
        fail(file, out.errorString());
    }
}

} // namespace kestrel::app
