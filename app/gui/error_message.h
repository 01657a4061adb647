#pragma once

#include "common/error.h"

#include <exception>

#include <QObject>
#include <QString>

namespace kestrel::app {

// What the window says about a failure: core's kestrel::Error is already one sentence for
// people; anything else is unexpected and says so.
inline QString errorMessage(const std::exception& error) {
    if (dynamic_cast<const Error*>(&error)) {
        return QString::fromStdString(error.what());
    }
    return QObject::tr("Unexpected error: %1").arg(QString::fromStdString(error.what()));
}

} // namespace kestrel::app
