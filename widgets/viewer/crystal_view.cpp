#include "viewer/crystal_view.h"

#include <vtkActor.h>
#include <vtkAxesActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkOrientationMarkerWidget.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <QCheckBox>
#include <QComboBox>
#include <QSettings>
#include <QClipboard>
#include <QGuiApplication>
#include <QHelpEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QSpinBox>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "crystal/elements.h"
#include "viewer/vtk_bridge.h"

namespace cw {

namespace {

vtkSmartPointer<vtkActor> lineActor(vtkPolyData* lines, double r, double g, double b,
                                    double width) {
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(lines);
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(r, g, b);
    actor->GetProperty()->SetLineWidth(static_cast<float>(width));
    actor->GetProperty()->LightingOff();
    return actor;
}

// A translucent shell over the given atoms, one colour for all.
vtkSmartPointer<vtkActor> shellActor(std::vector<DisplayedAtom> atoms, double factor,
                                     const std::array<std::uint8_t, 3>& color, double opacity) {
    for (auto& a : atoms) a.color = color;
    auto actor = makeSphereActor(atomPoints(atoms, factor));
    actor->GetProperty()->SetOpacity(opacity);
    return actor;
}

vtkSmartPointer<vtkPolyData> quadOutline(const PlaneFrame& frame, double side) {
    const double h = side / 2.0;
    vtkNew<vtkPoints> points;
    const double corners[4][2] = {{-h, -h}, {h, -h}, {h, h}, {-h, h}};
    for (const auto& c : corners) {
        const Eigen::Vector3d x = frame.toCartesian(c[0], c[1]);
        points->InsertNextPoint(x.x(), x.y(), x.z());
    }
    vtkNew<vtkCellArray> lines;
    const vtkIdType ids[5] = {0, 1, 2, 3, 0};
    lines->InsertNextCell(5, ids);
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetLines(lines);
    return data;
}

QString vecText(const Eigen::Vector3d& v) {
    return QString("(%1, %2, %3)")
        .arg(v.x(), 0, 'f', 3)
        .arg(v.y(), 0, 'f', 3)
        .arg(v.z(), 0, 'f', 3);
}

}  // namespace

CrystalView::CrystalView(QWidget* parent)
    : QWidget(parent),
      m_bridge(new VtkBridge),
      m_bondsBox(new QCheckBox("Bonds")),
      m_orthoBox(new QCheckBox("Orthographic")) {
    setObjectName("crystalView");
    m_bridge->setObjectName("vtkBridge");
    m_bridge->setMinimumSize(320, 240);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(new QLabel("Cells"));
    const char* axes[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; ++i) {
        auto* box = new QSpinBox;
        box->setRange(1, 5);
        box->setPrefix(QString("%1 × ").arg(axes[i]));
        box->setObjectName(QString("repeat_%1").arg(axes[i]));
        connect(box, &QSpinBox::valueChanged, this, [this, i](int value) {
            std::array<int, 3> r = m_repeats;
            r[static_cast<std::size_t>(i)] = value;
            setRepeats(r);
        });
        m_repeatBoxes[static_cast<std::size_t>(i)] = box;
        bar->addWidget(box);
    }
    m_bondsBox->setObjectName("bondsBox");
    connect(m_bondsBox, &QCheckBox::toggled, this, &CrystalView::setBondsVisible);
    bar->addWidget(m_bondsBox);
    bar->addSpacing(12);
    bar->addWidget(new QLabel("View along"));
    for (int i = 0; i < 3; ++i) {
        auto* button = new QToolButton;
        button->setText(axes[i]);
        button->setToolTip(QString("Look along lattice vector %1").arg(axes[i]));
        connect(button, &QToolButton::clicked, this, [this, i] { viewAlong(i); });
        bar->addWidget(button);
    }
    auto* reset = new QToolButton;
    reset->setText("Reset");
    connect(reset, &QToolButton::clicked, this, &CrystalView::resetView);
    bar->addWidget(reset);
    m_orthoBox->setObjectName("orthographicBox");
    connect(m_orthoBox, &QCheckBox::toggled, this, &CrystalView::setOrthographic);
    bar->addWidget(m_orthoBox);
    bar->addSpacing(12);
    m_colorBox = new QComboBox;
    m_colorBox->setObjectName("elementColorsBox");
    m_colorBox->addItem("Jmol colours", "jmol");
    m_colorBox->addItem("Distinct colours", "distinct");
    m_colorBox->setToolTip("Jmol: the usual CPK colours. Distinct: elements of this crystal whose Jmol colours "
                           "look alike (Fe and P, Ba and Ca) get colours that tell them apart");
    m_colorBox->setCurrentIndex(QSettings().value("view/elementColors", "jmol").toString() == "distinct" ? 1 : 0);
    m_colorScheme = parseElementColorScheme(m_colorBox->currentData().toString().toStdString());
    connect(m_colorBox, &QComboBox::currentIndexChanged, this, [this] {
        setElementColorScheme(parseElementColorScheme(m_colorBox->currentData().toString().toStdString()));
    });
    bar->addWidget(m_colorBox);
    bar->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_bridge, 1);

    vtkRenderer* renderer = m_bridge->renderer();
    renderer->SetBackground(0.10, 0.11, 0.14);
    renderer->SetBackground2(0.24, 0.26, 0.32);
    renderer->GradientBackgroundOn();

    m_infoText = vtkSmartPointer<vtkTextActor>::New();
    m_infoText->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    m_infoText->SetPosition(0.01, 0.98);
    vtkTextProperty* tp = m_infoText->GetTextProperty();
    tp->SetFontSize(14);
    tp->SetColor(1.0, 1.0, 1.0);
    tp->SetVerticalJustificationToTop();
    tp->SetBackgroundColor(0.0, 0.0, 0.0);
    tp->SetBackgroundOpacity(0.45);
    renderer->AddActor2D(m_infoText);

    for (auto& label : m_pickLabels) {
        // 2D actors anchored at a world point: drawn over the spheres, never hidden by them.
        label = vtkSmartPointer<vtkTextActor>::New();
        label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
        label->GetTextProperty()->SetFontSize(18);
        label->GetTextProperty()->BoldOn();
        label->GetTextProperty()->SetColor(1.0, 0.95, 0.3);
        label->GetTextProperty()->SetBackgroundColor(0, 0, 0);
        label->GetTextProperty()->SetBackgroundOpacity(0.5);
        label->VisibilityOff();
        renderer->AddActor2D(label);
    }

    vtkNew<vtkAxesActor> axesActor;
    m_axesWidget = vtkSmartPointer<vtkOrientationMarkerWidget>::New();
    m_axesWidget->SetOrientationMarker(axesActor);
    m_axesWidget->SetInteractor(m_bridge->interactor());
    m_axesWidget->SetDefaultRenderer(renderer);
    m_axesWidget->SetViewport(0.0, 0.0, 0.16, 0.22);
    m_axesWidget->SetEnabled(1);
    m_axesWidget->InteractiveOff();

    connect(m_bridge, &VtkBridge::clicked, this, &CrystalView::onClicked);
    connect(m_bridge, &VtkBridge::contextRequested, this, [this](const QPointF& pos) {
        const int index = atomAt(pos);
        if (index < 0) return;
        QMenu* menu = atomMenu(index, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_bridge->mapToGlobal(pos.toPoint()));
    });
    // Hover: a tooltip names the atom under the mouse (QEvent::ToolTip on the bridge).
    m_bridge->installEventFilter(this);
    updateSelection();
}

CrystalView::~CrystalView() {
    m_axesWidget->SetEnabled(0);
}

void CrystalView::setStructure(const Structure& structure) {
    const bool hadPicks = m_picks.size() == 3;
    m_structure = structure;
    m_picks.clear();
    m_highlightedSites.clear();
    rebuildScene();
    updateLegend();
    resetView();
    updateSelection();
    if (hadPicks) Q_EMIT picksCleared();
}

void CrystalView::setRepeats(const std::array<int, 3>& repeats) {
    std::array<int, 3> r;
    for (std::size_t i = 0; i < 3; ++i) r[i] = std::clamp(repeats[i], 1, 5);
    if (r == m_repeats) return;
    m_repeats = r;
    for (std::size_t i = 0; i < 3; ++i) {
        QSignalBlocker block(m_repeatBoxes[i]);
        m_repeatBoxes[i]->setValue(r[i]);
    }
    if (!m_structure) return;
    rebuildScene();
    updateSelection();
    resetView();
}

void CrystalView::setBondsVisible(bool visible) {
    if (visible == m_bondsVisible) return;
    m_bondsVisible = visible;
    {
        QSignalBlocker block(m_bondsBox);
        m_bondsBox->setChecked(visible);
    }
    if (m_structure) rebuildScene();
}

void CrystalView::setSliceParameters(const SliceParameters& parameters) {
    m_sliceParameters = parameters;
    updateSelection();
}

int CrystalView::sphereCount() const {
    if (!m_atomActor) return 0;
    auto* mapper = vtkPolyDataMapper::SafeDownCast(m_atomActor->GetMapper());
    vtkPolyData* input = mapper ? mapper->GetInput() : nullptr;
    return input ? static_cast<int>(input->GetNumberOfPoints()) : 0;
}

void CrystalView::rebuildScene() {
    vtkRenderer* renderer = m_bridge->renderer();
    for (vtkActor* a : {m_atomActor.Get(), m_bondActor.Get(), m_cellActor.Get()})
        if (a) renderer->RemoveActor(a);
    m_atomActor = m_bondActor = m_cellActor = nullptr;
    m_colors = elementColors(m_structure->elements(), m_colorScheme);
    m_atoms = displayedAtoms(*m_structure, m_repeats, m_colors);
    m_atomPoints = atomPoints(m_atoms);
    m_atomActor = makeSphereActor(m_atomPoints);
    renderer->AddActor(m_atomActor);
    updateSiteHighlight();
    m_cellActor = lineActor(cellEdges(m_structure->lattice(), m_repeats), 0.75, 0.75, 0.8, 1.5);
    renderer->AddActor(m_cellActor);
    if (m_bondsVisible) {
        m_bondActor = lineActor(bondLines(m_atoms, *m_structure), 0.85, 0.85, 0.85, 2.5);
        renderer->AddActor(m_bondActor);
    }
    m_bridge->requestRender();
}

void CrystalView::setElementColorScheme(ElementColorScheme scheme) {
    if (m_colorBox->currentData().toString().toStdString() != elementColorSchemeName(scheme)) {
        const QSignalBlocker block(m_colorBox);
        m_colorBox->setCurrentIndex(scheme == ElementColorScheme::Distinct ? 1 : 0);
    }
    m_colorScheme = scheme;
    QSettings().setValue("view/elementColors", QString::fromStdString(elementColorSchemeName(scheme)));
    if (!m_structure) return;
    rebuildScene();
    updateLegend();
}

void CrystalView::updateLegend() {
    vtkRenderer* renderer = m_bridge->renderer();
    for (auto& actor : m_legend) renderer->RemoveActor2D(actor);
    m_legend.clear();
    if (!m_structure) return;
    // One line per element in the element's colour, bottom right, first element on top.
    const std::vector<int> zs = m_structure->elements();
    for (std::size_t i = 0; i < zs.size(); ++i) {
        const ElementInfo& e = element(zs[i]);
        auto actor = vtkSmartPointer<vtkTextActor>::New();
        actor->SetInput(e.symbol);
        vtkTextProperty* tp = actor->GetTextProperty();
        tp->SetFontSize(18);
        tp->BoldOn();
        const Rgb color = m_colors.count(zs[i]) ? m_colors.at(zs[i]) : e.colorRgb;
        tp->SetColor(color[0] / 255.0, color[1] / 255.0, color[2] / 255.0);
        tp->SetBackgroundColor(0.0, 0.0, 0.0);
        tp->SetBackgroundOpacity(0.45);
        tp->SetJustificationToRight();
        actor->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
        actor->SetPosition(0.985, 0.02 + 0.045 * static_cast<double>(zs.size() - 1 - i));
        renderer->AddActor2D(actor);
        m_legend.push_back(actor);
    }
}

double CrystalView::cellLengthFactor() const {
    if (!m_structure || !m_sliceParameters.volumePerAtom || m_structure->size() == 0) return 1.0;
    // The slicer scales the cell isotropically to V/N = volumePerAtom; lengths in that cell are
    // shorter or longer than the displayed ones by the cube root of the volume ratio.
    const double v = std::abs(m_structure->lattice().determinant());
    return std::cbrt(v /
                     (static_cast<double>(m_structure->size()) * *m_sliceParameters.volumePerAtom));
}

Eigen::Vector3d CrystalView::blockCentre() const {
    if (!m_structure) return Eigen::Vector3d::Zero();
    const Eigen::Vector3d half(m_repeats[0] / 2.0, m_repeats[1] / 2.0, m_repeats[2] / 2.0);
    return m_structure->lattice().toCartesian(half);
}

std::vector<int> CrystalView::pickedSites() const {
    std::vector<int> sites;
    for (const Pick& p : m_picks) sites.push_back(p.site);
    std::sort(sites.begin(), sites.end());
    sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
    return sites;
}

void CrystalView::setHighlightedSites(const std::vector<int>& sites) {
    std::vector<int> sorted = sites;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted == m_highlightedSites) return;
    m_highlightedSites = std::move(sorted);
    updateSiteHighlight();
    updateSelection();  // its text names the highlight
}

void CrystalView::updateSiteHighlight() {
    if (m_siteHighlightActor) m_bridge->renderer()->RemoveActor(m_siteHighlightActor);
    m_siteHighlightActor = nullptr;
    std::vector<DisplayedAtom> highlighted;
    for (const DisplayedAtom& a : m_atoms)
        if (std::binary_search(m_highlightedSites.begin(), m_highlightedSites.end(), a.site))
            highlighted.push_back(a);
    m_highlightedAtomCount = static_cast<int>(highlighted.size());
    if (highlighted.empty()) return;
    m_siteHighlightActor = shellActor(highlighted, 1.5, {255, 70, 230}, 0.6);
    m_bridge->renderer()->AddActor(m_siteHighlightActor);
}

void CrystalView::setPicks(const PickTriple& picks) {
    m_picks.assign(picks.begin(), picks.end());
    updateSelection();
    Q_EMIT selectionChanged();
    Q_EMIT picksChanged(picks);
}

void CrystalView::clearPicks() {
    const bool hadPlane = m_picks.size() == 3;
    m_picks.clear();
    updateSelection();
    Q_EMIT selectionChanged();
    if (hadPlane) Q_EMIT picksCleared();
}

int CrystalView::atomAt(const QPointF& widgetPos) const {
    if (m_atoms.empty()) return -1;
    vtkRenderer* renderer = m_bridge->renderer();
    const QPointF d = m_bridge->toDisplay(widgetPos);
    auto unproject = [&](double z) {
        renderer->SetDisplayPoint(d.x(), d.y(), z);
        renderer->DisplayToWorld();
        const double* w = renderer->GetWorldPoint();
        return Eigen::Vector3d(w[0] / w[3], w[1] / w[3], w[2] / w[3]);
    };
    const Eigen::Vector3d nearPoint = unproject(0.0);
    const Eigen::Vector3d dir = (unproject(1.0) - nearPoint).normalized();
    // Exact ray–sphere intersection: impostor spheres are not cells a vtkCellPicker could report,
    // and the analytic test is as fast for 20,000 spheres as a hardware pick.
    int best = -1;
    double bestT = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < m_atoms.size(); ++i) {
        const Eigen::Vector3d oc = nearPoint - m_atoms[i].position;
        const double b = oc.dot(dir);
        const double c = oc.squaredNorm() - m_atoms[i].radius * m_atoms[i].radius;
        const double disc = b * b - c;
        if (disc < 0) continue;
        double t = -b - std::sqrt(disc);
        if (t < 0) t = -b + std::sqrt(disc);
        if (t >= 0 && t < bestT) {
            bestT = t;
            best = static_cast<int>(i);
        }
    }
    return best;
}

QPointF CrystalView::projectToWidget(const Eigen::Vector3d& world) const {
    vtkRenderer* renderer = m_bridge->renderer();
    renderer->SetWorldPoint(world.x(), world.y(), world.z(), 1.0);
    renderer->WorldToDisplay();
    const double* d = renderer->GetDisplayPoint();
    return m_bridge->fromDisplay(d[0], d[1]);
}

void CrystalView::onClicked(const QPointF& pos, Qt::KeyboardModifiers modifiers) {
    selectAtom(atomAt(pos), (modifiers & Qt::ShiftModifier) != 0);
}

void CrystalView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape) {
        clearPicks();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void CrystalView::updateSelection() {
    vtkRenderer* renderer = m_bridge->renderer();
    for (vtkActor* a : {m_planeActor.Get(), m_planeOutline.Get(), m_planeInBlock.Get(),
                        m_inPlaneActor.Get(), m_pickActor.Get()})
        if (a) renderer->RemoveActor(a);
    m_planeActor = m_planeOutline = m_planeInBlock = m_inPlaneActor = m_pickActor = nullptr;
    m_frame.reset();
    m_inPlaneCount = 0;
    for (auto& label : m_pickLabels) label->VisibilityOff();

    QStringList lines;
    if (!m_structure) {
        m_selectionText.clear();
        m_infoText->SetInput("");
        m_bridge->requestRender();
        return;
    }
    std::vector<Eigen::Vector3d> positions;
    std::vector<DisplayedAtom> pickedAtoms;
    for (std::size_t i = 0; i < m_picks.size(); ++i) {
        const Pick& p = m_picks[i];
        const Eigen::Vector3d x = pickPosition(*m_structure, p);
        positions.push_back(x);
        const Site& site = m_structure->site(static_cast<std::size_t>(p.site));
        const ElementInfo& e = element(site.z);
        DisplayedAtom a;
        a.position = x;
        a.radius = kAtomRadiusScale * e.covalentRadiusA;
        pickedAtoms.push_back(a);
        lines << QString("%1: %2  site %3  t = (%4, %5, %6)  %7 Å")
                     .arg(i + 1)
                     .arg(e.symbol)
                     .arg(p.site)
                     .arg(p.translation.x())
                     .arg(p.translation.y())
                     .arg(p.translation.z())
                     .arg(vecText(x));
        m_pickLabels[i]->SetInput(QString("%1 %2").arg(i + 1).arg(e.symbol).toUtf8().constData());
        m_pickLabels[i]->GetPositionCoordinate()->SetValue(x.x(), x.y(), x.z());
        m_pickLabels[i]->VisibilityOn();
    }
    if (positions.size() >= 2)
        lines << QString("d(1,2) = %1 Å").arg((positions[1] - positions[0]).norm(), 0, 'f', 3);
    if (positions.size() == 3) {
        const Eigen::Vector3d u = positions[0] - positions[1], v = positions[2] - positions[1];
        const double angle = std::acos(std::clamp(u.normalized().dot(v.normalized()), -1.0, 1.0));
        lines << QString("d(2,3) = %1 Å   d(1,3) = %2 Å   angle 1-2-3 = %3°")
                     .arg(v.norm(), 0, 'f', 3)
                     .arg((positions[2] - positions[0]).norm(), 0, 'f', 3)
                     .arg(angle * 180.0 / M_PI, 0, 'f', 2);
    }
    if (!pickedAtoms.empty()) {
        m_pickActor = shellActor(pickedAtoms, 1.35, {255, 235, 60}, 0.55);
        renderer->AddActor(m_pickActor);
    }
    if (m_picks.size() == 3) {
        try {
            m_frame = planeFromPicks(*m_structure, PickTriple{m_picks[0], m_picks[1], m_picks[2]});
        } catch (const Error& e) {
            lines << QString("No plane: %1").arg(e.what());
        }
    }
    if (m_frame) {
        const double k = cellLengthFactor();
        const double side = m_sliceParameters.window * k;
        const double tolerance = m_sliceParameters.tolerance * k;
        vtkNew<vtkPolyDataMapper> mapper;
        mapper->SetInputData(planeQuad(*m_frame, side));
        m_planeActor = vtkSmartPointer<vtkActor>::New();
        m_planeActor->SetMapper(mapper);
        m_planeActor->GetProperty()->SetColor(0.35, 0.7, 1.0);
        m_planeActor->GetProperty()->SetOpacity(0.18);
        m_planeActor->GetProperty()->LightingOff();
        renderer->AddActor(m_planeActor);
        m_planeOutline = lineActor(quadOutline(*m_frame, side), 0.45, 0.8, 1.0, 2.0);
        renderer->AddActor(m_planeOutline);
        // The part inside the displayed cells, stronger: where the plane cuts the crystal.
        vtkNew<vtkPolyDataMapper> inBlockMapper;
        inBlockMapper->SetInputData(
            planeInBlock(*m_frame, side, m_structure->lattice(), m_repeats));
        m_planeInBlock = vtkSmartPointer<vtkActor>::New();
        m_planeInBlock->SetMapper(inBlockMapper);
        m_planeInBlock->GetProperty()->SetColor(0.35, 0.75, 1.0);
        m_planeInBlock->GetProperty()->SetOpacity(0.35);
        m_planeInBlock->GetProperty()->LightingOff();
        renderer->AddActor(m_planeInBlock);
        std::vector<DisplayedAtom> onPlane;
        for (const DisplayedAtom& a : m_atoms) {
            const Eigen::Vector3d uvw = m_frame->toPlane(a.position);
            if (std::abs(uvw.z()) <= tolerance && std::abs(uvw.x()) <= side / 2 &&
                std::abs(uvw.y()) <= side / 2)
                onPlane.push_back(a);
        }
        m_inPlaneCount = static_cast<int>(onPlane.size());
        if (!onPlane.empty()) {
            m_inPlaneActor = shellActor(onPlane, 1.15, {80, 230, 255}, 0.45);
            renderer->AddActor(m_inPlaneActor);
        }
        lines << QString("Plane: %1 displayed atoms within %2 Å")
                     .arg(m_inPlaneCount)
                     .arg(tolerance, 0, 'f', 3);
    }
    if (!m_highlightedSites.empty()) {
        QStringList names;
        for (int site : m_highlightedSites) {
            if (site < 0 || site >= static_cast<int>(m_structure->size())) continue;
            const QString symbol = element(m_structure->site(static_cast<std::size_t>(site)).z).symbol;
            if (!names.contains(symbol)) names << symbol;
        }
        lines << QString("Selected sites: %1 %2 (%3 displayed atoms)")
                     .arg(m_highlightedSites.size())
                     .arg(names.join(", "))
                     .arg(m_highlightedAtomCount);
    }
    if (m_picks.empty()) lines << "Click an atom to pick it; shift-click adds; Esc clears";
    m_selectionText = lines.join('\n');
    m_infoText->SetInput(m_selectionText.toUtf8().constData());
    m_bridge->requestRender();
}

QString CrystalView::atomToolTip(int index) const {
    if (!m_structure || index < 0 || index >= static_cast<int>(m_atoms.size())) return {};
    const DisplayedAtom& a = m_atoms[static_cast<std::size_t>(index)];
    const Site& site = m_structure->site(static_cast<std::size_t>(a.site));
    const ElementInfo& e = element(site.z);
    QString text = QString("%1 (%2), site %3").arg(e.symbol, e.name).arg(a.site);
    if (!site.label.empty()) text += QString(" “%1”").arg(QString::fromStdString(site.label));
    text += QString("\ntranslation (%1, %2, %3)")
                .arg(a.translation.x())
                .arg(a.translation.y())
                .arg(a.translation.z());
    text += "\n" + atomCoordinatesText(index);
    return text;
}

QString CrystalView::atomCoordinatesText(int index) const {
    if (!m_structure || index < 0 || index >= static_cast<int>(m_atoms.size())) return {};
    const DisplayedAtom& a = m_atoms[static_cast<std::size_t>(index)];
    const Eigen::Vector3d frac =
        m_structure->site(static_cast<std::size_t>(a.site)).frac + a.translation.cast<double>();
    const Eigen::Vector3d cart = m_structure->lattice().toCartesian(frac);
    auto three = [](const Eigen::Vector3d& v) {
        return QString("(%1, %2, %3)")
            .arg(v.x(), 0, 'f', 6)
            .arg(v.y(), 0, 'f', 6)
            .arg(v.z(), 0, 'f', 6);
    };
    return QString("frac: %1  cart: %2 Å").arg(three(frac), three(cart));
}

void CrystalView::centreOnAtom(int index) {
    if (index < 0 || index >= static_cast<int>(m_atoms.size())) return;
    const Eigen::Vector3d x = m_atoms[static_cast<std::size_t>(index)].position;
    vtkCamera* camera = m_bridge->renderer()->GetActiveCamera();
    double focal[3], position[3];
    camera->GetFocalPoint(focal);
    camera->GetPosition(position);
    const Eigen::Vector3d shift = x - Eigen::Vector3d(focal[0], focal[1], focal[2]);
    camera->SetFocalPoint(x.x(), x.y(), x.z());
    camera->SetPosition(position[0] + shift.x(), position[1] + shift.y(),
                        position[2] + shift.z());
    m_bridge->renderer()->ResetCameraClippingRange();
    m_bridge->requestRender();
}

void CrystalView::copyAtomCoordinates(int index) {
    const QString text = atomCoordinatesText(index);
    if (!text.isEmpty()) QGuiApplication::clipboard()->setText(text);
}

void CrystalView::selectAtom(int index, bool add) {
    if (index < 0 || index >= static_cast<int>(m_atoms.size())) return;
    const DisplayedAtom& a = m_atoms[static_cast<std::size_t>(index)];
    const Pick pick{a.site, a.translation};
    const bool hadPlane = m_picks.size() == 3;
    if (add) {
        if (std::find(m_picks.begin(), m_picks.end(), pick) != m_picks.end()) return;
        if (m_picks.size() == 3) m_picks.erase(m_picks.begin());
        m_picks.push_back(pick);
    } else {
        m_picks.assign(1, pick);
    }
    updateSelection();
    Q_EMIT selectionChanged();
    if (m_picks.size() == 3)
        Q_EMIT picksChanged(PickTriple{m_picks[0], m_picks[1], m_picks[2]});
    else if (hadPlane)
        Q_EMIT picksCleared();
}

QMenu* CrystalView::atomMenu(int index, QWidget* parent) {
    auto* menu = new QMenu(parent);
    menu->setObjectName("atomMenu");
    const QString title = atomToolTip(index).section('\n', 0, 0);
    if (!title.isEmpty()) menu->addSection(title);
    QAction* centre = menu->addAction("Centre View on Atom", this, [this, index] { centreOnAtom(index); });
    centre->setObjectName("centreOnAtom");
    QAction* copy =
        menu->addAction("Copy Coordinates", this, [this, index] { copyAtomCoordinates(index); });
    copy->setObjectName("copyCoordinates");
    QAction* select = menu->addAction("Select", this, [this, index] { selectAtom(index); });
    select->setObjectName("selectAtom");
    QAction* add =
        menu->addAction("Add to Selection", this, [this, index] { selectAtom(index, true); });
    add->setObjectName("addToSelection");
    return menu;
}

bool CrystalView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_bridge && event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = atomToolTip(atomAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, m_bridge);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace cw
