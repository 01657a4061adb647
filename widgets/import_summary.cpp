#include "import_summary.h"

#include "dataset/importer.h"
#include "import_dialog.h"

#include <QLocale>
#include <QStringList>

namespace kestrel::widgets {

namespace {

// How the summary names the format that detection chose.
QString detectedFormatName(dataset::ImportFormat format) {
    switch (format) {
    case dataset::ImportFormat::ImageFolder:
        return ImportDialog::tr("a folder per class");
    case dataset::ImportFormat::Folder:
        return ImportDialog::tr("a flat folder of unlabelled images");
    case dataset::ImportFormat::Csv:
        return ImportDialog::tr("a CSV of path,label[,split]");
    case dataset::ImportFormat::Idx:
        return ImportDialog::tr("MNIST idx files");
    case dataset::ImportFormat::MvTec:
        return ImportDialog::tr("an MVTec AD category");
    case dataset::ImportFormat::Coco:
        return ImportDialog::tr("COCO JSON");
    case dataset::ImportFormat::Yolo:
        return ImportDialog::tr("a YOLO dataset");
    case dataset::ImportFormat::Voc:
        return ImportDialog::tr("a Pascal VOC dataset");
    case dataset::ImportFormat::Labelme:
        return ImportDialog::tr("labelme JSON files");
    case dataset::ImportFormat::Auto:
        break;
    }
    return {};
}

} // namespace

QString importPhaseText(const QString& phase) {
    if (phase == QLatin1String("scanning")) {
        return ImportDialog::tr("Scanning the source…");
    }
    if (phase == QLatin1String("extracting")) {
        return ImportDialog::tr("Extracting images…");
    }
    if (phase == QLatin1String("reading")) {
        return ImportDialog::tr("Reading images…");
    }
    if (phase == QLatin1String("saving")) {
        return ImportDialog::tr("Saving to the project…");
    }
    // A phase core adds later still reads as something rather than nothing.
    return phase.isEmpty() ? ImportDialog::tr("Working…") : phase + QStringLiteral("…");
}

QString numberText(std::size_t n) {
    return QLocale().toString(static_cast<qulonglong>(n));
}

QString countedText(std::size_t n, const QString& one, const QString& many) {
    return numberText(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString importSummary(const dataset::ImportReport& report, bool formatWasDetected) {
    QStringList sentences;
    sentences << ImportDialog::tr("Added %1 of %2.")
                     .arg(numberText(report.added),
                          countedText(report.found, ImportDialog::tr("image"),
                                      ImportDialog::tr("images")));
    const std::size_t unreadable = report.unreadable.size();
    sentences << (unreadable == 1
                      ? ImportDialog::tr("1 could not be read.")
                      : ImportDialog::tr("%1 could not be read.").arg(numberText(unreadable)));
    sentences << (report.alreadyPresent == 1 ? ImportDialog::tr("1 was already in the project.")
                                             : ImportDialog::tr("%1 were already in the project.")
                                                   .arg(numberText(report.alreadyPresent)));
    if (formatWasDetected) {
        const QString detected = detectedFormatName(report.format);
        if (!detected.isEmpty()) {
            sentences << ImportDialog::tr("Read as %1.").arg(detected);
        }
    }
    if (!report.classesCreated.empty()) {
        QStringList names;
        for (const std::string& name : report.classesCreated) {
            names << QString::fromStdString(name);
        }
        // A long list of class names (idx digits, hundreds of folders) would bury the rest.
        constexpr int kNamesShown = 10;
        QString list = names.mid(0, kNamesShown).join(QStringLiteral(", "));
        if (names.size() > kNamesShown) {
            list += ImportDialog::tr(" and %1 more").arg(names.size() - kNamesShown);
        }
        sentences << ImportDialog::tr("Created %1: %2.")
                         .arg(countedText(report.classesCreated.size(), ImportDialog::tr("class"),
                                          ImportDialog::tr("classes")),
                              list);
    }
    if (report.masks > 0) {
        sentences << ImportDialog::tr("Attached %1.")
                         .arg(countedText(report.masks, ImportDialog::tr("mask"),
                                          ImportDialog::tr("masks")));
    }
    if (report.boxes + report.polygons + report.maskShapes > 0) {
        sentences << ImportDialog::tr("Added regions: %1, %2 and %3.")
                         .arg(countedText(report.boxes, ImportDialog::tr("box"),
                                          ImportDialog::tr("boxes")),
                              countedText(report.polygons, ImportDialog::tr("polygon"),
                                          ImportDialog::tr("polygons")),
                              countedText(report.maskShapes, ImportDialog::tr("mask"),
                                          ImportDialog::tr("masks")));
    }
    if (!report.problems.empty()) {
        sentences << ImportDialog::tr("%1 not taken as they were (listed below).")
                         .arg(countedText(report.problems.size(), ImportDialog::tr("annotation"),
                                          ImportDialog::tr("annotations")));
    }
    std::size_t leaking = 0;
    for (const dataset::DuplicateGroup& group : report.duplicates) {
        leaking += group.leakage ? 1 : 0;
    }
    if (!report.duplicates.empty()) {
        QString sentence = ImportDialog::tr("The project has %1 of identical files")
                               .arg(countedText(report.duplicates.size(), ImportDialog::tr("group"),
                                                ImportDialog::tr("groups")));
        if (leaking > 0) {
            sentence += leaking == 1
                            ? ImportDialog::tr(
                                  "; 1 spans more than one split (leakage: the model is tested "
                                  "on what it trained on)")
                            : ImportDialog::tr(
                                  "; %1 span more than one split (leakage: the model is tested "
                                  "on what it trained on)")
                                  .arg(numberText(leaking));
        }
        sentences << sentence + QLatin1Char('.');
    }
    return sentences.join(QLatin1Char(' '));
}

} // namespace kestrel::widgets
