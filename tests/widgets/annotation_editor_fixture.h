#pragma once

// What the drawing-layer tests share: a viewer showing a gray 100 x 60 image at fit zoom,
// its editor with three classes on sample kSample, shapes to hand it, and mouse gestures in
// image coordinates on the real canvas.
#include "annotation_editor.h"
#include "annotations/rle.h"
#include "brush_stroke.h"
#include "image_viewer.h"
#include "shape_edit.h"
#include "shape_picture.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <QCursor>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>

namespace annotation_test {

using kestrel::annotations::Box;
using kestrel::annotations::maskArea;
using kestrel::annotations::Point;
using kestrel::annotations::RleMask;
using kestrel::annotations::Shape;
using kestrel::annotations::ShapeKind;
using kestrel::widgets::AnnotationEditor;
using kestrel::widgets::AnnotationTool;
using kestrel::widgets::ClassStyle;
using kestrel::widgets::ImageViewer;
using kestrel::widgets::ShapeEdit;

inline constexpr int kImageWidth = 100;
inline constexpr int kImageHeight = 60;
inline constexpr std::int64_t kSample = 11;
inline const QColor kGray(128, 128, 128);

inline Shape boxShape(std::int64_t id, double x, double y, double w, double h,
                      std::int64_t classId = 1) {
    Shape shape;
    shape.id = id;
    shape.classId = classId;
    shape.kind = ShapeKind::Box;
    shape.box = Box{x, y, w, h};
    return shape;
}

inline Shape polygonShape(std::int64_t id, std::vector<Point> points) {
    Shape shape;
    shape.id = id;
    shape.classId = 1;
    shape.kind = ShapeKind::Polygon;
    shape.points = std::move(points);
    return shape;
}

// A mask of the image's size with the pixels for which inside(x, y) holds.
template <typename Inside>
inline RleMask maskOf(Inside inside, int width = kImageWidth, int height = kImageHeight) {
    std::vector<std::uint8_t> pixels(std::size_t(width) * std::size_t(height), 0);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            pixels[std::size_t(y) * std::size_t(width) + std::size_t(x)] = inside(x, y) ? 1 : 0;
        }
    }
    return kestrel::annotations::encodeMask(pixels.data(), width, height, std::size_t(width));
}

inline Shape maskShape(std::int64_t id, RleMask mask, std::int64_t classId = 1) {
    Shape shape;
    shape.id = id;
    shape.classId = classId;
    shape.kind = ShapeKind::Mask;
    shape.mask = std::move(mask);
    return shape;
}

inline bool isSet(const RleMask& mask, int x, int y) {
    const std::vector<std::uint8_t> pixels = kestrel::annotations::decodeMask(mask);
    return pixels[std::size_t(y) * std::size_t(mask.width) + std::size_t(x)] != 0;
}

inline bool near(double a, double b, double tolerance = 0.5) {
    return std::abs(a - b) <= tolerance;
}

inline ShapeEdit lastEdit(const QSignalSpy& spy) {
    return spy.last().at(0).value<ShapeEdit>();
}

// The viewer and its gestures; each test class calls setUpViewer() in init() and
// tearDownViewer() in cleanup().
class EditorFixture : public QObject {
protected:
    std::unique_ptr<QWidget> host_;
    ImageViewer* viewer_ = nullptr;
    AnnotationEditor* editor_ = nullptr;

    QWidget* canvas() const { return viewer_->findChild<QWidget*>("imageCanvas"); }

    // The canvas pixel over an image point.
    QPoint at(double x, double y) const {
        const QPointF p = viewer_->imageToWidget(QPointF(x, y));
        return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
    }

    void click(QPoint where, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QTest::mouseClick(canvas(), Qt::LeftButton, modifiers, where);
    }

    void drag(QPoint from, QPoint to) {
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(canvas(), (from + to) / 2);
        QTest::mouseMove(canvas(), to);
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, to);
    }

    // Moves the mouse with no button held (QCursor::setPos makes no event when the cursor is
    // already there, so step aside first then).
    void hover(QPoint where) {
        if (QCursor::pos() == canvas()->mapToGlobal(where)) {
            QTest::mouseMove(canvas(), where + QPoint(1, 1));
        }
        QTest::mouseMove(canvas(), where);
    }

    QColor canvasPixel(double x, double y) const {
        return canvas()->grab().toImage().pixelColor(at(x, y));
    }

    // The edit's result handed back as the store would: new shapes get ids from `nextId`.
    std::vector<Shape> commit(const ShapeEdit& edit, std::int64_t nextId = 100) {
        std::vector<Shape> shapes = editor_->shownShapes();
        for (Shape& shape : shapes) {
            if (shape.id == 0) {
                shape.id = nextId++;
            }
        }
        editor_->setSample(edit.sampleId, shapes);
        return shapes;
    }

    void setUpViewer() {
        host_ = std::make_unique<QWidget>();
        auto* layout = new QVBoxLayout(host_.get());
        layout->setContentsMargins(0, 0, 0, 0);
        viewer_ = new ImageViewer;
        layout->addWidget(viewer_);
        host_->resize(440, 320);
        host_->show();
        QVERIFY(QTest::qWaitForWindowExposed(host_.get()));
        QImage image(kImageWidth, kImageHeight, QImage::Format_RGB32);
        image.fill(kGray);
        viewer_->setImage(image);
        QVERIFY(viewer_->zoom() >= 3.0); // fit zoom: a screen pixel is under half an image one
        editor_ = viewer_->annotations();
        QVERIFY(editor_);
        editor_->setClasses({{1, "scratch", QColor(255, 0, 0)},
                             {2, "dent", QColor(0, 0, 255)},
                             {3, "stain", QColor(0, 255, 0)}});
        editor_->setSample(kSample, {});
        viewer_->setFocus();
    }

    void tearDownViewer() {
        host_.reset();
        viewer_ = nullptr;
        editor_ = nullptr;
    }
};

} // namespace annotation_test
