#include "panels/crystens_panel.h"

#include <QAction>
#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "common/elided_label.h"
#include "core/error.h"
#include "core/image.h"
#include "core/png_image.h"
#include "crystal/elements.h"
#include "figures/figure_path.h"
#include "figures/figure_writer.h"
#include "symmetry/space_group.h"

namespace cw {

namespace {

constexpr int kSide = kCrysTensSide;
constexpr const char* kImageTitles[5] = {"xtal2png", "CrysTens 0: |Δf|", "1: Δx", "2: Δy", "3: Δz"};
constexpr const char* kFeatureNames[12] = {"E = Z − 1", "x", "y", "z", "a", "b",
                                           "c",         "α", "β", "γ", "N", "space group"};
constexpr const char* kCrysTensFeatureNames[12] = {
    "Z", "x", "y", "z", "a", "b", "c", "α", "β", "γ", "space group", "(unused, 0)"};
// Legend colours of the block outlines drawn over the images.
const QColor kHeaderColor = kEncodingHeaderColor;
const QColor kBlockColor = kEncodingBlockColor;
const QString kHoverHint = "Hover over a pixel to see what it encodes.";

}  // namespace

/// A 64 × 64 image drawn square and scaled up without smoothing, with the header and block
/// outlined; reports the pixel under the mouse.
class PixelImageView : public QWidget {
public:
    explicit PixelImageView(QWidget* parent = nullptr) : QWidget(parent) {
        setMouseTracking(true);
        setMinimumSize(kSide, kSide);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    void setImage(const QImage& image, int sites) {
        m_image = image;
        m_sites = sites;
        update();
    }
    std::function<void(int, int)> onHover;

    QRect imageRect() const {
        const int side = std::max(kSide, std::min(width(), height()));
        return QRect((width() - side) / 2, (height() - side) / 2, side, side);
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const QRect r = imageRect();
        if (m_image.isNull()) {
            p.fillRect(r, palette().color(QPalette::Mid));
            return;
        }
        paintEncodingImage(p, r, m_image, m_sites);
    }
    void mouseMoveEvent(QMouseEvent* event) override {
        const QRect r = imageRect();
        const QPoint pos = event->position().toPoint();
        if (!onHover) return;
        if (!r.contains(pos)) {
            onHover(-1, -1);
            return;
        }
        const int row = (pos.y() - r.top()) * kSide / r.height();
        const int column = (pos.x() - r.left()) * kSide / r.width();
        onHover(std::clamp(row, 0, kSide - 1), std::clamp(column, 0, kSide - 1));
    }
    void leaveEvent(QEvent*) override {
        if (onHover) onHover(-1, -1);
    }

private:
    QImage m_image;
    int m_sites = 0;
};

CrysTensPanel::CrysTensPanel(QWidget* parent)
    : QWidget(parent),
      m_errorLabel(new QLabel(this)),
      m_status(new QLabel(this)),
      m_title(new ElidedLabel({}, this)) {
    m_title->setObjectName("crysTensTitle");
    m_errorLabel->setObjectName("crysTensError");
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet("color: #b00020; font-weight: bold;");
    m_errorLabel->hide();
    m_status->setObjectName("crysTensStatus");
    m_status->setWordWrap(true);
    m_status->setMinimumHeight(2 * fontMetrics().height() + 4);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    for (int i = 0; i < 5; ++i) {
        auto* view = new PixelImageView(this);
        view->setObjectName(QString("crysTensView%1").arg(i));
        view->onHover = [this, i](int row, int column) { showHover(i, row, column); };
        m_views[static_cast<std::size_t>(i)] = view;
        auto* caption = new QLabel(kImageTitles[i], this);
        caption->setAlignment(Qt::AlignCenter);
        grid->addWidget(caption, 0, i);
        grid->addWidget(view, 1, i);
        grid->setColumnStretch(i, 1);
    }
    grid->setRowStretch(1, 1);

    auto* legend = new QLabel(this);
    legend->setObjectName("crysTensLegend");
    legend->setWordWrap(true);
    legend->setText(
        QString("<span style='color:%1'>■</span> header: site s owns row and column 12 + s; "
                "columns (and mirrored "
                "rows) 0–11 = E, x, y, z, a, b, c, α, β, γ, N, space group (xtal2png) or "
                "Z, x, y, z, a, b, c, α, β, γ, space group, 0 (CrysTens). "
                "<span style='color:%2'>■</span> pairwise block from (12, 12): xtal2png "
                "minimum-image distance (Å, 0–18); CrysTens |Δf| and Δx, Δy, Δz (fractional). "
                "Outside the outlines: padding (0). CrysTens channels are min–max normalised "
                "(viridis, 0–1).")
            .arg(kHeaderColor.name(), kBlockColor.name()));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_errorLabel);
    layout->addLayout(grid, 1);
    layout->addWidget(m_status);
    layout->addWidget(legend);
    clearImages();
    m_title->setText("Open a crystal to see its xtal2png and CrysTens encodings.");

    auto* exportAction = new QAction("Export Figure…", this);
    exportAction->setObjectName("exportCrysTensFigure");
    connect(exportAction, &QAction::triggered, this, &CrysTensPanel::exportFigureDialog);
    for (PixelImageView* view : m_views) {
        view->addAction(exportAction);
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
}

int CrysTensPanel::siteCount() const {
    return m_xtal2png && m_structure ? static_cast<int>(m_structure->size()) : 0;
}

void CrysTensPanel::exportFigure(const QString& path, int pngWidth) const {
    if (!hasEncoding())
        throw ValueError(path.toStdString() + ": no CrysTens encoding to export" +
                         (m_error.isEmpty() ? std::string() : " (" + m_error.toStdString() + ")"));
    const QString title =
        QString("%1: xtal2png and CrysTens (%2 sites, space group %3)")
            .arg(QString::fromStdString(m_structure->reducedFormula()))
            .arg(siteCount())
            .arg(m_spaceGroup);
    writeCrysTensFigure(path, m_images, siteCount(), title, pngWidth);
}

void CrysTensPanel::exportFigureDialog() {
    if (!hasEncoding()) {
        QMessageBox::information(this, "Export figure", "There is no CrysTens encoding to export.");
        return;
    }
    const QString path = chooseSavePath(this, "Export CrysTens figure", "crystens.png", figureFileFilter());
    if (path.isEmpty()) return;
    try {
        exportFigure(path);
    } catch (const Error& e) {
        QMessageBox::warning(this, "Export figure", QString::fromStdString(e.what()));
    }
}

void CrysTensPanel::clearImages() {
    for (std::size_t i = 0; i < m_images.size(); ++i) {
        m_images[i] = QImage();
        m_views[i]->setImage(QImage(), 0);
    }
}

void CrysTensPanel::setStructure(const Structure& structure) {
    m_structure = structure;
    m_xtal2png.reset();
    m_raw.reset();
    m_normalized.reset();
    m_error.clear();
    m_status->setText(kHoverHint);
    clearImages();
    const QString formula = QString::fromStdString(structure.reducedFormula());
    try {
        checkEncodable(structure, kEncodingMaxSites, "xtal2png / CrysTens");
        const auto known = structure.properties().find("symmetry_number");
        const SymmetryOptions symmetry{0.01, kPymatgenAngleToleranceDeg};
        // Both encoders would run spglib (4 ms each): once here, or not at all when the source
        // says which space group it is.
        m_spaceGroup = known != structure.properties().end() && known->second >= 1
                           ? static_cast<int>(std::lround(known->second))
                           : analyzeSpaceGroup(structure, symmetry).number;
        Xtal2PngOptions xo;
        xo.knownSpaceGroup = m_spaceGroup;
        CrysTensOptions co;
        co.knownSpaceGroup = m_spaceGroup;
        co.normalize = false;
        Xtal2PngImage png = encodeXtal2Png(structure, xo);
        CrysTensTensor raw = encodeCrysTens(structure, co);
        CrysTensTensor normalized = normalizeCrysTens(raw, static_cast<int>(structure.size()));

        QImage gray(png.side, png.side, QImage::Format_Grayscale8);
        for (int r = 0; r < png.side; ++r)
            for (int k = 0; k < png.side; ++k) gray.scanLine(r)[k] = png(r, k);
        m_images[0] = gray;
        for (int ch = 0; ch < kCrysTensChannels; ++ch) {
            Image channel(kSide, kSide);
            for (int r = 0; r < kSide; ++r)
                for (int k = 0; k < kSide; ++k)
                    channel.data[static_cast<std::size_t>(r) * kSide + k] = normalized(r, k, ch);
            const std::vector<std::uint8_t> rgb = applyColorMap(channel, ColorMap::Viridis);
            QImage image(kSide, kSide, QImage::Format_RGB888);
            for (int r = 0; r < kSide; ++r)
                std::memcpy(image.scanLine(r), rgb.data() + static_cast<std::size_t>(r) * kSide * 3,
                            static_cast<std::size_t>(kSide) * 3);
            m_images[static_cast<std::size_t>(ch) + 1] = image;
        }
        const int sites = static_cast<int>(structure.size());
        for (std::size_t i = 0; i < m_images.size(); ++i) m_views[i]->setImage(m_images[i], sites);
        m_xtal2png = std::move(png);
        m_raw = std::move(raw);
        m_normalized = std::move(normalized);
        m_errorLabel->hide();
        m_title->setText(QString("%1: %2 sites, space group %3 — file name %4")
                             .arg(formula)
                             .arg(sites)
                             .arg(m_spaceGroup)
                             .arg(QString::fromStdString(xtal2pngFileName(structure, *m_xtal2png))));
    } catch (const Error& e) {
        m_error = QString::fromStdString(e.what());
        m_errorLabel->setText(QString("Cannot encode %1: %2").arg(formula, m_error));
        m_errorLabel->show();
        m_title->setText(
            QString("%1: %2 sites — no encoding").arg(formula).arg(structure.size()));
    }
}

QString CrysTensPanel::siteName(int site) const {
    return QString("site %1 (%2)")
        .arg(site)
        .arg(element(m_structure->site(static_cast<std::size_t>(site)).z).symbol);
}

QString CrysTensPanel::headerFeature(int site, int feature, bool crysTens) const {
    const Site& s = m_structure->site(static_cast<std::size_t>(site));
    const LatticeParameters p = m_structure->lattice().parameters();
    if (crysTens) {
        switch (feature) {
            case 0:
                return QString("Z = %1 (%2)").arg(s.z).arg(element(s.z).symbol);
            case 10:
                return QString("space group = %1").arg(m_spaceGroup);
            case 11:
                return "unused (0)";
            default:
                break;
        }
    } else {
        switch (feature) {
            case 0:
                return QString("E = Z − 1 = %1 (%2, atomic number Z = %3)")
                    .arg(s.z - 1)
                    .arg(element(s.z).symbol)
                    .arg(s.z);
            case 10:
                return QString("N = %1 sites").arg(m_structure->size());
            case 11:
                return QString("space group = %1").arg(m_spaceGroup);
            default:
                break;
        }
    }
    switch (feature) {
        case 1:
        case 2:
        case 3:
            return QString("%1 = %2 (fractional)")
                .arg(kFeatureNames[feature])
                .arg(s.frac[feature - 1], 0, 'f', 4);
        case 4:
            return QString("a = %1 Å").arg(p.a, 0, 'f', 3);
        case 5:
            return QString("b = %1 Å").arg(p.b, 0, 'f', 3);
        case 6:
            return QString("c = %1 Å").arg(p.c, 0, 'f', 3);
        case 7:
            return QString("α = %1°").arg(p.alpha, 0, 'f', 2);
        case 8:
            return QString("β = %1°").arg(p.beta, 0, 'f', 2);
        case 9:
            return QString("γ = %1°").arg(p.gamma, 0, 'f', 2);
        default:
            return {};
    }
}

QString CrysTensPanel::describeXtal2PngPixel(int row, int column) const {
    if (!m_xtal2png || row < 0 || column < 0 || row >= m_xtal2png->side ||
        column >= m_xtal2png->side)
        return {};
    const int n = static_cast<int>(m_structure->size());
    const int h = kEncodingHeaderWidth;
    const QString pixel = QString(" (pixel %1)").arg((*m_xtal2png)(row, column));
    if (row < h && column < h)
        return QString("(%1, %2): unused header corner%3").arg(row).arg(column).arg(pixel);
    if (row >= h + n || column >= h + n)
        return QString("(%1, %2): padding (sites end at row/column %3)%4")
            .arg(row)
            .arg(column)
            .arg(h + n - 1)
            .arg(pixel);
    if (column < h)
        return QString("row %1 = %2, column %3 = %4%5")
            .arg(row)
            .arg(siteName(row - h))
            .arg(column)
            .arg(headerFeature(row - h, column, false), pixel);
    if (row < h)
        return QString("column %1 = %2, row %3 = %4 (mirror)%5")
            .arg(column)
            .arg(siteName(column - h))
            .arg(row)
            .arg(headerFeature(column - h, row, false), pixel);
    const int s = row - h, t = column - h;
    const double d = m_structure->lattice().minimumImageDistance(
        m_structure->site(static_cast<std::size_t>(s)).frac,
        m_structure->site(static_cast<std::size_t>(t)).frac);
    return QString("pair (%1, %2): minimum-image distance = %3 Å%4")
        .arg(siteName(s), siteName(t))
        .arg(d, 0, 'f', 3)
        .arg(pixel);
}

QString CrysTensPanel::describeCrysTensPixel(int channel, int row, int column) const {
    if (!m_normalized || channel < 0 || channel >= kCrysTensChannels || row < 0 || column < 0 ||
        row >= kSide || column >= kSide)
        return {};
    const int n = static_cast<int>(m_structure->size());
    const int h = kEncodingHeaderWidth;
    const QString value = QString(" (channel %1, normalised %2)")
                              .arg(channel)
                              .arg((*m_normalized)(row, column, channel), 0, 'f', 3);
    if (row < h && column < h)
        return QString("(%1, %2): unused header corner%3").arg(row).arg(column).arg(value);
    if (row >= h + n || column >= h + n)
        return QString("(%1, %2): padding%3").arg(row).arg(column).arg(value);
    if (column < h)
        return QString("row %1 = %2, column %3 = %4%5")
            .arg(row)
            .arg(siteName(row - h))
            .arg(column)
            .arg(headerFeature(row - h, column, true), value);
    if (row < h)
        return QString("column %1 = %2, row %3 = %4 (mirror)%5")
            .arg(column)
            .arg(siteName(column - h))
            .arg(row)
            .arg(headerFeature(column - h, row, true), value);
    const int s = row - h, t = column - h;
    const double raw = (*m_raw)(row, column, channel);
    static const char* names[4] = {"|Δf|", "Δx", "Δy", "Δz"};
    return QString("pair (site %1, site %2): %3 = %4%5")
        .arg(s)
        .arg(t)
        .arg(names[channel])
        .arg(raw, 0, 'f', 3)
        .arg(value);
}

QString CrysTensPanel::statusText() const {
    return m_status->text();
}

void CrysTensPanel::showHover(int image, int row, int column) {
    if (row < 0) {
        m_status->setText(kHoverHint);
        return;
    }
    const QString text = image == 0 ? describeXtal2PngPixel(row, column)
                                    : describeCrysTensPixel(image - 1, row, column);
    m_status->setText(text);
    PixelImageView* view = m_views[static_cast<std::size_t>(image)];
    if (!text.isEmpty()) QToolTip::showText(QCursor::pos(), text, view);
}

}  // namespace cw
