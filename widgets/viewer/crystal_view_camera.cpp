// The crystal view's camera (views along the cell axes, framing the crystal, projection) and
// its rendering to images (figures, transparent matting): the half of CrystalView that turns
// the scene into pictures, apart from building and picking it (crystal_view.cpp).
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <QCheckBox>
#include <QImage>
#include <QSignalBlocker>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "viewer/crystal_view.h"
#include "viewer/vtk_bridge.h"

namespace cw {

void CrystalView::viewAlong(int axis) {
    if (!m_structure) return;
    vtkCamera* camera = m_bridge->renderer()->GetActiveCamera();
    const Lattice& lattice = m_structure->lattice();
    const Eigen::Vector3d dir = lattice.vector(axis).normalized();
    // Up: the next lattice vector, made perpendicular to the viewing direction.
    Eigen::Vector3d up = lattice.vector((axis + 2) % 3);
    up = (up - up.dot(dir) * dir).normalized();
    const Eigen::Vector3d focal = blockCentre();
    const Eigen::Vector3d position = focal - dir * 10.0;
    camera->SetFocalPoint(focal.x(), focal.y(), focal.z());
    camera->SetPosition(position.x(), position.y(), position.z());
    camera->SetViewUp(up.x(), up.y(), up.z());
    frameCrystal();
    m_bridge->requestRender();
}

void CrystalView::resetView() {
    vtkCamera* camera = m_bridge->renderer()->GetActiveCamera();
    const Eigen::Vector3d focal = blockCentre();
    // A general oblique view so that all three axes are visible.
    const Eigen::Vector3d dir = Eigen::Vector3d(-0.45, -1.0, -0.35).normalized();
    const Eigen::Vector3d position = focal - dir * 10.0;
    camera->SetFocalPoint(focal.x(), focal.y(), focal.z());
    camera->SetPosition(position.x(), position.y(), position.z());
    camera->SetViewUp(0, 0, 1);
    frameCrystal();
    m_bridge->requestRender();
}

void CrystalView::frameCrystal() {
    // The displayed atoms and cell edges, not every actor: the picked plane's quad spans the
    // slice window (often 40–90 Å), which would shrink the crystal to a speck.
    double bounds[6] = {VTK_DOUBLE_MAX, VTK_DOUBLE_MIN, VTK_DOUBLE_MAX,
                        VTK_DOUBLE_MIN, VTK_DOUBLE_MAX, VTK_DOUBLE_MIN};
    bool any = false;
    for (vtkActor* actor : {m_atomActor.Get(), m_cellActor.Get()}) {
        if (!actor || !actor->GetVisibility()) continue;
        const double* b = actor->GetBounds();
        if (!b || b[0] > b[1]) continue;
        for (int i = 0; i < 3; ++i) {
            bounds[2 * i] = std::min(bounds[2 * i], b[2 * i]);
            bounds[2 * i + 1] = std::max(bounds[2 * i + 1], b[2 * i + 1]);
        }
        any = true;
    }
    vtkRenderer* renderer = m_bridge->renderer();
    if (any)
        renderer->ResetCamera(bounds);
    else
        renderer->ResetCamera();
    renderer->ResetCameraClippingRange();  // every actor, the plane included, stays unclipped
}

std::array<double, 6> CrystalView::framedBounds() const {
    std::array<double, 6> b{};
    if (m_atomActor) {
        const double* a = m_atomActor->GetBounds();
        std::copy(a, a + 6, b.begin());
    }
    return b;
}

void CrystalView::setOrthographic(bool on) {
    {
        QSignalBlocker block(m_orthoBox);
        m_orthoBox->setChecked(on);
    }
    m_bridge->renderer()->GetActiveCamera()->SetParallelProjection(on);
    frameCrystal();
    m_bridge->requestRender();
}

bool CrystalView::isOrthographic() const {
    return m_bridge->renderer()->GetActiveCamera()->GetParallelProjection() != 0;
}

QImage CrystalView::grabView() {
    return m_bridge->grabFramebuffer();
}

QImage CrystalView::renderImage(int width, bool transparent) {
    if (!transparent) return renderOpaqueImage(width);
    // Difference matting: the scene over black and over white gives each pixel's opacity
    // (α = 1 − (white − black)) and colour (black / α), translucent actors included, with no
    // reliance on the GL framebuffer's alpha channel.
    vtkRenderer* renderer = m_bridge->renderer();
    double background[3], background2[3];
    renderer->GetBackground(background);
    renderer->GetBackground2(background2);
    const bool gradient = renderer->GetGradientBackground();
    renderer->GradientBackgroundOff();
    renderer->SetBackground(0, 0, 0);
    const QImage black = renderOpaqueImage(width).convertToFormat(QImage::Format_RGB32);
    renderer->SetBackground(1, 1, 1);
    const QImage white = renderOpaqueImage(width).convertToFormat(QImage::Format_RGB32);
    renderer->SetBackground(background);
    renderer->SetBackground2(background2);
    renderer->SetGradientBackground(gradient);
    m_bridge->requestRender();
    if (black.isNull() || black.size() != white.size()) return {};
    QImage out(black.size(), QImage::Format_ARGB32);
    for (int y = 0; y < out.height(); ++y) {
        const auto* b = reinterpret_cast<const QRgb*>(black.constScanLine(y));
        const auto* w = reinterpret_cast<const QRgb*>(white.constScanLine(y));
        auto* o = reinterpret_cast<QRgb*>(out.scanLine(y));
        for (int x = 0; x < out.width(); ++x) {
            const int spread = (qRed(w[x]) - qRed(b[x]) + qGreen(w[x]) - qGreen(b[x]) +
                                qBlue(w[x]) - qBlue(b[x])) /
                               3;
            const int alpha = std::clamp(255 - spread, 0, 255);
            auto unmix = [alpha](int c) {
                return alpha == 0 ? 0 : std::clamp(c * 255 / alpha, 0, 255);
            };
            o[x] = qRgba(unmix(qRed(b[x])), unmix(qGreen(b[x])), unmix(qBlue(b[x])), alpha);
        }
    }
    return out;
}

QImage CrystalView::renderOpaqueImage(int width) {
    const double r = m_bridge->pixelRatio();
    const double w = std::max(1.0, m_bridge->width() * r),
                 h = std::max(1.0, m_bridge->height() * r);
    const int height = std::max(1, static_cast<int>(std::lround(width * h / w)));
    // Text is sized in pixels: scale it with the picture so that labels keep their proportion.
    const double factor = width / w;
    std::vector<std::pair<vtkTextActor*, int>> texts;
    texts.emplace_back(m_infoText.Get(), 0);
    for (auto& label : m_pickLabels) texts.emplace_back(label.Get(), 0);
    for (auto& label : m_legend) texts.emplace_back(label.Get(), 0);
    for (auto& [actor, size] : texts) {
        size = actor->GetTextProperty()->GetFontSize();
        actor->GetTextProperty()->SetFontSize(
            std::max(1, static_cast<int>(std::lround(size * factor))));
    }
    QImage image = m_bridge->renderToImage(width, height);
    for (auto& [actor, size] : texts) actor->GetTextProperty()->SetFontSize(size);
    m_bridge->requestRender();
    return image;
}

}  // namespace cw
