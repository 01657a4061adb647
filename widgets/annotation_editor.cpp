// The annotation editor's state: the sample's shapes, the pending edits, the selection and
// the actions on it. Painting and the tools are in annotation_editor_paint.cpp,
// annotation_editor_input.cpp, annotation_select_tool.cpp and annotation_draw_tools.cpp.
#include "annotation_editor.h"

#include "image_viewer.h"

#include <algorithm>
#include <unordered_set>

namespace kestrel::widgets {

namespace {

using annotations::Shape;

// Neutral for shapes without a class (or of a class the window did not describe).
const QColor kNoClassColour(0x9e, 0x9e, 0x9e);

// `shapes` with one edit applied: the shapes `before` names are replaced in place by the
// `after` shape of the same id or removed; the other `after` shapes go on top.
void applyEdit(std::vector<Shape>& shapes, const ShapeEdit& edit) {
    std::unordered_set<std::int64_t> replaced;
    for (const Shape& shape : edit.before) {
        replaced.insert(shape.id);
    }
    std::unordered_map<std::int64_t, const Shape*> afterById;
    for (const Shape& shape : edit.after) {
        if (shape.id != 0 && replaced.count(shape.id) != 0) {
            afterById.emplace(shape.id, &shape);
        }
    }
    std::vector<Shape> result;
    result.reserve(shapes.size() + edit.after.size());
    for (Shape& shape : shapes) {
        if (replaced.count(shape.id) == 0) {
            result.push_back(std::move(shape));
        } else if (const auto found = afterById.find(shape.id); found != afterById.end()) {
            result.push_back(*found->second);
        }
    }
    for (const Shape& shape : edit.after) {
        if (afterById.count(shape.id) == 0) {
            result.push_back(shape);
        }
    }
    shapes = std::move(result);
}

} // namespace

AnnotationEditor::AnnotationEditor(ImageViewer* viewer) : QObject(viewer), viewer_(viewer) {
    qRegisterMetaType<ShapeEdit>();
    qRegisterMetaType<AnnotationTool>();
}

AnnotationEditor::~AnnotationEditor() = default;

void AnnotationEditor::setSample(std::int64_t sampleId, std::vector<Shape> shapes) {
    if (sampleId != sampleId_) {
        sampleId_ = sampleId;
        committed_ = std::move(shapes);
        pending_.clear();
        selectAddedOnCommit_ = false;
        resetGesture();
        hoveredVertex_.reset();
        rebuildShown();
        setSelection({});
        repaint();
        emit sampleChanged(sampleId_);
        return;
    }
    std::unordered_set<std::int64_t> known;
    for (const Shape& shape : committed_) {
        known.insert(shape.id);
    }
    committed_ = std::move(shapes);
    const bool selectAdded = selectAddedOnCommit_;
    pending_.clear();
    selectAddedOnCommit_ = false;

    std::vector<std::int64_t> selection;
    if (selectAdded) {
        for (const Shape& shape : committed_) {
            if (known.count(shape.id) == 0) {
                selection.push_back(shape.id);
            }
        }
    }
    if (selection.empty()) {
        for (const std::int64_t id : selection_) {
            if (std::any_of(committed_.begin(), committed_.end(),
                            [id](const Shape& shape) { return shape.id == id; })) {
                selection.push_back(id);
            }
        }
    }
    rebuildShown();
    // A drag on a shape that is gone (deleted by an undo, say) has nothing left to change.
    if (gesture_.original.id != 0 && pictureById(gesture_.original.id) == nullptr) {
        resetGesture();
    }
    setSelection(std::move(selection));
    repaint();
}

std::vector<Shape> AnnotationEditor::shownShapes() const {
    std::vector<Shape> shapes = committed_;
    for (const ShapeEdit& edit : pending_) {
        applyEdit(shapes, edit);
    }
    return shapes;
}

void AnnotationEditor::rebuildShown() {
    ++version_;
    std::vector<Shape> shapes = shownShapes();
    std::vector<ShapePicture> old = std::move(shown_);
    std::vector<bool> used(old.size(), false);
    std::unordered_map<std::int64_t, std::size_t> oldById;
    std::vector<std::size_t> oldNew; // pictures of shapes not yet stored (id 0)
    for (std::size_t i = 0; i < old.size(); ++i) {
        if (old[i].shape.id != 0) {
            oldById.emplace(old[i].shape.id, i);
        } else {
            oldNew.push_back(i);
        }
    }
    // A picture is reused when the geometry and colour are the same: by id, or for a shape
    // that just came back from the store, from its pending picture. Only changed shapes
    // (a mask above all) are drawn anew.
    const auto reusable = [&](std::size_t i, const Shape& shape, const QColor& colour) {
        return !used[i] && old[i].color == colour && sameGeometry(old[i].shape, shape);
    };
    shown_.clear();
    shown_.reserve(shapes.size());
    for (Shape& shape : shapes) {
        const QColor colour = colourOf(shape.classId);
        std::optional<std::size_t> reuse;
        if (const auto found = oldById.find(shape.id);
            found != oldById.end() && reusable(found->second, shape, colour)) {
            reuse = found->second;
        } else {
            for (const std::size_t i : oldNew) {
                if (reusable(i, shape, colour)) {
                    reuse = i;
                    break;
                }
            }
        }
        if (reuse) {
            used[*reuse] = true;
            shown_.push_back(std::move(old[*reuse]));
            shown_.back().shape = std::move(shape);
        } else {
            shown_.push_back(pictureOf(shape, colour));
        }
    }
}

QColor AnnotationEditor::colourOf(std::int64_t classId) const {
    const auto found = classes_.find(classId);
    return found != classes_.end() && found->second.color.isValid() ? found->second.color
                                                                    : kNoClassColour;
}

void AnnotationEditor::setClasses(std::vector<ClassStyle> classes) {
    classes_.clear();
    for (ClassStyle& style : classes) {
        classes_.emplace(style.id, std::move(style));
    }
    ++version_;
    for (ShapePicture& picture : shown_) {
        const QColor colour = colourOf(picture.shape.classId);
        if (picture.color != colour) {
            picture = pictureOf(picture.shape, colour);
        }
    }
    repaint();
}

void AnnotationEditor::setCurrentClass(std::int64_t classId) {
    currentClass_ = classId;
}

void AnnotationEditor::setTool(AnnotationTool tool) {
    if (tool == tool_) {
        return;
    }
    resetGesture();
    hoveredVertex_.reset();
    tool_ = tool;
    emit toolChanged(tool_);
    repaint();
}

void AnnotationEditor::setOpacity(double opacity) {
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (opacity == opacity_) {
        return;
    }
    opacity_ = opacity;
    ++version_;
    emit opacityChanged(opacity_);
    repaint();
}

void AnnotationEditor::setBrushSize(int pixels) {
    pixels = std::clamp(pixels, 1, 1000);
    if (pixels == brushSize_) {
        return;
    }
    brushSize_ = pixels;
    emit brushSizeChanged(brushSize_);
    repaint();
}

void AnnotationEditor::setShowShapes(bool show) {
    if (show == showShapes_) {
        return;
    }
    resetGesture();
    showShapes_ = show;
    emit showShapesChanged(showShapes_);
    repaint();
}

void AnnotationEditor::setSelectedIds(std::vector<std::int64_t> ids) {
    setSelection(std::move(ids));
}

void AnnotationEditor::clearSelection() {
    setSelection({});
}

void AnnotationEditor::setSelection(std::vector<std::int64_t> ids) {
    if (ids == selection_) {
        return;
    }
    selection_ = std::move(ids);
    ++version_;
    hoveredVertex_.reset();
    emit selectionChanged();
    repaint();
}

bool AnnotationEditor::isSelected(std::int64_t id) const {
    return id != 0 && std::find(selection_.begin(), selection_.end(), id) != selection_.end();
}

std::vector<const ShapePicture*> AnnotationEditor::selectedPictures() const {
    std::vector<const ShapePicture*> pictures;
    for (const ShapePicture& picture : shown_) {
        if (isSelected(picture.shape.id)) {
            pictures.push_back(&picture);
        }
    }
    return pictures;
}

const ShapePicture* AnnotationEditor::pictureById(std::int64_t id) const {
    const auto found = std::find_if(shown_.begin(), shown_.end(),
                                    [id](const ShapePicture& p) { return p.shape.id == id; });
    return found != shown_.end() ? &*found : nullptr;
}

void AnnotationEditor::emitEdit(ShapeEdit edit, bool selectAdded) {
    if (edit.before.empty() && edit.after.empty()) {
        return;
    }
    edit.sampleId = sampleId_;
    selectAddedOnCommit_ = selectAddedOnCommit_ || selectAdded;
    pending_.push_back(edit);
    rebuildShown();
    repaint();
    emit editRequested(edit); // the window may hand the written shapes back at once
}

void AnnotationEditor::editSelection(const std::function<void(Shape&)>& change) {
    ShapeEdit edit;
    for (const ShapePicture* picture : selectedPictures()) {
        Shape after = picture->shape;
        change(after);
        if (!(sameGeometry(after, picture->shape) && after.classId == picture->shape.classId &&
              after.hidden == picture->shape.hidden)) {
            edit.before.push_back(picture->shape);
            edit.after.push_back(std::move(after));
        }
    }
    emitEdit(std::move(edit), false);
}

void AnnotationEditor::assignClassToSelection(std::int64_t classId) {
    editSelection([classId](Shape& shape) { shape.classId = classId; });
}

void AnnotationEditor::nudgeSelection(double dx, double dy) {
    editSelection([dx, dy](Shape& shape) {
        if (shape.maskFile.empty()) { // a mask kept as a file has no geometry here
            annotations::translate(shape, dx, dy);
        }
    });
}

void AnnotationEditor::setSelectionHidden(bool hidden) {
    editSelection([hidden](Shape& shape) { shape.hidden = hidden; });
}

void AnnotationEditor::deleteSelection() {
    ShapeEdit edit;
    for (const ShapePicture* picture : selectedPictures()) {
        edit.before.push_back(picture->shape);
    }
    setSelection({});
    emitEdit(std::move(edit), false);
}

void AnnotationEditor::duplicateSelection() {
    std::vector<Shape> copies;
    for (const ShapePicture* picture : selectedPictures()) {
        Shape copy = picture->shape;
        if (copy.maskFile.empty()) {
            annotations::translate(copy, kDuplicateOffset, kDuplicateOffset);
        }
        copies.push_back(std::move(copy));
    }
    pasteShapes(std::move(copies));
}

void AnnotationEditor::pasteShapes(std::vector<Shape> shapes) {
    ShapeEdit edit;
    for (Shape& shape : shapes) {
        shape.id = 0;
        shape.source = "user";
        edit.after.push_back(std::move(shape));
    }
    emitEdit(std::move(edit), true);
}

void AnnotationEditor::resetGesture() {
    if (gesture_.kind != Gesture::Kind::None) {
        gesture_ = Gesture{};
        repaint();
    }
}

void AnnotationEditor::cancelGesture() {
    ++version_; // the image may have changed size under the cached layer
    resetGesture();
}

QSize AnnotationEditor::imageSize() const {
    return viewer_->image().size();
}

bool AnnotationEditor::active() const {
    return showShapes_ && sampleId_ != 0 && !viewer_->image().isNull();
}

double AnnotationEditor::imagePixelsPerScreenPixel() const {
    return 1.0 / viewer_->zoom();
}

QPointF AnnotationEditor::toImage(const QPointF& canvasPoint) const {
    return viewer_->widgetToImage(canvasPoint);
}

QPointF AnnotationEditor::toCanvas(const QPointF& imagePoint) const {
    return viewer_->imageToWidget(imagePoint);
}

QPointF AnnotationEditor::clampToImage(const QPointF& point) const {
    const QSize size = imageSize();
    return QPointF(std::clamp(point.x(), 0.0, double(size.width())),
                   std::clamp(point.y(), 0.0, double(size.height())));
}

} // namespace kestrel::widgets
