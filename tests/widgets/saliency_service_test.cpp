// The saliency service with a model trained here on the planted-spot task: a map at the
// image's size with a caption, the latest request winning, failures as one sentence, and
// the service destroyed while its worker is busy.
#include "planted_spot_run.h"
#include "saliency_service.h"

#include <memory>
#include <optional>
#include <random>

#include <QSignalSpy>
#include <QTest>

using kestrel::app::SaliencyService;

namespace {

constexpr int kWaitMs = 60000; // a cold model load under ASan on a busy machine

} // namespace

class SaliencyServiceTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<kestrel::testing::TempDir> dir_;
    std::optional<kestrel::testing::PlantedSpotRun> run_;
    QString spotImage_;  // 32x32, a spot near the top-left
    QString otherImage_; // 48x40, a spot elsewhere

    QString projectFolder() const { return QString::fromStdString(run_->project.folder()); }

private slots:
    void initTestCase() {
        dir_ = std::make_unique<kestrel::testing::TempDir>();
        run_.emplace(kestrel::testing::trainPlantedSpotRun(*dir_));
        std::mt19937 random(5);
        const auto spot = kestrel::testing::spotImage(random, 32, 32, true);
        const auto other = kestrel::testing::spotImage(random, 48, 40, true);
        kestrel::testing::writeImage(*dir_ / "spot.png", spot.pixels);
        kestrel::testing::writeImage(*dir_ / "other.png", other.pixels);
        spotImage_ = QString::fromStdString(*dir_ / "spot.png");
        otherImage_ = QString::fromStdString(*dir_ / "other.png");
    }

    void cleanupTestCase() {
        run_.reset();
        dir_.reset();
    }

    void givesAColouredMapAtTheImagesSizeWithACaption() {
        SaliencyService service;
        QSignalSpy ready(&service, &SaliencyService::ready);
        QSignalSpy failed(&service, &SaliencyService::failed);
        service.setRun(projectFolder(), run_->runId);
        QCOMPARE(service.runId(), run_->runId);

        service.request(7, otherImage_);
        QVERIFY(ready.wait(kWaitMs));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(ready.last().at(0).value<std::int64_t>(), std::int64_t{7});
        const QImage heat = ready.last().at(1).value<QImage>();
        QCOMPARE(heat.size(), QSize(48, 40));
        QVERIFY(!heat.isGrayscale()); // coloured on the worker
        const QString caption = ready.last().at(2).toString();
        QVERIFY2(caption.startsWith("spot ") && caption.endsWith("% — Grad-CAM for spot"),
                 qPrintable(caption));
    }

    void theLatestRequestWins() {
        SaliencyService service;
        QSignalSpy ready(&service, &SaliencyService::ready);
        service.setRun(projectFolder(), run_->runId);
        service.request(1, spotImage_);
        service.request(2, otherImage_);
        service.request(3, spotImage_);
        QVERIFY(ready.wait(kWaitMs));
        // The worker serves requests in order, so 1 and 2 were skipped or delivered (and
        // dropped) before 3 arrived.
        QCOMPARE(ready.size(), 1);
        QCOMPARE(ready.last().at(0).value<std::int64_t>(), std::int64_t{3});
        QCOMPARE(ready.last().at(1).value<QImage>().size(), QSize(32, 32));
    }

    void failuresComeBackAsOneSentence() {
        SaliencyService service;
        QSignalSpy failed(&service, &SaliencyService::failed);
        service.request(4, spotImage_); // no run chosen yet
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(failed.last().at(0).value<std::int64_t>(), std::int64_t{4});
        QVERIFY(!failed.last().at(1).toString().isEmpty());

        service.setRun(projectFolder(), run_->runId);
        service.request(5, QString::fromStdString(*dir_ / "missing.png"));
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(failed.last().at(0).value<std::int64_t>(), std::int64_t{5});
        QVERIFY2(failed.last().at(1).toString().contains("missing.png"),
                 qPrintable(failed.last().at(1).toString()));

        service.setRun(projectFolder(), run_->runId + 100);
        service.request(6, spotImage_);
        QVERIFY(failed.wait(kWaitMs));
        QVERIFY2(failed.last().at(1).toString().contains(QString::number(run_->runId + 100)),
                 qPrintable(failed.last().at(1).toString()));
    }

    // ASan (CI runs every test under it too) would report a worker touching a freed service.
    void destroyingTheServiceWhileItWorksIsSafe() {
        // While the worker loads the model.
        auto service = std::make_unique<SaliencyService>();
        QSignalSpy ready(service.get(), &SaliencyService::ready);
        service->setRun(projectFolder(), run_->runId);
        service->request(1, spotImage_);
        service->request(2, otherImage_);
        service.reset(); // waits for the worker; its result goes nowhere
        QCoreApplication::processEvents();
        QCOMPARE(ready.size(), 0);

        // While it computes a map with a model already loaded.
        service = std::make_unique<SaliencyService>();
        QSignalSpy readyAgain(service.get(), &SaliencyService::ready);
        service->setRun(projectFolder(), run_->runId);
        service->request(1, spotImage_);
        QVERIFY(readyAgain.wait(kWaitMs));
        service->request(2, otherImage_);
        service.reset();
        QCoreApplication::processEvents();
        QCOMPARE(readyAgain.size(), 1);
    }
};

QTEST_MAIN(SaliencyServiceTest)
#include "saliency_service_test.moc"
