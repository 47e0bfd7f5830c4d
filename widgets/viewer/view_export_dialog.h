#pragma once
// File ▸ Export Figure ▸ 3D View…: the view as a PNG of any width, optionally with no
// background (for slides and papers, as VESTA's export offers).

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace cw {

class CrystalView;

class ViewExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ViewExportDialog(CrystalView* view, QWidget* parent = nullptr);
    QString path() const;
    int imageWidth() const;
    bool transparent() const;
    /// Writes the PNG (errors in a message box, the dialog stays open).
    void accept() override;

private:
    CrystalView* m_view;
    QLineEdit* m_path;
    QSpinBox* m_width;
    QCheckBox* m_transparent;
};

}  // namespace cw
