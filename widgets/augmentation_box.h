#pragma once

#include "imaging/augment_options.h"

#include <array>
#include <bitset>
#include <cstddef>
#include <initializer_list>

#include <QGroupBox>

class QCheckBox;

namespace kestrel::widgets {

// The augmentation group of the training settings: one check box per augmentation core offers.
// A box says on or off only; the probabilities and strengths come from the options last given
// to setAugmentation, which the tooltips describe.
class AugmentationBox : public QGroupBox {
    Q_OBJECT
public:
    // The check boxes in the order core applies the augmentations.
    enum class Kind {
        FlipHorizontal,
        FlipVertical,
        Rotate90,
        ResizedCrop,
        Shift,
        Rotation,
        ColorJitter,
        Blur,
        Noise,
    };
    static constexpr std::size_t kKindCount = 9;
    using Kinds = std::bitset<kKindCount>; // bit i: Kind i

    static Kinds kinds(std::initializer_list<Kind> list);
    static Kinds enabledIn(const kestrel::imaging::AugmentOptions& options); // probability > 0

    explicit AugmentationBox(QWidget* parent = nullptr);

    // Checks what `base` enables and remembers it as the base of augmentation(). Not an edit.
    void setAugmentation(const kestrel::imaging::AugmentOptions& base);
    // The base with an unchecked augmentation off and a checked one at the base's own
    // probability, or at 50% when the base had it off.
    kestrel::imaging::AugmentOptions augmentation() const;

    Kinds checkedKinds() const;
    void setCheckedKinds(Kinds checked); // for presets; not an edit

signals:
    void edited(); // the user toggled a check box

private:
    void updateTips();

    kestrel::imaging::AugmentOptions base_;
    bool filling_ = false; // check boxes change from code: no "edited"
    std::array<QCheckBox*, kKindCount> checkBoxes_{};
};

} // namespace kestrel::widgets
