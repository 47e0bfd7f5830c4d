#pragma once
// The 3D crystal viewer: atoms (instanced spheres), optional bonds, cell edges, a 1–5 repeat per
// axis, views along a/b/c, perspective/orthographic, axes and an element legend. Picking: a click
// selects an atom, shift-click adds, Esc clears; three picks define the slice plane (drawn as a
// translucent quad of the slice window, atoms within the tolerance highlighted) and emit
// picksChanged.

#include <vtkSmartPointer.h>
#include <QWidget>
#include <array>
#include <map>
#include <optional>
#include <vector>

#include "crystal/structure.h"
#include "ecd/plane.h"
#include "ecd/slicer.h"
#include "viewer/element_colors.h"
#include "viewer/scene_builder.h"

class QCheckBox;
class QComboBox;
class QMenu;
class QSpinBox;
class vtkActor;
class vtkActor2D;
class vtkOrientationMarkerWidget;
class vtkPolyData;
class vtkTextActor;

namespace cw {

class VtkBridge;

class CrystalView : public QWidget {
    Q_OBJECT
public:
    explicit CrystalView(QWidget* parent = nullptr);
    ~CrystalView() override;

    /// Shows a new crystal: clears the picks, rebuilds the scene and resets the camera.
    void setStructure(const Structure& structure);
    bool hasStructure() const { return m_structure.has_value(); }
    const Structure& structure() const { return *m_structure; }

    /// Cells shown per axis, each clamped to 1…5. Clears the picks' highlights that fall outside.
    void setRepeats(const std::array<int, 3>& repeats);
    std::array<int, 3> repeats() const { return m_repeats; }
    void setBondsVisible(bool visible);

    /// Slice parameters: the quad's size (window) and the highlight tolerance, both converted
    /// from the slice's volume-normalised cell to the displayed one.
    void setSliceParameters(const SliceParameters& parameters);

    /// The displayed atoms, in the order of the sphere mapper's points.
    const std::vector<DisplayedAtom>& atoms() const { return m_atoms; }
    /// Element colours: Jmol's, or distinct within the crystal (remembered in QSettings).
    void setElementColorScheme(ElementColorScheme scheme);
    ElementColorScheme elementColorScheme() const { return m_colorScheme; }
    /// The colour each element of the crystal is drawn in (and the legend shows).
    const std::map<int, Rgb>& elementColorMap() const { return m_colors; }
    /// Bounds (Å: x0, x1, y0, y1, z0, z1) of the drawn atoms, which the camera frames.
    std::array<double, 6> framedBounds() const;
    /// Spheres in the scene (points fed to the atoms' sphere mapper).
    int sphereCount() const;
    /// Displayed atoms currently highlighted as lying on the plane.
    int inPlaneCount() const { return m_inPlaneCount; }

    /// The current picks (0–3), in pick order.
    const std::vector<Pick>& picks() const { return m_picks; }
    /// The sites of the current picks, ascending, without repeats.
    std::vector<int> pickedSites() const;
    /// Highlights every displayed image of these sites (the Structure panel's selection), in a
    /// colour of its own; an empty list clears it. Independent of the picks.
    void setHighlightedSites(const std::vector<int>& sites);
    const std::vector<int>& highlightedSites() const { return m_highlightedSites; }
    /// Displayed atoms under the site highlight.
    int highlightedAtomCount() const { return m_highlightedAtomCount; }
    /// Sets three picks programmatically (as three clicks would).
    void setPicks(const PickTriple& picks);
    void clearPicks();
    /// The displayed atom under a widget position (ray–sphere intersection, nearest hit), or −1.
    int atomAt(const QPointF& widgetPos) const;
    /// The plane frame of three picks in the displayed cell, if they define one.
    std::optional<PlaneFrame> planeFrame() const { return m_frame; }

    /// Widget coordinates of a Cartesian point (Å) through the renderer's world→display
    /// transform.
    QPointF projectToWidget(const Eigen::Vector3d& world) const;

    /// Camera looking along lattice vector 0 (a), 1 (b) or 2 (c).
    void viewAlong(int axis);
    void resetView();
    void setOrthographic(bool on);
    bool isOrthographic() const;

    /// The text of the selection label: one line per pick, then distances and the angle.
    QString selectionText() const { return m_selectionText; }

    VtkBridge* bridge() const { return m_bridge; }
    /// The rendered picture (renders first).
    QImage grabView();
    /// The view rendered offscreen `width` device pixels wide, the widget's aspect ratio kept
    /// (e.g. 4000 px for print, whatever the window's size). Null without a GL context.
    /// `transparent`: no background (ARGB; the plane and label boxes keep their translucency),
    /// for figures laid over other colours, as VESTA offers.
    QImage renderImage(int width, bool transparent = false);

    /// The hover text of displayed atom `index`: element, site index, translation, coordinates.
    QString atomToolTip(int index) const;
    /// "frac: (x, y, z)  cart: (x, y, z) Å" of displayed atom `index`, as Copy Coordinates puts
    /// on the clipboard.
    QString atomCoordinatesText(int index) const;
    /// Moves the camera (and its focal point) so that displayed atom `index` is in the middle.
    void centreOnAtom(int index);
    /// Copies atomCoordinatesText(index) to the clipboard.
    void copyAtomCoordinates(int index);
    /// Selects displayed atom `index` as a plain click would (shift: adds to the picks).
    void selectAtom(int index, bool add = false);
    /// The right-click menu of displayed atom `index` (Centre View on Atom, Copy Coordinates,
    /// Select, Add to Selection); the caller owns it.
    QMenu* atomMenu(int index, QWidget* parent = nullptr);

Q_SIGNALS:
    /// Three picks are set (the plane may still be degenerate: the slicer then reports it).
    void picksChanged(const cw::PickTriple& picks);
    /// The selection dropped below three picks.
    void picksCleared();
    void selectionChanged();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onClicked(const QPointF& pos, Qt::KeyboardModifiers modifiers);
    void rebuildScene();
    void updateSelection();
    void updateSiteHighlight();
    void updateLegend();
    double cellLengthFactor() const;
    Eigen::Vector3d blockCentre() const;
    /// Points the camera at the displayed atoms and cell (never the plane's slice window).
    void frameCrystal();
    QImage renderOpaqueImage(int width);

    VtkBridge* m_bridge;
    std::array<QSpinBox*, 3> m_repeatBoxes{};
    QCheckBox* m_bondsBox;
    QCheckBox* m_orthoBox;

    std::optional<Structure> m_structure;
    std::array<int, 3> m_repeats{1, 1, 1};
    bool m_bondsVisible = false;
    SliceParameters m_sliceParameters;
    std::vector<DisplayedAtom> m_atoms;
    ElementColorScheme m_colorScheme = ElementColorScheme::Jmol;
    std::map<int, Rgb> m_colors;
    QComboBox* m_colorBox = nullptr;
    std::vector<Pick> m_picks;
    std::optional<PlaneFrame> m_frame;
    int m_inPlaneCount = 0;
    std::vector<int> m_highlightedSites;
    int m_highlightedAtomCount = 0;
    QString m_selectionText;

    vtkSmartPointer<vtkActor> m_atomActor;
    vtkSmartPointer<vtkPolyData> m_atomPoints;
    vtkSmartPointer<vtkActor> m_bondActor;
    vtkSmartPointer<vtkActor> m_cellActor;
    vtkSmartPointer<vtkActor> m_planeActor;
    vtkSmartPointer<vtkActor> m_planeOutline;
    vtkSmartPointer<vtkActor> m_planeInBlock;
    vtkSmartPointer<vtkActor> m_inPlaneActor;
    vtkSmartPointer<vtkActor> m_pickActor;
    vtkSmartPointer<vtkActor> m_siteHighlightActor;
    std::array<vtkSmartPointer<vtkTextActor>, 3> m_pickLabels;
    vtkSmartPointer<vtkTextActor> m_infoText;
    std::vector<vtkSmartPointer<vtkTextActor>> m_legend;
    vtkSmartPointer<vtkOrientationMarkerWidget> m_axesWidget;
};

}  // namespace cw
