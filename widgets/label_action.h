#pragma once

#include <cstdint>
#include <vector>

#include <QString>

namespace kestrel::widgets {

// What the user asked to change, as the window knows it. The app turns it into a core
// LabelEdit on its worker thread, where merge and delete can look up the samples involved.
struct LabelAction {
    enum class Kind {
        AssignClass,
        AssignSplit,
        CreateClass,
        RenameClass,
        MergeClasses,
        DeleteClass
    };
    Kind kind = Kind::AssignClass;
    std::vector<std::int64_t> samples;
    std::int64_t classId = 0;   // AssignClass (0: remove), Rename, Merge (from), Delete
    std::int64_t intoClass = 0; // Merge
    QString text;               // AssignSplit: the split; Create, Rename: the name
    QString description;        // for the Undo menu: "Label 3 samples 'scratch'"
};

} // namespace kestrel::widgets
