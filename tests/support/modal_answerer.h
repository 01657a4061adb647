#pragma once

// Answers the modal dialogs a widget opens (QInputDialog, QMessageBox) from a test, which
// cannot click them itself while their exec() loop runs.
#include <functional>
#include <utility>
#include <vector>

#include <QApplication>
#include <QDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QTimer>

namespace kestrel::testing {

using Answer = std::function<void(QWidget*)>;

// Answers modal dialogs as they open, one answer per dialog, in order. A dialog beyond the
// script is rejected and counted, so a wrong prompt fails the test instead of hanging it.
class ModalAnswerer : public QObject {
public:
    explicit ModalAnswerer(std::vector<Answer> answers) : answers_(std::move(answers)) {
        connect(&timer_, &QTimer::timeout, this, &ModalAnswerer::poll);
        timer_.start(10);
    }
    std::size_t answered() const { return next_; }
    int unexpected() const { return unexpected_; }

private:
    void poll() {
        auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
        if (!dialog) {
            return;
        }
        if (next_ < answers_.size()) {
            answers_[next_++](dialog);
        } else {
            ++unexpected_;
            dialog->reject();
        }
    }

    QTimer timer_;
    std::vector<Answer> answers_;
    std::size_t next_ = 0;
    int unexpected_ = 0;
};

// Types `text` (or picks the item with that text) into an input dialog and accepts it.
inline Answer enterText(const QString& text, QStringList* items = nullptr) {
    return [text, items](QWidget* widget) {
        auto* input = qobject_cast<QInputDialog*>(widget);
        if (!input) {
            qobject_cast<QDialog*>(widget)->reject();
            QFAIL("expected an input dialog");
        }
        if (items) {
            *items = input->comboBoxItems();
        }
        input->setTextValue(text);
        input->accept();
    };
}

inline Answer cancelInput() {
    return [](QWidget* widget) {
        auto* input = qobject_cast<QInputDialog*>(widget);
        qobject_cast<QDialog*>(widget)->reject();
        QVERIFY2(input, "expected an input dialog");
    };
}

// Clicks `button` in a message box and keeps its text and icon for the test to check.
inline Answer clickMessageBox(QMessageBox::StandardButton button, QString* text = nullptr,
                              QMessageBox::Icon* icon = nullptr) {
    return [button, text, icon](QWidget* widget) {
        auto* box = qobject_cast<QMessageBox*>(widget);
        if (!box || !box->button(button)) {
            qobject_cast<QDialog*>(widget)->reject();
            QFAIL("expected a message box with that button");
        }
        if (text) {
            *text = box->text();
        }
        if (icon) {
            *icon = box->icon();
        }
        box->button(button)->click();
    };
}

} // namespace kestrel::testing
