#pragma once

#include <functional>

#include <QElapsedTimer>

namespace kestrel::bench {

double msSince(const QElapsedTimer& clock);

// Runs the event loop until `done` holds or `timeoutMs` passes; returns whether it holds. A
// nested QEventLoop blocks in the dispatcher like the application's own loop; QTest::qWait
// would sleep in 10 ms slices and show up as stalls.
bool waitUntil(const std::function<bool()>& done, int timeoutMs);

// Runs the event loop for `ms`, for the same reason.
void runFor(int ms);

// Runs the event loop for `seconds` with `tick` called every `intervalMs` by a precise timer
// meanwhile; returns how many ms the timer ran.
double runTicking(int intervalMs, double seconds, const std::function<void()>& tick);

} // namespace kestrel::bench
