#pragma once

#include "annotation_store_jobs.h"
#include "annotations/shape.h"
#include "shape_edit.h"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include <QObject>
#include <QString>

namespace kestrel::app {

class ProjectController;

// The window's shapes (boxes, polygons, masks): reading a sample's, saving an edit with its
// undo and redo, and what the browser draws on thumbnails and filters by. Each is a StoreJob
// on the project controller's writer, in the order asked; answers come back as signals on
// the GUI thread, and only for the project the window still shows.
class AnnotationController : public QObject {
    Q_OBJECT
public:
    using KindsBySample = std::unordered_map<std::int64_t, unsigned>;
    using ShapesBySample = std::unordered_map<std::int64_t, std::vector<annotations::Shape>>;

    explicit AnnotationController(ProjectController& projects, QObject* parent = nullptr);

public slots:
    void loadShapes(std::int64_t sampleId);       // answers with shapesLoaded
    void loadShapesToCopy(std::int64_t sampleId); // answers with shapesToCopyLoaded
    void loadKinds();                             // answers with kindsLoaded
    void loadShapesOf(const std::vector<std::int64_t>& sampleIds); // shapesOfSamplesLoaded
    void applyEdit(quint64 token, const kestrel::widgets::ShapeEdit& edit);
    void undoEdit(quint64 token);
    void redoEdit(quint64 token);

signals:
    void shapesLoaded(std::int64_t sampleId,
                      const std::vector<kestrel::annotations::Shape>& shapes);
    void shapesToCopyLoaded(std::int64_t sampleId,
                            const std::vector<kestrel::annotations::Shape>& shapes);
    // After an edit, its undo or its redo is committed: the sample's shapes now.
    void shapesChanged(std::int64_t sampleId,
                       const std::vector<kestrel::annotations::Shape>& shapes);
    // ShapeKindBits per sample with shapes (1 box, 2 polygon, 4 mask).
    void kindsLoaded(const std::shared_ptr<const KindsBySample>& kinds);
    // After a shape edit that added, removed or reclassed shapes: the classes with their
    // shape counts now.
    void classCountsChanged(const std::vector<kestrel::dataset::CatalogClass>& classes);
    void shapesOfSamplesLoaded(const std::shared_ptr<const ShapesBySample>& shapes);
    void editFailed(const QString& message);

private:
    void submitEdit(quint64 token, ApplyShapeEdit::Step step, const widgets::ShapeEdit& edit);
    void load(std::int64_t sampleId, bool toCopy);

    ProjectController& projects_;
    std::shared_ptr<ShapeEditHistory> history_; // the writer's; shared with its edit jobs
};

} // namespace kestrel::app
