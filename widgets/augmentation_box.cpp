#include "augmentation_box.h"

#include <utility>

#include <QCheckBox>
#include <QGridLayout>
#include <QLocale>
#include <QScopedValueRollback>

namespace kestrel::widgets {

using imaging::AugmentOptions;

namespace {

constexpr double kCheckedProbability = 0.5;

// Core's probabilities in the order of the check boxes (the order core applies them).
std::array<double*, AugmentationBox::kKindCount> probabilities(AugmentOptions& a) {
    return {&a.horizontalFlip,          &a.verticalFlip,      &a.rotate90,
            &a.resizedCrop.probability, &a.shift.probability, &a.rotation.probability,
            &a.colorJitter.probability, &a.blur.probability,  &a.noise.probability};
}

double probabilityOf(AugmentOptions augmentation, std::size_t index) {
    return *probabilities(augmentation)[index];
}

// A checked box keeps the base's own probability, so setAugmentation/augmentation() round-trips.
double checkedProbability(const AugmentOptions& base, std::size_t index) {
    const double own = probabilityOf(base, index);
    return own > 0 ? own : kCheckedProbability;
}

} // namespace

AugmentationBox::Kinds AugmentationBox::kinds(std::initializer_list<Kind> list) {
    Kinds result;
    for (Kind kind : list) {
        result.set(static_cast<std::size_t>(kind));
    }
    return result;
}

AugmentationBox::Kinds AugmentationBox::enabledIn(const AugmentOptions& options) {
    Kinds result;
    for (std::size_t i = 0; i < kKindCount; ++i) {
        result.set(i, probabilityOf(options, i) > 0);
    }
    return result;
}

AugmentationBox::AugmentationBox(QWidget* parent) : QGroupBox(tr("Augmentation"), parent) {
    setObjectName("augmentation");
    setToolTip(tr("Random changes to training images so that the model learns what does not "
                  "matter. Leave off any that could change the right answer."));
    auto* grid = new QGridLayout(this);
    const std::array<std::pair<const char*, QString>, kKindCount> fields = {{
        {"augFlipHorizontal", tr("&Horizontal flip")},
        {"augFlipVertical", tr("&Vertical flip")},
        {"augRotate90", tr("&Quarter turns")},
        {"augResizedCrop", tr("Resized &crop")},
        {"augShift", tr("Shif&t")},
        {"augRotation", tr("Small &rotation")},
        {"augColorJitter", tr("Colour &jitter")},
        {"augBlur", tr("Bl&ur")},
        {"augNoise", tr("&Gaussian noise")},
    }};
    for (std::size_t i = 0; i < kKindCount; ++i) {
        checkBoxes_[i] = new QCheckBox(fields[i].second);
        checkBoxes_[i]->setObjectName(fields[i].first);
        connect(checkBoxes_[i], &QCheckBox::toggled, this, [this] {
            if (!filling_) {
                emit edited();
            }
        });
        grid->addWidget(checkBoxes_[i], static_cast<int>(i / 3), static_cast<int>(i % 3));
    }
    updateTips();
}

void AugmentationBox::setAugmentation(const AugmentOptions& base) {
    base_ = base;
    setCheckedKinds(enabledIn(base));
    updateTips();
}

AugmentOptions AugmentationBox::augmentation() const {
    AugmentOptions result = base_;
    for (std::size_t i = 0; i < kKindCount; ++i) {
        *probabilities(result)[i] =
            checkBoxes_[i]->isChecked() ? checkedProbability(base_, i) : 0.0;
    }
    return result;
}

AugmentationBox::Kinds AugmentationBox::checkedKinds() const {
    Kinds result;
    for (std::size_t i = 0; i < kKindCount; ++i) {
        result.set(i, checkBoxes_[i]->isChecked());
    }
    return result;
}

void AugmentationBox::setCheckedKinds(Kinds checked) {
    const QScopedValueRollback<bool> filling(filling_, true);
    for (std::size_t i = 0; i < kKindCount; ++i) {
        checkBoxes_[i]->setChecked(checked.test(i));
    }
}

void AugmentationBox::updateTips() {
    const AugmentOptions& a = base_;
    const auto percent = [](double fraction) {
        return QLocale().toString(fraction * 100, 'g', 3);
    };
    const std::array<QString, kKindCount> tips = {
        tr("Mirrors images left to right; leave off when left and right matter."),
        tr("Mirrors images top to bottom; leave off when up and down matter."),
        tr("Turns images by 90, 180 or 270 degrees."),
        tr("Crops %1 to %2% of the image area and stretches it back to full size.")
            .arg(percent(a.resizedCrop.minScale), percent(a.resizedCrop.maxScale)),
        tr("Moves images by up to %1% of their size; the uncovered edge becomes black.")
            .arg(percent(a.shift.maxFraction)),
        tr("Turns images by up to %1 degrees either way; the corners become black.")
            .arg(QLocale().toString(a.rotation.maxDegrees, 'g', 3)),
        tr("Varies brightness by up to %1% and contrast by up to %2%.")
            .arg(percent(a.colorJitter.brightness), percent(a.colorJitter.contrast)),
        tr("Blurs with a Gaussian of %1 to %2 px.")
            .arg(QLocale().toString(a.blur.minSigma, 'g', 3),
                 QLocale().toString(a.blur.maxSigma, 'g', 3)),
        tr("Adds noise with a standard deviation of %1 grey levels (of 255).")
            .arg(QLocale().toString(a.noise.sigma, 'g', 3)),
    };
    for (std::size_t i = 0; i < kKindCount; ++i) {
        checkBoxes_[i]->setToolTip(tips[i] + QLatin1Char(' ') +
                                   tr("Applied to %1% of training images when on.")
                                       .arg(percent(checkedProbability(a, i))));
    }
}

} // namespace kestrel::widgets
