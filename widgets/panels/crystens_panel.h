#pragma once
// The CrysTens / xtal2png panel: the xtal2png image of the crystal in the viewer and the four
// normalised CrysTens channels, each 64 × 64 scaled up through a colour map, a legend of the
// blocks, and what the pixel under the mouse encodes. A structure that cannot be encoded (more
// than 52 sites, partial occupancy) shows the encoder's message instead of the images.

#include <QImage>
#include <QWidget>
#include <array>
#include <optional>

#include "crystal/structure.h"
#include "encoding/crystens.h"
#include "encoding/xtal2png.h"

class QLabel;

namespace cw {

class ElidedLabel;

class PixelImageView;

class CrysTensPanel : public QWidget {
    Q_OBJECT
public:
    explicit CrysTensPanel(QWidget* parent = nullptr);

    /// Encodes `structure` as given (xtal2png's default cell). Its `symmetry_number` property,
    /// when present, is the space group written; otherwise spglib runs once (symprec 0.01 Å, 5°).
    void setStructure(const Structure& structure);

    /// True when the last structure was encoded; false after an encoding error.
    bool hasEncoding() const { return m_xtal2png.has_value(); }
    /// The encoder's message for the last structure ("" when it was encoded).
    QString errorMessage() const { return m_error; }
    /// The xtal2png image as shown (Grayscale8, 64 × 64, the encoder's bytes); null on error.
    QImage xtal2pngImage() const { return m_images[0]; }
    /// CrysTens channel 0…3 as shown (RGB888 through the colour map, 64 × 64); null on error.
    QImage crysTensImage(int channel) const {
        return m_images[static_cast<std::size_t>(channel) + 1];
    }

    /// What pixel (row, column) of the xtal2png image encodes, as the hover text says it.
    QString describeXtal2PngPixel(int row, int column) const;
    /// What pixel (row, column) of CrysTens channel 0…3 encodes.
    QString describeCrysTensPixel(int channel, int row, int column) const;
    /// The hover line currently shown.
    QString statusText() const;

    /// Sites of the encoded structure (0 without an encoding): the block outlines' extent.
    int siteCount() const;
    /// The five images with their outlines as a figure (.png `pngWidth` wide, .svg, .pdf).
    /// Throws ValueError without an encoding, ConfigError for another suffix, IoError.
    void exportFigure(const QString& path, int pngWidth = 1600) const;
    /// Asks for a file and exports (context menu, File → Export).
    void exportFigureDialog();

private:
    void showHover(int image, int row, int column);
    void clearImages();
    QString siteName(int site) const;
    QString headerFeature(int site, int feature, bool crysTens) const;

    std::array<PixelImageView*, 5> m_views{};
    std::array<QImage, 5> m_images;
    QLabel* m_errorLabel;
    QLabel* m_status;
    ElidedLabel* m_title;

    std::optional<Structure> m_structure;
    std::optional<Xtal2PngImage> m_xtal2png;
    std::optional<CrysTensTensor> m_raw;
    std::optional<CrysTensTensor> m_normalized;
    int m_spaceGroup = 0;
    QString m_error;
};

}  // namespace cw
