#include "viewer/vtk_bridge.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkImageData.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkWindowToImageFilter.h>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QWheelEvent>
#include <algorithm>
#include <cstring>

namespace cw {

namespace {
constexpr double kClickSlopPx = 4.0;
}

VtkBridge::VtkBridge(QWidget* parent) : QOpenGLWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    // Qt owns the context; VTK renders only once initializeGL has run.
    m_renderWindow->SetReadyForRendering(false);
    m_renderWindow->SetFrameBlitModeToNoBlit();
    m_renderWindow->SetOwnContext(0);
    m_renderWindow->SetForceMaximumHardwareLineWidth(1);
    m_renderWindow->SetMultiSamples(0);  // interactive frames; refine() multisamples
    m_refineTimer.setSingleShot(true);
    m_refineTimer.setInterval(kRefineDelayMs);
    connect(&m_refineTimer, &QTimer::timeout, this, &VtkBridge::refine);
    m_renderWindow->AddRenderer(m_renderer);
    m_renderWindow->SetInteractor(m_interactor);
    m_interactor->SetRenderWindow(m_renderWindow);
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    m_interactor->SetInteractorStyle(style);

    m_renderWindow->AddObserver(vtkCommand::WindowMakeCurrentEvent, this,
                                &VtkBridge::onMakeCurrent);
    auto* isCurrent = vtkCallbackCommand::New();
    isCurrent->SetClientData(this);
    isCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void* callData) {
        static_cast<VtkBridge*>(client)->onIsCurrent(callData);
    });
    m_renderWindow->AddObserver(vtkCommand::WindowIsCurrentEvent, isCurrent);
    isCurrent->Delete();
    m_renderWindow->AddObserver(vtkCommand::WindowFrameEvent, this, &VtkBridge::onFrame);
    // The interactor style renders synchronously inside event handlers (a click's release renders
    // once in the style, again when the pick changes the scene): turn its renders into requests,
    // so that all the changes of one event become one frame in paintGL.
    m_interactor->EnableRenderOff();
    m_interactor->AddObserver(vtkCommand::RenderEvent, this, &VtkBridge::requestRender);
}

VtkBridge::~VtkBridge() {
    makeCurrent();
    cleanupGL();
    doneCurrent();
    m_renderWindow->RemoveAllObservers();
}

QSurfaceFormat VtkBridge::defaultFormat() {
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setAlphaBufferSize(8);
    format.setSamples(0);
    return format;
}

vtkGenericOpenGLRenderWindow* VtkBridge::renderWindow() const {
    return m_renderWindow;
}
vtkRenderer* VtkBridge::renderer() const {
    return m_renderer;
}
vtkGenericRenderWindowInteractor* VtkBridge::interactor() const {
    return m_interactor;
}

void VtkBridge::requestRender() {
    m_dirty = true;
    update();
}

void VtkBridge::setAntiAliasingSamples(int samples) {
    m_samples = std::max(0, samples);
    requestRender();
}

void VtkBridge::refine() {
    if (m_refined || m_samples == 0 || !m_initialized || !isVisible()) return;
    m_refining = true;
    m_dirty = true;
    update();
}

QPointF VtkBridge::toDisplay(const QPointF& p) const {
    const double r = pixelRatio();
    const int h = static_cast<int>(height() * r);
    return {p.x() * r, h - p.y() * r - 1.0};
}

QPointF VtkBridge::fromDisplay(double x, double y) const {
    const double r = pixelRatio();
    const int h = static_cast<int>(height() * r);
    return {x / r, (h - 1.0 - y) / r};
}

// VTK asks this about a thousand times per frame, often in the middle of a draw: only switch
// contexts when another one is current. QOpenGLWidget::makeCurrent() would rebind Qt's
// framebuffer under VTK's feet.
void VtkBridge::onMakeCurrent() {
    QOpenGLContext* ctx = context();
    if (ctx && QOpenGLContext::currentContext() != ctx) ctx->makeCurrent(ctx->surface());
}

void VtkBridge::onIsCurrent(void* callData) {
    QOpenGLContext* ctx = context();
    *static_cast<bool*>(callData) = ctx && QOpenGLContext::currentContext() == ctx;
}

void VtkBridge::onFrame() {
    // Hardware picking renders double-buffered with swapping off: not a picture to show.
    if (m_renderWindow->GetDoubleBuffer() && !m_renderWindow->GetSwapBuffers()) return;
    m_dirty = false;
    // Any frame but the refinement (a drag renders through the interactor, outside paintGL)
    // leaves an aliased picture: refine it once the scene stays still.
    m_refined = m_refining;
    if (!m_refining) m_refineTimer.start();
    if (!m_inPaint) update();
}

void VtkBridge::initializeGL() {
    if (m_initialized) cleanupGL();  // re-parented to another window: a new context
    m_renderWindow->SetReadyForRendering(true);
    m_renderWindow->OpenGLInitContext();
    const double r = pixelRatio();
    m_interactor->UpdateSize(static_cast<int>(width() * r), static_cast<int>(height() * r));
    m_interactor->Initialize();
    m_initialized = true;
    m_dirty = true;
    // One connection per context: a re-parented widget gets a new one.
    disconnect(m_contextConnection);
    m_contextConnection = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        makeCurrent();
        cleanupGL();
        doneCurrent();
    });
}

void VtkBridge::cleanupGL() {
    if (!m_initialized) return;
    m_renderWindow->Finalize();
    m_renderWindow->SetReadyForRendering(false);
    m_initialized = false;
}

void VtkBridge::resizeGL(int w, int h) {
    const double r = pixelRatio();
    m_interactor->UpdateSize(static_cast<int>(w * r), static_cast<int>(h * r));
    m_dirty = true;
}

void VtkBridge::paintGL() {
    if (!m_initialized) return;
    m_inPaint = true;
    if (m_dirty) {
        if (m_refining) m_renderWindow->SetMultiSamples(m_samples);
        m_renderWindow->Render();
        if (m_refining) m_renderWindow->SetMultiSamples(0);
        m_refining = false;
        m_dirty = false;
    }
    m_inPaint = false;

    QOpenGLContext* ctx = context();
    if (QOpenGLContext::currentContext() != ctx) makeCurrent();
    QOpenGLExtraFunctions* f = ctx->extraFunctions();
    vtkOpenGLState* state = m_renderWindow->GetState();
    // VTK caches GL state; Qt changed bindings behind its back. Re-read them.
    state->ResetFramebufferBindings();
    state->ResetGLScissorState();
    state->ResetGLColorMaskState();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    const GLenum buffers[1] = {GL_COLOR_ATTACHMENT0};
    f->glDrawBuffers(1, buffers);
    state->vtkglDisable(GL_SCISSOR_TEST);

    const double r = pixelRatio();
    const int w = static_cast<int>(width() * r), h = static_cast<int>(height() * r);
    int* size = m_renderWindow->GetRenderFramebuffer()->GetLastSize();
    m_renderWindow->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, w, h,
                                           GL_COLOR_BUFFER_BIT, GL_NEAREST);

    // llvmpipe leaves VTK's alpha in place and grabs come out translucent: force alpha to 1.
    state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    state->vtkglClearColor(0.0, 0.0, 0.0, 1.0);
    state->vtkglViewport(0, 0, w, h);
    state->vtkglClear(GL_COLOR_BUFFER_BIT);
    state->vtkglColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
}

QImage VtkBridge::renderToImage(int width, int height) {
    if (!m_initialized || width < 1 || height < 1) return {};
    makeCurrent();
    const int* current = m_renderWindow->GetSize();
    const int oldWidth = current[0], oldHeight = current[1];
    m_inPaint = true;
    m_renderWindow->SetSize(width, height);
    m_renderWindow->SetMultiSamples(m_samples);
    m_renderWindow->Render();
    m_renderWindow->SetMultiSamples(0);
    vtkNew<vtkWindowToImageFilter> grab;
    grab->SetInput(m_renderWindow);
    grab->SetInputBufferTypeToRGB();
    grab->ReadFrontBufferOff();
    grab->ShouldRerenderOff();
    grab->Update();
    vtkImageData* data = grab->GetOutput();
    int dims[3] = {0, 0, 0};
    data->GetDimensions(dims);
    QImage image;
    if (dims[0] == width && dims[1] == height && data->GetNumberOfScalarComponents() == 3) {
        image = QImage(width, height, QImage::Format_RGB888);
        const auto* pixels = static_cast<const unsigned char*>(data->GetScalarPointer());
        // VTK's rows run bottom to top.
        for (int y = 0; y < height; ++y)
            std::memcpy(image.scanLine(height - 1 - y),
                        pixels + static_cast<std::size_t>(y) * width * 3,
                        static_cast<std::size_t>(width) * 3);
    }
    m_renderWindow->SetSize(oldWidth, oldHeight);
    m_interactor->UpdateSize(oldWidth, oldHeight);
    m_renderWindow->Render();
    m_inPaint = false;
    doneCurrent();
    m_dirty = true;
    update();
    return image;
}

bool VtkBridge::forwardMouse(QMouseEvent* event, unsigned long vtkEvent) {
    if (!m_initialized) return false;
    const QPointF d = toDisplay(event->position());
    m_interactor->SetEventInformation(static_cast<int>(d.x()), static_cast<int>(d.y()),
                                      (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                      (event->modifiers() & Qt::ShiftModifier) ? 1 : 0, 0,
                                      event->type() == QEvent::MouseButtonDblClick ? 1 : 0);
    m_interactor->SetAltKey((event->modifiers() & Qt::AltModifier) ? 1 : 0);
    m_interactor->InvokeEvent(vtkEvent, event);
    return true;
}

void VtkBridge::mousePressEvent(QMouseEvent* event) {
    unsigned long id = vtkCommand::NoEvent;
    switch (event->button()) {
        case Qt::LeftButton:
            id = vtkCommand::LeftButtonPressEvent;
            m_pressPos = event->position();
            m_pressed = true;
            break;
        case Qt::MiddleButton:
            id = vtkCommand::MiddleButtonPressEvent;
            break;
        case Qt::RightButton:
            id = vtkCommand::RightButtonPressEvent;
            m_rightPressPos = event->position();
            m_rightPressed = true;
            break;
        default:
            break;
    }
    if (id != vtkCommand::NoEvent) forwardMouse(event, id);
    event->accept();
}

void VtkBridge::mouseMoveEvent(QMouseEvent* event) {
    forwardMouse(event, vtkCommand::MouseMoveEvent);
    event->accept();
}

void VtkBridge::mouseReleaseEvent(QMouseEvent* event) {
    unsigned long id = vtkCommand::NoEvent;
    switch (event->button()) {
        case Qt::LeftButton:
            id = vtkCommand::LeftButtonReleaseEvent;
            break;
        case Qt::MiddleButton:
            id = vtkCommand::MiddleButtonReleaseEvent;
            break;
        case Qt::RightButton:
            id = vtkCommand::RightButtonReleaseEvent;
            break;
        default:
            break;
    }
    if (id != vtkCommand::NoEvent) forwardMouse(event, id);
    if (event->button() == Qt::LeftButton && m_pressed) {
        m_pressed = false;
        const QPointF delta = event->position() - m_pressPos;
        if (std::abs(delta.x()) <= kClickSlopPx && std::abs(delta.y()) <= kClickSlopPx)
            Q_EMIT clicked(event->position(), event->modifiers());
    }
    if (event->button() == Qt::RightButton && m_rightPressed) {
        m_rightPressed = false;
        const QPointF delta = event->position() - m_rightPressPos;
        if (std::abs(delta.x()) <= kClickSlopPx && std::abs(delta.y()) <= kClickSlopPx)
            Q_EMIT contextRequested(event->position());
    }
    event->accept();
}

void VtkBridge::wheelEvent(QWheelEvent* event) {
    if (m_initialized && event->angleDelta().y() != 0) {
        const QPointF d = toDisplay(event->position());
        m_interactor->SetEventInformation(static_cast<int>(d.x()), static_cast<int>(d.y()),
                                          (event->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                          (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
        m_interactor->InvokeEvent(event->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent
                                                              : vtkCommand::MouseWheelBackwardEvent,
                                  event);
    }
    event->accept();
}

void VtkBridge::enterEvent(QEnterEvent* event) {
    if (m_initialized) m_interactor->InvokeEvent(vtkCommand::EnterEvent, event);
    QOpenGLWidget::enterEvent(event);
}

void VtkBridge::leaveEvent(QEvent* event) {
    if (m_initialized) m_interactor->InvokeEvent(vtkCommand::LeaveEvent, event);
    QOpenGLWidget::leaveEvent(event);
}

}  // namespace cw
