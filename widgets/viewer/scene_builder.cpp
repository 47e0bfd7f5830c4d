#include "viewer/scene_builder.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkOpenGLSphereMapper.h>
#include <vtkPlaneSource.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProperty.h>
#include <vtkUnsignedCharArray.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "crystal/elements.h"

namespace cw {

std::vector<DisplayedAtom> displayedAtoms(const Structure& structure,
                                          const std::array<int, 3>& repeats,
                                          const std::map<int, std::array<std::uint8_t, 3>>& colors) {
    const int na = std::clamp(repeats[0], 1, 5), nb = std::clamp(repeats[1], 1, 5),
              nc = std::clamp(repeats[2], 1, 5);
    const Eigen::Matrix3d rowsT = structure.lattice().matrix().transpose();
    std::vector<DisplayedAtom> atoms;
    atoms.reserve(structure.size() * static_cast<std::size_t>(na * nb * nc));
    // Per-site constants once: wrapped fractional position, floor offset, radius, colour.
    struct SiteInfo {
        Eigen::Vector3d wrapped;
        Eigen::Vector3i floor;
        double radius;
        std::array<std::uint8_t, 3> color;
    };
    std::vector<SiteInfo> info;
    for (const Site& s : structure.sites()) {
        SiteInfo si;
        const Eigen::Vector3d fl = s.frac.array().floor();
        si.floor = fl.cast<int>();
        si.wrapped = s.frac - fl;
        const ElementInfo& e = element(s.z);
        si.radius = kAtomRadiusScale * e.covalentRadiusA;
        const auto chosen = colors.find(s.z);
        si.color = chosen != colors.end() ? chosen->second : e.colorRgb;
        info.push_back(si);
    }
    for (int k = 0; k < nc; ++k)
        for (int j = 0; j < nb; ++j)
            for (int i = 0; i < na; ++i)
                for (std::size_t s = 0; s < info.size(); ++s) {
                    const Eigen::Vector3i cell(i, j, k);
                    DisplayedAtom a;
                    a.site = static_cast<int>(s);
                    a.translation = cell - info[s].floor;
                    a.position = rowsT * (info[s].wrapped + cell.cast<double>());
                    a.radius = info[s].radius;
                    a.color = info[s].color;
                    atoms.push_back(a);
                }
    return atoms;
}

vtkSmartPointer<vtkPolyData> atomPoints(const std::vector<DisplayedAtom>& atoms,
                                        double radiusFactor) {
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(static_cast<vtkIdType>(atoms.size()));
    vtkNew<vtkFloatArray> radius;
    radius->SetName("radius");
    radius->SetNumberOfTuples(static_cast<vtkIdType>(atoms.size()));
    vtkNew<vtkUnsignedCharArray> color;
    color->SetName("color");
    color->SetNumberOfComponents(3);
    color->SetNumberOfTuples(static_cast<vtkIdType>(atoms.size()));
    for (std::size_t i = 0; i < atoms.size(); ++i) {
        const auto id = static_cast<vtkIdType>(i);
        points->SetPoint(id, atoms[i].position.data());
        radius->SetValue(id, static_cast<float>(atoms[i].radius * radiusFactor));
        for (int c = 0; c < 3; ++c) color->SetTypedComponent(id, c, atoms[i].color[c]);
    }
    // VTK 9.1's sphere mapper draws the points of vertex cells only: one cell per atom.
    vtkNew<vtkCellArray> vertices;
    vertices->AllocateExact(static_cast<vtkIdType>(atoms.size()), static_cast<vtkIdType>(atoms.size()));
    for (vtkIdType i = 0; i < static_cast<vtkIdType>(atoms.size()); ++i) vertices->InsertNextCell(1, &i);
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetVerts(vertices);
    data->GetPointData()->AddArray(radius);
    data->GetPointData()->AddArray(color);
    return data;
}

vtkSmartPointer<vtkActor> makeSphereActor(vtkPolyData* points) {
    vtkNew<vtkOpenGLSphereMapper> mapper;
    mapper->SetInputData(points);
    mapper->SetScaleArray("radius");
    mapper->SetScalarModeToUsePointFieldData();
    mapper->SelectColorArray("color");
    mapper->SetColorModeToDirectScalars();
    mapper->ScalarVisibilityOn();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetSpecular(0.3);
    actor->GetProperty()->SetSpecularPower(30);
    return actor;
}

vtkSmartPointer<vtkPolyData> bondLines(const std::vector<DisplayedAtom>& atoms,
                                       const Structure& structure, double tolerance) {
    std::vector<double> covalent(structure.size());
    double maxR = 0.0;
    for (std::size_t s = 0; s < structure.size(); ++s) {
        covalent[s] = element(structure.site(s).z).covalentRadiusA;
        maxR = std::max(maxR, covalent[s]);
    }
    const double cell = std::max(0.5, 2.0 * maxR * tolerance);
    auto key = [cell](const Eigen::Vector3d& p) {
        return Eigen::Vector3i((p / cell).array().floor().cast<int>());
    };
    auto hash = [](const Eigen::Vector3i& k) {
        return (static_cast<std::int64_t>(k.x()) * 73856093) ^
               (static_cast<std::int64_t>(k.y()) * 19349663) ^
               (static_cast<std::int64_t>(k.z()) * 83492791);
    };
    std::unordered_multimap<std::int64_t, int> grid;
    grid.reserve(atoms.size());
    for (std::size_t i = 0; i < atoms.size(); ++i)
        grid.emplace(hash(key(atoms[i].position)), int(i));

    vtkNew<vtkPoints> points;
    vtkNew<vtkCellArray> lines;
    for (std::size_t i = 0; i < atoms.size(); ++i) {
        const Eigen::Vector3i k = key(atoms[i].position);
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    const Eigen::Vector3i nk = k + Eigen::Vector3i(dx, dy, dz);
                    auto range = grid.equal_range(hash(nk));
                    for (auto it = range.first; it != range.second; ++it) {
                        const auto j = static_cast<std::size_t>(it->second);
                        if (j <= i || key(atoms[j].position) != nk) continue;
                        const double limit =
                            (covalent[atoms[i].site] + covalent[atoms[j].site]) * tolerance;
                        const double d = (atoms[i].position - atoms[j].position).norm();
                        if (d > 1e-6 && d <= limit) {
                            const vtkIdType a = points->InsertNextPoint(atoms[i].position.data());
                            const vtkIdType b = points->InsertNextPoint(atoms[j].position.data());
                            const vtkIdType ids[2] = {a, b};
                            lines->InsertNextCell(2, ids);
                        }
                    }
                }
    }
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetLines(lines);
    return data;
}

vtkSmartPointer<vtkPolyData> cellEdges(const Lattice& lattice, const std::array<int, 3>& repeats) {
    const std::array<int, 3> n{std::clamp(repeats[0], 1, 5), std::clamp(repeats[1], 1, 5),
                               std::clamp(repeats[2], 1, 5)};
    const Eigen::Matrix3d rowsT = lattice.matrix().transpose();
    vtkNew<vtkPoints> points;
    vtkNew<vtkCellArray> lines;
    // Lines along axis `ax` through every grid point of the other two axes.
    for (int ax = 0; ax < 3; ++ax) {
        const int p = (ax + 1) % 3, q = (ax + 2) % 3;
        for (int i = 0; i <= n[p]; ++i)
            for (int j = 0; j <= n[q]; ++j) {
                Eigen::Vector3d f0 = Eigen::Vector3d::Zero();
                f0[p] = i;
                f0[q] = j;
                Eigen::Vector3d f1 = f0;
                f1[ax] = n[ax];
                const Eigen::Vector3d c0 = rowsT * f0, c1 = rowsT * f1;
                const vtkIdType ids[2] = {points->InsertNextPoint(c0.data()),
                                          points->InsertNextPoint(c1.data())};
                lines->InsertNextCell(2, ids);
            }
    }
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetLines(lines);
    return data;
}

vtkSmartPointer<vtkPolyData> planeQuad(const PlaneFrame& frame, double side) {
    const double h = side / 2.0;
    Eigen::Vector3d o = frame.toCartesian(-h, -h), p1 = frame.toCartesian(h, -h),
                    p2 = frame.toCartesian(-h, h);
    vtkNew<vtkPlaneSource> plane;
    plane->SetOrigin(o.data());
    plane->SetPoint1(p1.data());
    plane->SetPoint2(p2.data());
    plane->Update();
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->DeepCopy(plane->GetOutput());
    return data;
}

vtkSmartPointer<vtkPolyData> planeInBlock(const PlaneFrame& frame, double side,
                                          const Lattice& lattice,
                                          const std::array<int, 3>& repeats) {
    const double h = side / 2.0;
    std::vector<Eigen::Vector3d> polygon = {frame.toCartesian(-h, -h), frame.toCartesian(h, -h),
                                            frame.toCartesian(h, h), frame.toCartesian(-h, h)};
    // Fractional coordinates are linear in x (f = x·L⁻¹), so each face is a half-space and
    // Sutherland–Hodgman clipping of the convex square is exact.
    const Eigen::Matrix3d inverse = lattice.matrix().inverse();
    auto clip = [&polygon](const std::function<double(const Eigen::Vector3d&)>& inside) {
        std::vector<Eigen::Vector3d> out;
        for (std::size_t i = 0; i < polygon.size(); ++i) {
            const Eigen::Vector3d& a = polygon[i];
            const Eigen::Vector3d& b = polygon[(i + 1) % polygon.size()];
            const double da = inside(a), db = inside(b);
            if (da >= 0) out.push_back(a);
            if ((da >= 0) != (db >= 0)) out.push_back(a + (b - a) * (da / (da - db)));
        }
        polygon = std::move(out);
    };
    for (int axis = 0; axis < 3; ++axis) {
        const double n = std::clamp(repeats[static_cast<std::size_t>(axis)], 1, 5);
        clip([&](const Eigen::Vector3d& x) { return (x.transpose() * inverse)(axis); });
        clip([&](const Eigen::Vector3d& x) { return n - (x.transpose() * inverse)(axis); });
    }
    vtkNew<vtkPoints> points;
    vtkNew<vtkCellArray> polys;
    if (polygon.size() >= 3) {
        std::vector<vtkIdType> ids;
        for (const auto& x : polygon) ids.push_back(points->InsertNextPoint(x.x(), x.y(), x.z()));
        polys->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
    }
    auto data = vtkSmartPointer<vtkPolyData>::New();
    data->SetPoints(points);
    data->SetPolys(polys);
    return data;
}

}  // namespace cw
