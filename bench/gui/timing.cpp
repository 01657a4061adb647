#include "timing.h"

#include <QEventLoop>
#include <QObject>
#include <QTimer>

namespace kestrel::bench {

double msSince(const QElapsedTimer& clock) {
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    if (done()) {
        return true;
    }
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(2);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs) {
            loop.quit();
        }
    });
    poll.start();
    loop.exec();
    return done();
}

void runFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

double runTicking(int intervalMs, double seconds, const std::function<void()>& tick) {
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(intervalMs);
    QObject::connect(&ticker, &QTimer::timeout, &ticker, tick);
    QElapsedTimer ran;
    ran.start();
    ticker.start();
    runFor(static_cast<int>(seconds * 1000));
    ticker.stop();
    return msSince(ran);
}

} // namespace kestrel::bench
