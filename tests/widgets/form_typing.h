#pragma once

// Reaching a form's fields by object name and typing into them as a user does, for the form
// tests.
#include <QObject>
#include <QString>
#include <QTest>

namespace kestrel::testing {

// The child of `root` named `name`; a test that names a field the form lacks stops here.
template <typename T>
T* namedField(const QObject* root, const char* name) {
    auto* widget = root->findChild<T*>(name);
    if (!widget) {
        qFatal("no field named %s", name);
    }
    return widget;
}

// Replaces what a spin box or line edit holds with `text`, keystroke by keystroke.
template <typename Field>
void typeInto(Field* field, const QString& text) {
    field->selectAll();
    QTest::keyClicks(field, text);
}

} // namespace kestrel::testing
