#pragma once
// The one place where VTK meets Qt6: a QOpenGLWidget that hosts a vtkGenericOpenGLRenderWindow,
// one renderer and a vtkGenericRenderWindowInteractor (trackball camera). Debian's VTK Qt module
// is built for Qt5, so the project carries this small bridge instead (docs: platform.md, "VTK
// inside Qt6: the bridge").
//
// Requirements: QSurfaceFormat::setDefaultFormat(VtkBridge::defaultFormat()) before the
// QApplication exists, an X server (xcb platform; Qt's offscreen platform gives QOpenGLWidget no
// context), and vtk_module_autoinit on the executable.

#include <vtkNew.h>
#include <QImage>
#include <QOpenGLWidget>
#include <QPoint>
#include <QSurfaceFormat>
#include <QTimer>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;

namespace cw {

class VtkBridge : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkBridge(QWidget* parent = nullptr);
    ~VtkBridge() override;

    /// OpenGL 3.2 core, depth 24, stencil 8, no multisampling: what VTK's OpenGL2 backend needs.
    static QSurfaceFormat defaultFormat();

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkRenderer* renderer() const;
    vtkGenericRenderWindowInteractor* interactor() const;

    /// Marks the scene as changed and schedules a repaint (VTK renders inside paintGL).
    void requestRender();

    /// Anti-aliasing is progressive: every frame that answers a change (a click, a drag, a new
    /// parameter) renders without multisampling, and once the scene has been still for
    /// refineDelayMs the same view is rendered again with `samples` × MSAA. Multisampling costs
    /// software GL (llvmpipe) 2–3× a frame; a GPU refines in a millisecond. Exports
    /// (renderToImage) are always multisampled. 0 turns multisampling off.
    void setAntiAliasingSamples(int samples);
    int antiAliasingSamples() const { return m_samples; }
    static constexpr int kRefineDelayMs = 250;
    /// Whether the picture on screen is the refined (multisampled) one.
    bool isRefined() const { return m_refined; }

    /// Device-pixel ratio used for VTK coordinates (VTK works in device pixels).
    double pixelRatio() const { return devicePixelRatioF(); }

    /// Widget (logical, top-left origin) → VTK display coordinates (device pixels, bottom-left).
    QPointF toDisplay(const QPointF& widgetPos) const;
    /// VTK display coordinates → widget coordinates.
    QPointF fromDisplay(double x, double y) const;

    /// Renders the scene offscreen at `width` × `height` device pixels (independent of the
    /// widget's size: VTK's render framebuffer is resized for the frame, then restored) and
    /// returns it (RGB888). Null before the widget has a GL context.
    QImage renderToImage(int width, int height);

Q_SIGNALS:
    /// A press and release of the left button without dragging (≤ 4 px): a pick request.
    void clicked(const QPointF& widgetPos, Qt::KeyboardModifiers modifiers);
    /// A press and release of the right button without dragging: a context-menu request.
    void contextRequested(const QPointF& widgetPos);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onMakeCurrent();
    void onIsCurrent(void* callData);
    void onFrame();
    void refine();
    void cleanupGL();
    bool forwardMouse(QMouseEvent* event, unsigned long vtkEvent);

    vtkNew<vtkGenericOpenGLRenderWindow> m_renderWindow;
    vtkNew<vtkRenderer> m_renderer;
    vtkNew<vtkGenericRenderWindowInteractor> m_interactor;
    bool m_dirty = true;
    int m_samples = 8;
    bool m_refining = false;  // the paint in progress is the multisampled one
    bool m_refined = false;
    QTimer m_refineTimer;
    bool m_inPaint = false;
    bool m_initialized = false;
    QMetaObject::Connection m_contextConnection;
    QPointF m_pressPos;
    bool m_pressed = false;
    QPointF m_rightPressPos;
    bool m_rightPressed = false;
};

}  // namespace cw
